"""Training for contact representatives: sessions, registration with a waiting list, reminders,
attendance that records training (what area approval checks), the register for the police and
iCalendar feeds."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages, the GDPR receivers and the periodic tasks."""
    from watch.core import tasks
    from watch.training import hooks, models, reminders, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    hooks.connect()
    tasks.register(app, "training.reminders", app.config["TRAINING_REMINDER_CHECK_SECONDS"], reminders.reminder_task)
    tasks.register(app, "training.purge", app.config["TRAINING_RETENTION_CHECK_SECONDS"], reminders.purge_task)
