"""Queue e-mail in the caller's transaction; build messages and links for it.

How another domain sends an e-mail::

    from flask_babel import gettext as _
    from watch import mail

    with mail.recipient_locale(user):          # the recipient's language, not the requester's
        text, html = mail.compose(
            greeting=_("Hello %(name)s,", name=user.display_name),
            paragraphs=[_("Your area was approved.")],
            action=(_("Open the area"), mail.public_url("areas.detail", area_id=area.id)),
        )
        mail.queue(session, to=user.email, to_name=user.display_name, user=user,
                   kind="area_approved", subject=_("Your area was approved"), text=text, html=html)
    session.commit()                            # the caller commits; a rollback sends nothing

The send task (`watch.mail.sender.send_due`, registered with `watch.core.tasks`)
delivers committed rows with retries and backoff.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Sequence
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from watch.core.errors import ServiceError
from watch.mail.models import OutboxMessage

SUBJECT_MAX = 200
NAME_MAX = 80


def _no_newlines(value: str | None, field: str) -> None:
    if value and any(c in value for c in "\r\n\x00"):
        raise ServiceError("mail_header_invalid", _l("Line breaks are not allowed in names, addresses or subjects."), 422, field=field)


def check_address(address: str) -> str:
    """The normalised form of a deliverable-looking address, or a ServiceError (422)."""
    address = (address or "").strip()
    _no_newlines(address, "email")
    if len(address) > 254:
        raise ServiceError("email_invalid", _l("Enter a valid e-mail address."), 422, field="email")
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ServiceError("email_invalid", _l("Enter a valid e-mail address."), 422, field="email")


def queue(
    session: Session,
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    html: str | None = None,
    to_name: str | None = None,
    user=None,
    list_unsubscribe: str | None = None,
) -> OutboxMessage | None:
    """Add one e-mail to the outbox in the caller's transaction; never commits.

    - `to`: the address (validated; CR/LF anywhere in `to`, `to_name` or
      `subject` is refused with ServiceError `mail_header_invalid`, 422).
    - `subject`, `text`, `html`: already rendered in the recipient's language
      (wrap the rendering in `recipient_locale(user)`); `html` optional,
      built with `compose()`; links with `public_url()`, never the Host header.
    - `kind`: a short name of what caused it ("password_reset", "digest", ...).
    - `user`: the recipient's account, if any (the row is deleted with it).
    - `list_unsubscribe`: an https:// or mailto: URL for notices and digests;
      sent as List-Unsubscribe (and List-Unsubscribe-Post for https).

    The message is sent only if the caller commits. Returns the row (flushed,
    id set), or None when mail is disabled (WATCH_MAIL_DISABLED).
    """
    address = check_address(to)
    _no_newlines(to_name, "to_name")
    _no_newlines(subject, "subject")
    _no_newlines(list_unsubscribe, "list_unsubscribe")
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > SUBJECT_MAX:
        raise ServiceError("mail_subject_invalid", _l("The subject must be 1 to 200 characters."), 422, field="subject")
    if to_name is not None:
        to_name = " ".join(to_name.split())[:NAME_MAX] or None
    if list_unsubscribe and urlsplit(list_unsubscribe).scheme not in ("https", "http", "mailto"):
        raise ServiceError("mail_unsubscribe_invalid", _l("The unsubscribe link must be an https or mailto URL."), 422)
    if current_app.config["MAIL_DISABLED"]:
        return None
    message = OutboxMessage(
        kind=kind[:40], to_address=address, to_name=to_name, user_id=getattr(user, "id", None),
        subject=subject, body_text=text, body_html=html, list_unsubscribe=list_unsubscribe,
    )
    session.add(message)
    session.flush()
    return message


@contextmanager
def recipient_locale(user=None, locale: str | None = None) -> Iterator[str]:
    """Render in the recipient's language: their saved choice, else `locale`, else Swedish."""
    langs = current_app.config["LANGUAGES"]
    chosen = getattr(user, "locale", None) or locale
    if chosen not in langs:
        chosen = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(chosen):
        yield chosen


def public_url(endpoint: str, **values) -> str:
    """An absolute link to `endpoint` under WATCH_PUBLIC_URL (never the request's Host)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def compose(
    *, greeting: str, paragraphs: Sequence[str], action: tuple[str, str] | None = None,
    footer: str | None = None,
) -> tuple[str, str]:
    """Plain text and simple HTML (no remote images) of one message, in the current locale."""
    parts = [greeting, *paragraphs]
    if action:
        parts.append(f"{action[0]}:\n{action[1]}")
    if footer:
        parts.append("-- \n" + footer)
    text = "\n\n".join(parts) + "\n"
    # Straight from the Jinja environment: no request context processors, so
    # the worker can build messages too.
    template = current_app.jinja_env.get_template("mail/message.html")
    html = template.render(greeting=greeting, paragraphs=paragraphs, action=action, footer=footer)
    return text, html
