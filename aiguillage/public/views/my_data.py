""" "Mes données": what a visitor sees and erases, with no account.

Two doors, because they prove different things (``aiguillage.compliance.rights``):

- a manage link (``/mes-donnees/<token>/``) opens its own booking only: everything it
  holds, unmasked (a copy of their own data is what the right of access gives), its
  download and its erasure. Whoever booked holds that link, and anyone can book with
  someone else's e-mail, so it shows nothing of the other bookings made with the same
  contact. It offers to send a one-time link *to* that contact instead;
- that one-time link (``/v/<code>/``, short enough for a text message) is opened with
  a button, once, within half an hour (``aiguillage.compliance.proofs``); it opens the
  contact's pages (``/mes-donnees/tout/<grant>/``) for half an hour: every booking
  and registration of this network made with that contact, their download and their
  erasure, which cancels what is still to come and kills every link sent.

Tokens stay in the path, as on the manage page; every answer is private (never
cached, never indexed, no referrer), and the pages have no language form, which
would post the path (with its token) back to the server.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aiguillage.agenda.links import manage_path
from aiguillage.compliance import proofs, rights
from aiguillage.compliance.exports import export_response
from aiguillage.compliance.models import ContactProof, PrivacySettings
from aiguillage.compliance.rights import Holdings, NothingHeld, Requester
from aiguillage.core.models import Network
from aiguillage.core.ratelimit import over_limit
from aiguillage.public.decorators import private_page, public_view
from aiguillage.public.throttle import limit_posts, too_many_requests

# The manage page's own resolution of a link (bad, tampered, renewed, purged, another
# network's: 404 that says nothing more).
from aiguillage.public.views.manage import booking_or_404


def _context(network, found: Holdings, **more) -> dict:
    return {
        "network": network,
        "found": found,
        "kept": PrivacySettings.for_network(network),
        "to_cancel": rights.to_cancel(found, now=timezone.now()),
        **more,
    }


def _booking_context(network, booking, token: str, found: Holdings) -> dict:
    return _context(
        network,
        found,
        scope="booking",
        token=token,
        booking=booking,
        manage_url=manage_path(booking),
        export_url=reverse("privacy_public:my_data_export", args=[network.slug, token]),
        erase_url=reverse("privacy_public:my_data_erase", args=[network.slug, token]),
        back_url=reverse("privacy_public:my_data", args=[network.slug, token]),
        prove_url=reverse("privacy_public:my_data_prove", args=[network.slug, token]),
        destination=proofs.destination(booking),
    )


def _own(network, booking, *, kind: str) -> Holdings:
    """A manage link's look at its own booking (journaled by ``rights.access``)."""
    return rights.access(
        network=network, contact_key=booking.contact_key, origin=Requester.VISITOR_LINK,
        kind=kind, booking=booking,
    )  # fmt: skip


