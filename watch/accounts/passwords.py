"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

PASSWORD_MAX = 256  # argon2 takes any length; this bounds the hashing work one request can ask for

# The most common passwords in Swedish and international leaks, lower-cased.
COMMON = {
    "password", "password1", "password123", "123456789", "1234567890", "12345678910",
    "qwertyuiop", "lösenord", "losenord", "lösenord1", "lösenord123", "sommar2024",
    "sommar2025", "sommar2026", "vinter2025", "vinter2026", "qwerty1234", "iloveyou12",
    "abc1234567", "1q2w3e4r5t", "hejsan1234", "grannsamverkan", "båtsamverkan",
    "0000000000", "1111111111", "aaaaaaaaaa", "passw0rd123", "welcome123",
}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    key = ("argon2", cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    hasher = current_app.extensions.get(key)
    if hasher is None:
        hasher = current_app.extensions[key] = PasswordHasher(
            time_cost=key[1], memory_cost=key[2], parallelism=key[3]
        )
    return hasher


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time() -> None:
    """Spend one verification's time, so unknown e-mails answer as slowly as known ones."""
    verify_password(current_app.extensions.setdefault("dummy_hash", hash_password("not-a-real-password")), "x")


def password_problem(password: str, *, email: str = "", name: str = ""):
    """Why a password is too weak, or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or not password.strip():
        return _l("Choose a password.")
    if len(password) < minimum:
        return _l("The password must be at least %(n)s characters.", n=minimum)
    if len(password) > PASSWORD_MAX:
        return _l("The password is too long (at most %(n)s characters).", n=PASSWORD_MAX)
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        return _l("That password is too easy to guess. Try a few unrelated words.")
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and len(name) >= 4 and name.lower() in lowered):
        return _l("The password must not contain your e-mail or name.")
    return None
