"""Text messages: an adapter a deployment plugs its provider into.

``settings.SMS_BACKEND`` names a class with ``send(*, to, body)``. The default writes
to the log, so nothing leaves the server until an operator chooses a provider; what
it logs is masked (the last two digits and the length), never the message itself,
because the log is not a place for personal data.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("aiguillage.agenda.sms")

# A text message of more than 2 parts costs more and reads worse on an old phone.
MAX_LENGTH = 306


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None:
        """Send ``body`` to ``to`` (E.164); raise on failure, so the task is retried."""


def masked(number: str) -> str:
    return f"{'*' * max(len(number) - 2, 0)}{number[-2:]}"


class LogBackend:
    """The default: says in the log that a message would have gone, and nothing more."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("sms not sent (log backend) to=%s length=%d", masked(to), len(body))


class MemoryBackend:
    """Keeps the messages in ``MemoryBackend.outbox``, as Django's locmem mail does."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, body: str) -> None:
        type(self).outbox.append((to, body))


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str) -> None:
    text = " ".join(body.split())
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - 1] + "…"
    get_backend().send(to=to, body=text)
