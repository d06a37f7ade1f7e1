"""A real SMTP server (aiosmtpd) on loopback that records what arrives, and can refuse or go down."""
from __future__ import annotations

import email
import re
import socket
import threading
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: keeps every accepted message; `refuse` makes it answer DATA with a code."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse: str | None = None  # e.g. "451 4.3.0 Try again later" or "554 5.7.1 Rejected"
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 2.0.0 OK"


class SMTPServer:
    """Start/stop an aiosmtpd server on a fixed loopback port."""

    def __init__(self):
        self.inbox = Inbox()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
                "MAIL_DEFAULT_SENDER": "Trygg Granne <noreply@tryggranne.test>", "MAIL_TIMEOUT_SECONDS": 10.0,
                "PUBLIC_URL": "https://tryggranne.test"}


@pytest.fixture
def smtp():
    """A running SMTP server; stopped at the end of the test."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def config(config, smtp):
    """Every mail test app sends to the test SMTP server."""
    config.update(smtp.config())
    return config


def body(message: EmailMessage, kind: str = "plain") -> str:
    """The text (or html) part of a received message."""
    return message.get_body(preferencelist=(kind,)).get_content()


def links(message: EmailMessage) -> list[str]:
    """Every link in the plain text part."""
    return re.findall(r"https?://\S+", body(message))
