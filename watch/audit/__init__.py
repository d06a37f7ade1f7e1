"""Access log (GDPR): every view by a police officer or admin of an alert, its photos, a household
roster or a boat register is recorded (who, what, when). Other domains call
`watch.audit.service.record_access(session, actor=..., kind=..., object_id=..., owner_id=...)`."""
from flask import Flask

from watch.core import tasks


def init_app(app: Flask) -> None:
    """Register the admin page, the GDPR receivers and the retention task."""
    # Here, not at the top: importing one module of the package (its service) must not load its pages.
    from watch.audit import hooks, models, service, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    hooks.connect()
    tasks.register(app, "audit.purge", app.config["AUDIT_RETENTION_CHECK_SECONDS"], service.purge_task)
