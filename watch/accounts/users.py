"""Finding users: the canonical e-mail address and the user who has it."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.core.errors import ServiceError


def normalise_email(email: str) -> str:
    """The canonical form of an e-mail address, or a ServiceError."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ServiceError("email_invalid", _l("Enter a valid e-mail address."), 422, field="email")
    return result.normalized.lower()


def get_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail (any case), if any."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()
