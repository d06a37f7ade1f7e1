"""The VAPID key pair and subject: from configuration, or generated into the instance folder."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask

from watch.core.settings import ConfigError, instance_secret
from watch.push.webpush.vapid import (
    generate_vapid_keypair,
    load_private_key,
    public_key_b64url,
)

KEY_FILE = "vapid_private_key.pem"
DEV_SUBJECT = "mailto:grannsamverkan@example.org"
_LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".test", ".invalid", ".example", ".lan", ".home.arpa")


@dataclass(frozen=True)
class Vapid:
    """What the sender signs with and what the browser subscribes with."""

    private_key: object
    public_key: str
    subject: str


def _local_host(host: str) -> bool:
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host or "." not in host or host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not ip.is_global


def check_subject(subject: str) -> str:
    """A mailto: or https: subject with a public host; raise ConfigError otherwise."""
    subject = (subject or "").strip()
    if subject.startswith("mailto:"):
        local, _, host = subject[len("mailto:"):].partition("@")
        ok = bool(local) and not _local_host(host)
    elif subject.startswith("https://"):
        try:
            host = urlsplit(subject).hostname or ""
        except ValueError:
            host = ""
        ok = not _local_host(host)
    else:
        ok = False
    if not ok:
        raise ConfigError(
            f"WATCH_VAPID_SUBJECT must be a mailto: address or https: URL with a public host name, not {subject!r}"
            " (push services such as Apple's reject localhost-style subjects)."
        )
    return subject


def load(app: Flask) -> Vapid:
    """The configured key (required in production) or the instance folder's, generated on first run."""
    production = app.config["ENV"] == "production"
    configured = app.config.get("VAPID_PRIVATE_KEY")
    if configured:
        try:
            key = load_private_key(str(configured).replace("\\n", "\n"))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"WATCH_VAPID_PRIVATE_KEY is not a P-256 key (PEM or raw base64url): {exc}") from None
    elif production:
        raise ConfigError(
            "WATCH_VAPID_PRIVATE_KEY must be set in production: every app server and push worker must share "
            "one key (generate one with `python -m watch.push.webpush.vapid`)."
        )
    else:
        pem = instance_secret(app, KEY_FILE, lambda: generate_vapid_keypair()[0].decode("ascii"))
        key = load_private_key(pem)
    subject = app.config.get("VAPID_SUBJECT")
    if not subject:
        if production:
            raise ConfigError("WATCH_VAPID_SUBJECT must be set in production (mailto: or https:).")
        subject = DEV_SUBJECT
    return Vapid(private_key=key, public_key=public_key_b64url(key), subject=check_subject(subject))
