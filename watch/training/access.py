"""Who may organise a training session and take attendance: one place to ask."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.organisations.access import has_role
from watch.organisations.models import COORDINATOR
from watch.training.models import TrainingSession, TrainingTrainer


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "id", None))


def can_organise(session: Session, user, municipality: str) -> bool:
    """Admins, police of the municipality and its safety coordinator organise its sessions."""
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    if user.is_police and (user.municipality or "").strip().lower() == municipality.strip().lower():
        return True
    return has_role(session, user, municipality, COORDINATOR)


def is_trainer(session: Session, user, session_id: int) -> bool:
    """Whether the user is named as a trainer of the session."""
    return _authenticated(user) and session.exec(select(TrainingTrainer.id).where(
        TrainingTrainer.session_id == session_id, TrainingTrainer.user_id == user.id)).first() is not None


def get_session_for(session: Session, user, session_id: int, need: str = "view") -> TrainingSession:
    """The session if the user may `view` it (anyone logged in), `organise` it, or take `attendance` (also trainers)."""
    if not _authenticated(user):
        raise ServiceError("login_required", _l("Please log in first."), 401)
    ts = session.get(TrainingSession, session_id)
    if ts is None:
        raise NotFound("training_not_found", _l("No such training session."))
    if need == "view":
        return ts
    if can_organise(session, user, ts.municipality):
        return ts
    if need == "attendance" and is_trainer(session, user, ts.id):
        return ts
    raise Forbidden("training_forbidden", _l("Only the trainers and organisers of the session may do that."))
