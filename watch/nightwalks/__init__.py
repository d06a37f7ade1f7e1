"""Night walks (nattvandring): groups of adults, shifts with sign-up and check-in at the meeting point, an
understaffed warning the day before, debriefs with counts only (events feed the EST picture), the monthly
report for the municipality's grant, and iCalendar feeds."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages, the receivers and the periodic tasks."""
    from watch.core import tasks
    from watch.nightwalks import calendar, hooks, models, reminders, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    hooks.connect()
    calendar.connect()
    tasks.register(app, "nightwalks.understaffed", app.config["NIGHTWALKS_WARN_CHECK_SECONDS"], reminders.warning_task)
    tasks.register(app, "nightwalks.purge", app.config["NIGHTWALKS_RETENTION_CHECK_SECONDS"], reminders.purge_task)
