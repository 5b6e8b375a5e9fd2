"""Two doors in front of every staff page: the idle timeout and the second factor.

Both act in ``process_view`` (the URL is resolved by then) and leave alone what is
not a staff page: the public portal, the JSON API, the health check, the language
switch and static files, which have no staff session to protect. An htmx request
gets an ``HX-Redirect`` instead of a redirect (a redirect would be followed by htmx
and paint the login page inside the desk's results).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from aiguillage.accounts.two_factor import is_enrolled, requires_two_factor

# Mounted in config/urls.py: pages without a staff session to guard.
NON_STAFF_PREFIXES = ("/p/", "/api/", "/healthz", "/i18n/")

# Account pages reachable before the second factor: logging in and out, resetting a
# forgotten password (which does not log in), and the second factor's own pages.
BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:two_factor_enrol",
        "accounts:two_factor_verify",
    }
)

LAST_ACTIVITY_KEY = "aiguillage_last_activity"
# The last activity is written at most this often: a desk clicks several times a
# minute, and a session write per click is a database write per click.
ACTIVITY_GRANULARITY_SECONDS = 60
# Whether the account must use a second factor, remembered this long in the session
# (a role given during the session applies within a minute).
TWO_FACTOR_CHECK_KEY = "aiguillage_2fa_required"
TWO_FACTOR_RECHECK_SECONDS = 60


def is_staff_page(request) -> bool:
    path = request.path_info
    non_staff = (*NON_STAFF_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)
    return not path.startswith(tuple(p for p in non_staff if p))


def _page_path(request) -> str:
    """The page the person was on: for htmx, the page that made the request, not the
    fragment's URL (coming back to a fragment would show it without its page)."""
    current = request.headers.get("HX-Current-URL")
    if request.headers.get("HX-Request") == "true" and current:
        parts = urlsplit(current)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def _redirect(request, url: str):
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    """Log a staff session out after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request
    (a desk computer left open is used by the next visitor), and send the person to
    the login page with a message saying why. ``0`` switches it off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
        if minutes <= 0 or not request.user.is_authenticated:
            return None
        now = int(time.time())
        last = request.session.get(LAST_ACTIVITY_KEY)
        if isinstance(last, int) and now - last > minutes * 60:
            logout(request)
            if not is_staff_page(request):
                return None  # the public page goes on, without the staff session
            messages.info(
                request,
                ngettext(
                    "Votre session a expiré après %(minutes)d minute sans activité. "
                    "Reconnectez-vous pour continuer.",
                    "Votre session a expiré après %(minutes)d minutes sans activité. "
                    "Reconnectez-vous pour continuer.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            login = redirect_to_login(_page_path(request), settings.LOGIN_URL)
            return _redirect(request, login.url)
        if not isinstance(last, int) or now - last >= ACTIVITY_GRANULARITY_SECONDS:
            request.session[LAST_ACTIVITY_KEY] = now
        return None


class TwoFactorMiddleware:
    """Send an account that must use a second factor, and has not given it in this
    session, to the verification page (or to enrolment if it has no authenticator
    yet) before any staff page. Needs django-otp's ``OTPMiddleware`` before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not is_staff_page(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in BEFORE_SECOND_FACTOR:
            return None
        if user.is_verified() or not self._required(request):
            return None
        target = "accounts:two_factor_verify" if is_enrolled(user) else "accounts:two_factor_enrol"
        url = f"{reverse(target)}?{urlencode({'next': _page_path(request)})}"
        return _redirect(request, url)

    @staticmethod
    def _required(request) -> bool:
        cached = request.session.get(TWO_FACTOR_CHECK_KEY)
        if (
            isinstance(cached, list)
            and len(cached) == 3
            and cached[0] == request.user.pk
            and 0 <= int(time.time()) - cached[2] < TWO_FACTOR_RECHECK_SECONDS
        ):
            return bool(cached[1])
        return _remember_requirement(request, request.user)


def _remember_requirement(request, user) -> bool:
    required = requires_two_factor(user)
    request.session[TWO_FACTOR_CHECK_KEY] = [user.pk, required, int(time.time())]
    return required


def start_session(sender, request, user, **kwargs) -> None:
    """At login (``user_logged_in``): the session's first activity, and whether the
    account needs its second factor, so the first pages need not look them up."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    _remember_requirement(request, user)
