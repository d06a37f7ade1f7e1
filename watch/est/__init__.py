"""EST (Effektiv samordning för trygghet): the weekly shared picture of places and situations,
never persons. Sub-packages: reports, picture, meetings; pure rules in `rules`."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages, the API, the signal receivers and the periodic tasks."""
    from watch.core import tasks
    from watch.est import api, hooks, models, reminders  # noqa: F401  (models: tables for the metadata)
    from watch.est.meetings import views as meeting_views
    from watch.est.picture import views as picture_views
    from watch.est.reports import views as report_views
    from watch.est.setup import views as setup_views

    for bp in (picture_views.bp, picture_views.public_bp, report_views.bp, meeting_views.bp, setup_views.bp, api.bp):
        app.register_blueprint(bp)
    hooks.connect()
    app.jinja_env.globals.update(est_municipalities=_my_municipalities, est_num=_number, est_signed=lambda v: ("+" if v > 0 else "−" if v < 0 else "±") + _number(abs(v)))
    tasks.register(app, "est-retention", app.config["EST_RETENTION_CHECK_SECONDS"], hooks.retention_task)
    tasks.register(app, "est-reminders", app.config["EST_REMINDER_CHECK_SECONDS"], reminders.reminder_task)


def _number(value) -> str:
    """A count or an average in the user's locale (0,5 in Swedish)."""
    from flask_babel import format_decimal

    return format_decimal(round(value, 2), format="#,##0.##")


def _my_municipalities() -> list[str]:
    """Municipalities where the logged-in user is in the EST group (for links in menus)."""
    from flask_login import current_user

    from watch.core.db import get_session
    from watch.est.access import visible_municipalities

    return visible_municipalities(get_session(), current_user) if current_user.is_authenticated else []
