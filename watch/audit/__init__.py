"""Access log (GDPR): every view by a police officer or admin of an alert, its photos, a household
roster or a boat register is recorded (who, what, when). Other domains call
`watch.audit.service.record_access(session, actor=..., kind=..., object_id=..., owner_id=...)`."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the admin page, the GDPR receivers and the retention task."""
    from watch.core import tasks
    from watch.audit import hooks, models, service, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    hooks.connect()
    tasks.register(app, "audit.purge", app.config["AUDIT_RETENTION_CHECK_SECONDS"], service.purge_task)
