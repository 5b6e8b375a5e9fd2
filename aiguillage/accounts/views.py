"""Account pages: the second factor (enrol, verify, recovery codes, remove) and passwords.

Thin views over ``two_factor`` (the rule and its writes) and Django's password views,
which are kept as they are and only journaled. Every page here is ``never_cache``:
they show secrets or act on the account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aiguillage.accounts import two_factor
from aiguillage.accounts.audit import record_account_event
from aiguillage.accounts.forms import (
    ConfirmPasswordForm,
    EmailPasswordResetForm,
    EnrolmentForm,
    VerificationForm,
)
from aiguillage.privacy.models.journal import JournalAction

# Recovery codes wait here between the POST that makes them and the page that shows
# them once (then they are dropped from the session).
NEW_CODES_SESSION_KEY = "aiguillage_new_recovery_codes"


def _next_url(request) -> str:
    """Where to go after the second factor: a page of this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Trop de codes erronés : attendez %(seconds)d seconde avant de réessayer.",
        "Trop de codes erronés : attendez %(seconds)d secondes avant de réessayer.",
        seconds,
    ) % {"seconds": seconds}


@never_cache
@login_required
def security(request) -> HttpResponse:
    """The account's security page: second factor state, recovery codes, password."""
    user = request.user
    device = two_factor.totp_device(user)
    return render(
        request,
        "accounts/two_factor/security.html",
        {
            "device": device,
            "codes_left": two_factor.recovery_codes_left(user) if device else 0,
            "required": two_factor.required_by_role(user),
        },
    )


@never_cache
@login_required
def two_factor_enrol(request) -> HttpResponse:
    """Add an authenticator: scan the QR code (or type the secret), confirm a code.

    Reachable before the second factor (a new account has none), so it must refuse an
    account that already has an authenticator: a stolen password alone must not let
    anyone add a phone of their own."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.is_enrolled(user):
        if user.is_verified():
            messages.info(request, _("La double authentification est déjà activée."))
            return redirect("accounts:security")
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    enrolment = two_factor.pending_enrolment(user=user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.confirm_enrolment(
            request=request, device=enrolment.device, token=form.cleaned_data["code"]
        )
        if result.ok:
            request.session[NEW_CODES_SESSION_KEY] = list(result.recovery_codes)
            messages.success(request, _("La double authentification est activée."))
            return redirect(_with_next("accounts:recovery_codes", next_url))
        form.add_error(
            "code",
            _wait_message(result.wait_seconds)
            if result.wait_seconds
            else _(
                "Ce code ne correspond pas. Vérifiez que l'heure du téléphone est juste "
                "et saisissez le code affiché maintenant."
            ),
        )
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {"enrolment": enrolment, "form": form, "next": next_url},
    )


@never_cache
@login_required
def two_factor_verify(request) -> HttpResponse:
    """The code asked after the password (authenticator, or a recovery code)."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not two_factor.is_enrolled(user):
        return redirect(_with_next("accounts:two_factor_enrol", next_url))
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify(request=request, token=form.cleaned_data["code"])
        if result.ok:
            if result.used_recovery_code:
                messages.warning(
                    request,
                    ngettext(
                        "Code de secours accepté. Il vous en reste %(count)d : "
                        "pensez à en créer de nouveaux.",
                        "Code de secours accepté. Il vous en reste %(count)d.",
                        result.recovery_codes_left,
                    )
                    % {"count": result.recovery_codes_left},
                )
            return redirect(next_url)
        form.add_error(
            "code",
            _wait_message(result.wait_seconds)
            if result.wait_seconds
            else _("Ce code n'est pas valable. Saisissez le code affiché maintenant."),
        )
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def recovery_codes(request) -> HttpResponse:
    """Show new recovery codes once; afterwards the page only offers to make others."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {
            "codes": codes or [],
            "codes_left": two_factor.recovery_codes_left(request.user),
            "enrolled": two_factor.is_enrolled(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes_new(request) -> HttpResponse:
    if not two_factor.is_enrolled(request.user):
        return redirect("accounts:two_factor_enrol")
    request.session[NEW_CODES_SESSION_KEY] = two_factor.create_recovery_codes(user=request.user)
    messages.success(
        request, _("Nouveaux codes de secours créés : les anciens ne fonctionnent plus.")
    )
    return redirect("accounts:recovery_codes")


@never_cache
@login_required
def two_factor_remove(request) -> HttpResponse:
    """Remove one's authenticator and recovery codes, after typing the password again
    (a session left open must not be enough to weaken the account)."""
    user = request.user
    if not two_factor.has_any_device(user):
        return redirect("accounts:security")
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        again = authenticate(request, username=user.email, password=form.cleaned_data["password"])
        if again is not None and again.pk == user.pk:
            two_factor.remove_two_factor(user=user)
            two_factor.forget_verification(request)
            messages.success(request, _("La double authentification est retirée de ce compte."))
            return redirect("accounts:security")
        form.add_error("password", _("Ce mot de passe n'est pas le bon."))
    return render(
        request,
        "accounts/two_factor/remove.html",
        {"form": form, "required": two_factor.required_by_role(user)},
    )


# --- Passwords -------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password/change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        record_account_event(action=JournalAction.PASSWORD_CHANGED, user=self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password/change_done.html"


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same whether the address has an
    account or not; the e-mail goes only to an active account's own address."""

    template_name = "accounts/password/reset.html"
    form_class = EmailPasswordResetForm
    email_template_name = "accounts/password/reset_email.txt"
    subject_template_name = "accounts/password/reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Links in e-mails are built on SITE_URL, like the agenda's (never on the Host
        # header of whoever asked).
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password/reset_done.html"


@method_decorator(never_cache, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password/reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        record_account_event(action=JournalAction.PASSWORD_RESET, user=user)
        # The new password ends a lockout of that address: whoever reset it holds the
        # mailbox, and the old password's wrong guesses say nothing about the new one.
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.reset_attempts(username=user.email.lower())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password/reset_complete.html"
