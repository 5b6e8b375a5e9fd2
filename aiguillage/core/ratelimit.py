"""A small rate limit on the public portal's forms, held in the database.

Every public POST (register, book, cancel, move) counts one hit for the client in a
fixed window (``PUBLIC_RATE_LIMIT`` hits per ``PUBLIC_RATE_LIMIT_WINDOW`` seconds).
Over the limit, the answer is 429 and a page that says to call or come to the library.

- The counter lives in the database, so it holds across gunicorn workers and servers,
  on SQLite as on PostgreSQL, with nothing else to run (no cache server). One plain
  ``INSERT … ON CONFLICT DO UPDATE`` adds the hit: atomic on both engines, so two
  workers never both read "9" and both let the tenth and eleventh through.
- The client is a keyed hash (HMAC with ``SECRET_KEY``) of its address: the table
  never holds an IP address. An IPv6 client counts per /64, the block a home or a
  phone usually gets, so that changing the last bits does not escape the limit.
- Behind a reverse proxy, the address is read from ``X-Forwarded-For``, as written by
  the last ``PUBLIC_RATE_LIMIT_PROXIES`` proxies (the entries before them are typed
  by the client and could be anything).
- Windows before the current one are deleted when a new window starts, scope by scope:
  the JSON API counts in scopes of its own, with windows of other lengths
  (aiguillage/api/limits.py), and must never reset the portal's counters.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.db import connection
from django.utils.crypto import salted_hmac

from aiguillage.core.models import RateLimitCounter

HMAC_SALT = "aiguillage.public.ratelimit"  # kept when the module moved to core: same keys
POST_SCOPE = "post"


def client_address(request) -> str:
    """The client's address as our own proxies saw it ("" when unreadable)."""
    proxies = max(settings.PUBLIC_RATE_LIMIT_PROXIES, 0)
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return _network_of(address)


def _network_of(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_key(request) -> str:
    """A keyed hash of the client's address: stable for the window, useless to anyone
    without the server's secret key."""
    return salted_hmac(HMAC_SALT, client_address(request) or "unknown").hexdigest()[:40]


def hit(*, bucket: str, window_seconds: int, now: float | None = None) -> int:
    """Count one hit for ``bucket`` (``scope:client``) in the current window; returns
    the window's total."""
    moment = time.time() if now is None else now
    window_start = int(moment // window_seconds * window_seconds)
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, window_start, hits) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (bucket, window_start) DO UPDATE SET hits = {table}.hits + 1",
            [bucket, window_start],
        )
        cursor.execute(
            f"SELECT hits FROM {table} WHERE bucket = %s AND window_start = %s",  # noqa: S608
            [bucket, window_start],
        )
        (hits,) = cursor.fetchone()
    if hits == 1:  # the first hit of a new window: the scope's old ones are of no use any more
        scope = bucket.partition(":")[0]
        RateLimitCounter.objects.filter(
            window_start__lt=window_start, bucket__startswith=f"{scope}:"
        ).delete()
    return hits


def over_limit(
    request, *, scope: str = POST_SCOPE, limit: int | None = None, window: int | None = None
) -> bool:
    """Count this request in ``scope``; True when the client went over the limit
    (by default the portal's: ``PUBLIC_RATE_LIMIT`` per ``PUBLIC_RATE_LIMIT_WINDOW``)."""
    limit = settings.PUBLIC_RATE_LIMIT if limit is None else limit
    window = settings.PUBLIC_RATE_LIMIT_WINDOW if window is None else window
    if limit <= 0:  # switched off
        return False
    hits = hit(bucket=f"{scope}:{client_key(request)}", window_seconds=window)
    return hits > limit


def seconds_to_next_window(window: int, *, now: float | None = None) -> int:
    """What ``Retry-After`` says: the counters start again with the next window."""
    moment = time.time() if now is None else now
    return int(window - moment % window) + 1
