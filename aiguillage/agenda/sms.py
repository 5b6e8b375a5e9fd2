"""Text messages: an adapter a deployment plugs its provider into, and one segment.

``settings.SMS_BACKEND`` names a class with ``send(*, to, body)``. The default writes
to the log, so nothing leaves the server until an operator chooses a provider; what
it logs is masked (the last two digits and the length), never the message itself,
because the log is not a place for personal data.

Every message fits one segment of the GSM 03.38 alphabet (160 characters): an old
phone shows it whole, and it costs one message. A single character outside that
alphabet ("ê", "ç", "·", "\u2019") switches the whole message to UCS-2, where a segment
holds 70 characters only, so ``gsm7`` writes such characters the way a French text
message would ("e", "c", "-", "'") before anything is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("aiguillage.agenda.sms")

SEGMENT = 160  # one GSM-7 segment
MIN_FIELD = 8  # a shortened title or place keeps at least this much

# GSM 03.38: the basic alphabet (one character each) and its extension (two each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€")
# What a French text says instead of a character outside the alphabet.
_PLAIN = str.maketrans(
    {
        "À": "A", "Â": "A", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Ô": "O",
        "Û": "U", "Ù": "U", "Ÿ": "Y", "Œ": "OE", "â": "a", "á": "a", "ê": "e", "ë": "e",
        "î": "i", "ï": "i", "í": "i", "ô": "o", "ó": "o", "û": "u", "ú": "u", "ÿ": "y",
        "ç": "c", "œ": "oe", "·": "-", "•": "-", "\u2013": "-", "\u2014": "-", "\u2011": "-",
        "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "«": '"', "»": '"', "…": "...",
        "\u00a0": " ", "\u202f": " ", "\t": " ",
    }
)  # fmt: skip


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


def gsm7(text: str) -> str:
    """``text`` on one line, in the GSM-7 alphabet (characters outside it written as a
    French text would, or dropped when nothing is close)."""
    plain = " ".join(text.translate(_PLAIN).split())
    return "".join(c for c in plain if c in GSM7_BASIC or c in GSM7_EXTENSION)


def gsm7_length(text: str) -> int:
    """Its length in a GSM-7 message: an extension character takes two."""
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def fits_one_segment(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) and (
        gsm7_length(text) <= SEGMENT
    )


def fit(render: Callable[[Mapping[str, str]], str], fields: Mapping[str, str]) -> str:
    """``render(fields)`` in GSM-7 and one segment: the longest of ``fields`` (a title,
    a place, a sender's name) is shortened, then the next, until the message fits."""
    values = {name: gsm7(value) for name, value in fields.items()}
    lengths = {name: len(value) for name, value in values.items()}
    text = gsm7(render(values))
    while gsm7_length(text) > SEGMENT:
        longest = max(lengths, key=lambda name: lengths[name], default=None)
        if longest is None or lengths[longest] <= MIN_FIELD:
            break
        lengths[longest] -= 1  # the longest loses a character, until they are even
        cut = _cut(values, lengths)
        text = gsm7(render(cut))
    return text


def _cut(values: Mapping[str, str], lengths: Mapping[str, int]) -> dict[str, str]:
    """Each value cut to its length, at a word's end when one is near."""
    cut = {}
    for name, value in values.items():
        keep = lengths[name]
        if keep >= len(value):
            cut[name] = value
            continue
        head = value[:keep]
        words = head.rsplit(" ", 1)[0] if " " in head[MIN_FIELD:] else head
        cut[name] = words.rstrip(" ,-'")
    return cut


def send_sms(*, to: str, body: str) -> None:
    """Send ``body`` as one GSM-7 segment; a longer body is cut (its composer should
    have kept it short: the message tests check every kind)."""
    text = gsm7(body)
    while gsm7_length(text) > SEGMENT:
        text = text[:-4].rstrip() + "..."
    get_backend().send(to=to, body=text)