@public_view
@require_GET
def my_data(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    found = _own(network, booking, kind="page")
    context = _booking_context(network, booking, token, found)
    return private_page(render(request, "public/privacy/my_data.html", context), has_forms=True)


@public_view
@require_GET
def my_data_export(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    found = _own(network, booking, kind="export")
    return private_page(export_response(rights.as_json(found), network=network))


def _erased_page(request, network, erased: rights.Erased) -> HttpResponse:
    messages.success(
        request,
        _(
            "C'est fait : nous avons effacé vos données. Vos réservations à venir sont "
            "annulées et vos liens ne marchent plus. Nous ne vous enverrons plus de message."
        ),
    )
    return private_page(redirect(reverse("privacy_public:notice", args=[network.slug])))


@public_view
@require_http_methods(["GET", "POST"])
@limit_posts
def my_data_erase(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    if request.method == "POST":
        try:
            erased = rights.erase(
                network=network,
                contact_key=booking.contact_key,
                origin=Requester.VISITOR_LINK,
                booking=booking,
            )
        except NothingHeld:  # erased meanwhile (another tab): the link is dead already
            raise Http404("No such booking.") from None
        return _erased_page(request, network, erased)
    found = rights.holdings(
        network=network,
        contact_key=booking.contact_key,
        reach=Requester.VISITOR_LINK.reach,
        booking=booking,
    )
    context = _booking_context(network, booking, token, found)
    return private_page(
        render(request, "public/privacy/my_data_erase.html", context), has_forms=True
    )


@public_view
@require_POST
@limit_posts
def my_data_prove(request, network, token: str) -> HttpResponse:
    """Send a one-time link to this booking's contact; the page says where (masked)."""
    booking = booking_or_404(network, token)
    back = reverse("privacy_public:my_data", args=[network.slug, token])
    try:
        proof, sent = proofs.request_proof(booking=booking, now=timezone.now())
    except proofs.ProofRefused as refused:
        messages.error(request, str(refused))
        return private_page(redirect(back))
    where = proofs.destination(booking)
    if proof.channel == "sms":
        text = _("Nous avons envoyé un SMS au %(where)s.")
    else:
        text = _("Nous avons envoyé un e-mail à %(where)s.")
    text = text % {"where": where.shown if where else ""}
    if not sent:
        text = _("Un lien vous a déjà été envoyé il y a quelques minutes.") + " " + text
    messages.success(
        request,
        text
        + " "
        + _("Ouvrez le lien qu'il contient dans les 30 minutes pour voir toutes vos données."),
    )
    return private_page(redirect(back))


# --- The one-time link, and the contact's pages it opens ------------------------------


@require_http_methods(["GET", "POST"])
@limit_posts
def proof_open(request, code: str) -> HttpResponse:
    """The link sent: a button to press (a link checker following it uses nothing up);
    pressing it opens the contact's pages. An unknown, used or expired link is said so,
    with the way to ask for another."""
    now = timezone.now()
    proof = proofs.proof_to_open(code, now=now)
    network = proof.network if proof is not None else _network_of_spent(code)
    request.network = network
    if proof is None:
        page = render(request, "public/privacy/proof_spent.html", {"network": network}, status=410)
        return private_page(page)
    if request.method == "POST":
        grant = proofs.open_proof(code=code, now=now)
        if grant is None:  # opened meanwhile, in another tab or by someone else
            page = render(
                request, "public/privacy/proof_spent.html", {"network": network}, status=410
            )
            return private_page(page)
        return private_page(
            redirect(reverse("privacy_public:all_data", args=[network.slug, grant]))
        )
    context = {"network": network, "proof": proof}
    return private_page(render(request, "public/privacy/proof_open.html", context), has_forms=True)


def _network_of_spent(code: str) -> Network | None:
    """A used or expired link still names its network (for its colours and its notice);
    an unknown one is 404."""
    proof = ContactProof.objects.select_related("network").filter(code=code[:32]).first()
    if proof is None or not proof.network.is_active:
        raise Http404("No such link.")
    return proof.network


def _proven_or_404(network, grant: str) -> ContactProof:
    proof = proofs.proven(network=network, grant=grant, now=timezone.now())
    if proof is None:
        raise Http404("No such access.")
    return proof


def _contact_context(network, grant: str, proof: ContactProof, found: Holdings) -> dict:
    return _context(
        network,
        found,
        scope="contact",
        token=grant,
        access_until=proof.access_until,
        export_url=reverse("privacy_public:all_data_export", args=[network.slug, grant]),
        erase_url=reverse("privacy_public:all_data_erase", args=[network.slug, grant]),
        back_url=reverse("privacy_public:all_data", args=[network.slug, grant]),
    )


def _all(network, proof: ContactProof, *, kind: str) -> Holdings:
    """A proven contact's look at everything held under it."""
    origin = Requester.VISITOR_PROOF
    return rights.access(network=network, contact_key=proof.contact_key, origin=origin, kind=kind)


@public_view
@require_GET
def all_data(request, network, grant: str) -> HttpResponse:
    proof = _proven_or_404(network, grant)
    found = _all(network, proof, kind="page")
    context = _contact_context(network, grant, proof, found)
    return private_page(render(request, "public/privacy/my_data.html", context))


@public_view
@require_GET
def all_data_export(request, network, grant: str) -> HttpResponse:
    proof = _proven_or_404(network, grant)
    found = _all(network, proof, kind="export")
    return private_page(export_response(rights.as_json(found), network=network))


@public_view
@require_http_methods(["GET", "POST"])
def all_data_erase(request, network, grant: str) -> HttpResponse:
    proof = _proven_or_404(network, grant)  # a made-up grant is turned away, uncounted
    if request.method == "POST" and over_limit(request):
        return too_many_requests(request)
    if request.method == "POST":
        now = timezone.now()
        try:
            erased = rights.erase(
                network=network,
                contact_key=proof.contact_key,
                origin=Requester.VISITOR_PROOF,
                now=now,
            )
        except NothingHeld:
            erased = rights.Erased()
        proofs.close_all(network=network, contact_key=proof.contact_key, now=now)
        return _erased_page(request, network, erased)
    found = rights.holdings(
        network=network, contact_key=proof.contact_key, reach=Requester.VISITOR_PROOF.reach
    )
    context = _contact_context(network, grant, proof, found)
    return private_page(
        render(request, "public/privacy/my_data_erase.html", context), has_forms=True
    )
