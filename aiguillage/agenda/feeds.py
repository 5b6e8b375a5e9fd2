"""Private links to a staff member's calendar feed, and the window every feed covers.

A calendar application subscribes to a URL and fetches it without logging in, so
the staff feed's URL carries its own proof: a token signed with ``SECRET_KEY`` (salted
for this use only) that names a membership. It holds no personal data and does not
expire, as subscriptions last; it stops working as soon as the membership, the
person or the network is deactivated, since the membership is looked up among the
active ones at every fetch.

The token also carries a fingerprint of the membership's ``feed_key`` and
``updated_at``: renewing the link draws a new key (every earlier link fails, even
within the same clock tick), and any later change of role or status by a
coordinator moves ``updated_at``, which revokes the links too.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from aiguillage.accounts.models import Membership, new_feed_key

FEED_SALT = "aiguillage.agenda.feeds.staff"
# What a feed covers: recent weeks (a calendar keeps what it saw), and the
# materialised window ahead (about six months).
FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=183)


def feed_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now - FEED_PAST, now + FEED_FUTURE


def _fingerprint(membership: Membership) -> str:
    stamp = membership.updated_at.astimezone(dt.UTC).isoformat()
    value = f"{membership.pk}:{membership.user_id}:{membership.feed_key}:{stamp}"
    return salted_hmac(FEED_SALT, value).hexdigest()[:16]


def staff_feed_token(membership: Membership) -> str:
    """The private token of ``membership``'s calendar feed (for its URL)."""
    return signing.dumps({"m": membership.pk, "f": _fingerprint(membership)}, salt=FEED_SALT)


def membership_for_feed_token(token: str) -> Membership | None:
    """The active membership a token was made for, or None (bad, revoked or inactive)."""
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    membership = (
        Membership.objects.active().select_related("network", "user").filter(pk=data["m"]).first()
    )
    if membership is None or not constant_time_compare(
        str(data.get("f", "")), _fingerprint(membership)
    ):
        return None
    return membership


def renew_feed_link(membership: Membership) -> str:
    """Revoke every earlier link of ``membership``'s feed and return the new token."""
    membership.feed_key = new_feed_key()
    membership.save(update_fields=["feed_key", "updated_at"])
    return staff_feed_token(membership)
