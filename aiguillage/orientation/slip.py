"""The orientation slip ("fiche d'orientation"): what the desk hands over or sends.

Where to go (name, address, distance, the week's hours in words, phone), how to be
received (walk in, call, book online with the link), what to bring, the official
online service with a QR code, and the date and place of a slot or a workshop.

The slip is rebuilt from ids only (a need, a target, the site at the desk): it never
reads a booking, so it cannot carry the visitor's name, e-mail or phone, and its URL
holds nothing personal either. A slot or a workshop is looked up within the caller's
network only; a directory structure is open data, any active one may be printed.

``build_slip`` returns plain frozen data; the template ``orientation/slip/slip.html``
is a standalone printable document (A5 or A4) that the staff page, the PDF and, later,
the public portal render the same way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

import segno
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aiguillage.agenda.links import absolute
from aiguillage.agenda.models import (
    BookableBy,
    OccurrenceStatus,
    PermanenceKind,
    Slot,
    Workshop,
    WorkshopStatus,
)
from aiguillage.catalog.models import Need
from aiguillage.catalog.texts import catalog_text, catalog_texts
from aiguillage.core import phones
from aiguillage.core.models import Network, Site
from aiguillage.core.week_hours import clock, week_hours
from aiguillage.directory.models import Commune, Structure
from aiguillage.orientation import wording
from aiguillage.orientation.engine import TargetKind
from aiguillage.orientation.facts import StartingPoint

# The targets a slip can be printed for (the desk's "accompany now" needs none).
SLIP_KINDS = (
    TargetKind.STRUCTURE,
    TargetKind.ONLINE_SERVICE,
    TargetKind.PARTNER_SLOT,
    TargetKind.STAFF_SLOT,
    TargetKind.WORKSHOP,
)
SLOT_KINDS = {
    TargetKind.PARTNER_SLOT: PermanenceKind.PARTNER,
    TargetKind.STAFF_SLOT: PermanenceKind.STAFF,
}


class SlipError(ValueError):
    """The request for a slip does not make sense (unknown kind, missing id)."""


class SlipNotFound(LookupError):
    """The target does not exist, or not for this network: said like "no such thing"."""


@dataclass(frozen=True)
class Line:
    """One idea per line; ``url`` is printed in clear after the text when given."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class SlipLink:
    """A link the visitor may open later: its purpose, the URL in clear, its QR code."""

    label: str
    url: str
    host: str
    qr_svg: str  # inline SVG (no request to anywhere, no inline style)


@dataclass(frozen=True)
class Issuer:
    """The library that hands the slip over: whom to ask again."""

    name: str
    address: tuple[str, ...]
    phone: str
    email: str


@dataclass(frozen=True)
class Slip:
    kind: str
    title: str
    need_name: str
    place_name: str
    address: tuple[str, ...]
    distance: str
    hours: tuple[str, ...]
    hours_known: bool
    phone: str
    email: str
    held_by: str
    when_heading: str
    when: tuple[str, ...]
    booked: bool
    reception: tuple[Line, ...]
    documents: tuple[str, ...]
    prepare: tuple[str, ...]
    online: SlipLink | None
    links: tuple[SlipLink, ...]
    notices: tuple[str, ...]
    network_name: str
    issuer: Issuer | None
    issued_on: str


# --- Small helpers in plain French -------------------------------------------------


def display_phone(raw: str) -> str:
    """ "04 67 44 24 60" for a French number stored as +33…; anything else as typed."""
    value = (raw or "").strip()
    number = phones.valid(value)
    return phones.readable(number) if number is not None else value


def safe_url(url: str) -> str:
    """The URL if it is a plain web address (http or https), else "": imported data
    never becomes a javascript: link or a QR code to something else."""
    value = (url or "").strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname:
        return value
    return ""


def qr_svg(url: str, *, label: str) -> str:
    """The QR code of ``url`` as an inline SVG sized by the stylesheet (no width or
    height of its own, a viewBox), with a title read by screen readers."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        omitsize=True, border=2, svgclass="slip-qr__code", lineclass=None, title=label
    )
    # An image named by its <title> (segno escapes it): what screen readers expect.
    return svg.replace("<svg ", '<svg role="img" ', 1)


def link(label: str, url: str) -> SlipLink:
    return SlipLink(
        label=label,
        url=url,
        host=wording.domain(url),
        qr_svg=qr_svg(url, label=_("QR code : %(label)s") % {"label": label}),
    )


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def long_date(moment: datetime.datetime) -> str:
    """ "Mardi 8 décembre 2026"."""
    return upper_first(formats.date_format(timezone.localtime(moment), "l j F Y"))


def from_to(start: datetime.datetime, end: datetime.datetime) -> str:
    """ "de 9 h à 9 h 30"."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("de %(start)s à %(end)s") % {"start": clock(start.time()), "end": clock(end.time())}


def _site_address(site: Site) -> tuple[str, ...]:
    return tuple(p for p in (site.address, f"{site.postcode} {site.commune_name}".strip()) if p)


def _structure_address(structure: Structure) -> tuple[str, ...]:
    parts = (
        structure.address,
        structure.address_complement,
        f"{structure.postcode} {structure.commune_name}".strip(),
    )
    return tuple(p for p in parts if p)


def _origin(site: Site | None, commune: Commune | None) -> StartingPoint | None:
    if site is not None:
        return StartingPoint.of_site(site)
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        return StartingPoint.of_commune(commune)
    return None


def distance_text(
    origin: StartingPoint | None,
    *,
    latitude: float | None,
    longitude: float | None,
    site_id: int | None = None,
    from_commune: bool = False,
) -> str:
    """ "À 2,3 km de Médiathèque X (à vol d'oiseau)." or "C'est ici." at the same site."""
    if origin is None:
        return ""
    if site_id is not None and origin.site_id == site_id:
        return _("C'est ici, dans cette médiathèque.")
    if latitude is None or longitude is None:
        return ""
    km = wording.km(origin.distance_to(latitude, longitude))
    if from_commune:
        return _("À %(km)s du centre de %(place)s (à vol d'oiseau).") % {
            "km": km,
            "place": origin.label,
        }
    return _("À %(km)s de %(place)s (à vol d'oiseau).") % {"km": km, "place": origin.label}


def _prepare(need: Need | None) -> tuple[str, ...]:
    """What the démarche itself asks for, besides papers."""
    if need is None:
        return ()
    items = []
    if need.requires_email:
        items.append(_("Une adresse e-mail à vous, et son mot de passe."))
    if need.requires_franceconnect:
        items.append(_("Un compte pour FranceConnect (impots.gouv, Ameli, La Poste…)."))
    if need.requires_scan:
        items.append(_("Vos documents en photo ou scannés."))
    return tuple(items)


# --- The slip ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What differs from one kind of target to another."""

    title: str
    place_name: str
    address: tuple[str, ...] = ()
    distance: str = ""
    hours: tuple[str, ...] = ()
    hours_known: bool = True
    phone: str = ""
    email: str = ""
    held_by: str = ""
    when_heading: str = ""
    when: tuple[str, ...] = ()
    reception: tuple[Line, ...] = ()
    links: tuple[SlipLink, ...] = ()
    notices: tuple[str, ...] = ()


def build_slip(
    *,
    network: Network,
    need: Need | None,
    target_kind: str,
    target_id: int | None,
    origin_site: Site | None = None,
    origin_commune: Commune | None = None,
    at: datetime.datetime,
    booked: bool = False,
    public: bool = False,
) -> Slip:
    """The slip for one target of an orientation.

    ``booked`` says the visitor has just booked this slot (the slip then says "your
    appointment"); the booking itself is never read. ``public`` keeps to what the
    public portal shows (public sites, online-bookable slots, open workshops).
    Raises ``SlipError`` for a request that makes no sense and ``SlipNotFound`` for a
    target that does not exist in this network.
    """
    at = timezone.localtime(at)
    if origin_site is not None and origin_site.network_id != network.pk:
        raise SlipNotFound("The site belongs to another network.")
    if target_kind not in SLIP_KINDS:
        raise SlipError(f"No slip for target kind {target_kind!r}.")
    if target_kind != TargetKind.ONLINE_SERVICE and target_id is None:
        raise SlipError("This target needs an id.")
    origin = _origin(origin_site, origin_commune)
    from_commune = origin_site is None and origin is not None
    if target_kind == TargetKind.STRUCTURE:
        target = _structure(target_id, origin, from_commune, at)
    elif target_kind == TargetKind.ONLINE_SERVICE:
        target = _online_service(need)
    elif target_kind in SLOT_KINDS:
        target = _slot(
            network, target_kind, target_id, origin, from_commune, at, booked=booked, public=public
        )
    else:
        target = _workshop(network, target_id, origin, from_commune, at, public=public)

    online_url = safe_url(need.online_service_url) if need is not None else ""
    online = None
    if online_url:
        online = link(_("Le service en ligne officiel"), online_url)
    issuer = None
    if origin_site is not None:
        issuer = Issuer(
            name=origin_site.name,
            address=_site_address(origin_site),
            phone=display_phone(origin_site.phone),
            email=origin_site.email,
        )
    return Slip(
        kind=target_kind,
        title=target.title,
        need_name=catalog_text(need.name) if need is not None else "",
        place_name=target.place_name,
        address=target.address,
        distance=target.distance,
        hours=target.hours,
        hours_known=target.hours_known,
        phone=target.phone,
        email=target.email,
        held_by=target.held_by,
        when_heading=target.when_heading,
        when=target.when,
        booked=booked and target_kind in SLOT_KINDS,
        reception=target.reception,
        documents=catalog_texts(need.documents or ()) if need is not None else (),
        prepare=_prepare(need),
        online=online,
        links=target.links,
        notices=target.notices,
        network_name=network.name,
        issuer=issuer,
        issued_on=formats.date_format(at, "j F Y"),
    )


# Structures of the directory: how to be received, from the standard's access modes.
WALK_IN = "Se présenter"
CALL = "Téléphoner"
MAIL = "Contacter par mail"
BOOK_ONLINE = "Prendre un RDV en ligne"
NO_PUBLIC = "Ce lieu n'accueille pas de public"
PRESCRIPTION = "Envoyer un mail avec une fiche de prescription"


def _structure_reception(structure: Structure, phone: str, booking_url: str) -> list[Line]:
    modes = [m for m in (structure.access_modalities or []) if isinstance(m, str)]
    lines: list[Line] = []
    for mode in modes:
        if mode == WALK_IN:
            lines.append(Line(_("Vous pouvez venir sans rendez-vous, aux heures d'ouverture.")))
        elif mode == CALL:
            lines.append(
                Line(_("Vous pouvez téléphoner : %(phone)s.") % {"phone": phone})
                if phone
                else Line(_("Vous pouvez téléphoner."))
            )
        elif mode == MAIL and structure.email:
            lines.append(
                Line(_("Vous pouvez écrire un e-mail : %(email)s.") % {"email": structure.email})
            )
        elif mode == BOOK_ONLINE:
            lines.append(
                Line(_("Vous pouvez prendre rendez-vous en ligne :"), booking_url)
                if booking_url
                else Line(_("Vous pouvez prendre rendez-vous en ligne."))
            )
        elif mode == NO_PUBLIC:
            lines.append(Line(_("Ce lieu ne reçoit pas le public sur place.")))
        elif mode == PRESCRIPTION:
            lines.append(
                Line(_("La médiathèque peut d'abord écrire à ce lieu pour vous présenter."))
            )
    if lines:
        return lines
    # Nothing said by the directory: the safest advice with what is known.
    if phone:
        lines.append(Line(_("Téléphonez avant de venir : %(phone)s.") % {"phone": phone}))
    if booking_url:
        lines.append(Line(_("Vous pouvez prendre rendez-vous en ligne :"), booking_url))
    if not lines:
        lines.append(Line(_("Venez aux heures d'ouverture.")))
    return lines


def _structure(
    structure_id: int | None,
    origin: StartingPoint | None,
    from_commune: bool,
    at: datetime.datetime,
) -> _Target:
    structure = Structure.objects.active().filter(pk=structure_id).first()
    if structure is None:
        raise SlipNotFound("No such structure.")
    phone = display_phone(structure.phone)
    booking_url = safe_url(structure.booking_url)
    hours = week_hours(structure.opening_hours, at.date())
    notices = []
    if structure.is_mobile:
        notices.append(_("Ce lieu se déplace : vérifiez l'adresse et le jour avant de venir."))
    links = ()
    if booking_url:
        links = (link(_("Prendre rendez-vous en ligne"), booking_url),)
    return _Target(
        title=structure.name,
        place_name=structure.name,
        address=_structure_address(structure),
        distance=distance_text(
            origin,
            latitude=structure.latitude,
            longitude=structure.longitude,
            from_commune=from_commune,
        ),
        hours=hours.lines,
        hours_known=hours.known,
        phone=phone,
        email=structure.email,
        reception=tuple(_structure_reception(structure, phone, booking_url)),
        links=links,
        notices=tuple(notices),
    )


def _online_service(need: Need | None) -> _Target:
    url = safe_url(need.online_service_url) if need is not None else ""
    if not url:
        raise SlipNotFound("This need has no online service.")
    host = wording.domain(url)
    return _Target(
        title=_("Faire la démarche en ligne"),
        place_name=host,
        reception=(
            Line(_("Allez sur le site officiel : %(site)s.") % {"site": host}),
            Line(_("Le site est ouvert jour et nuit.")),
            Line(_("Vous pouvez le faire chez vous, ou à la médiathèque.")),
        ),
    )


def _slot(
    network: Network,
    kind: str,
    slot_id: int | None,
    origin: StartingPoint | None,
    from_commune: bool,
    at: datetime.datetime,
    *,
    booked: bool,
    public: bool,
) -> _Target:
    slots = Slot.objects.of_network(network).filter(
        permanence__kind=SLOT_KINDS[kind], site__is_active=True
    )
    if public:
        slots = slots.bookable_online().filter(network__is_active=True)
    slot = (
        slots.select_related("permanence__structure", "occurrence", "site")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise SlipNotFound("No such slot in this network.")
    permanence, site = slot.permanence, slot.site
    walk_in = permanence.walk_in
    reception: list[Line] = []
    links: tuple[SlipLink, ...] = ()
    notices: list[str] = []
    site_phone = display_phone(site.phone)
    if booked:
        reception.append(Line(_("Votre rendez-vous est réservé.")))
        reception.append(Line(_("Venez quelques minutes avant l'heure.")))
        if site_phone:
            reception.append(
                Line(
                    _("Si vous ne pouvez pas venir, prévenez la médiathèque : %(phone)s.")
                    % {"phone": site_phone}
                )
            )
        else:
            reception.append(Line(_("Si vous ne pouvez pas venir, prévenez la médiathèque.")))
    elif walk_in:
        reception.append(Line(_("C'est sans rendez-vous.")))
        reception.append(Line(_("Venez pendant la permanence.")))
    else:
        reception.append(Line(_("C'est sur rendez-vous.")))
        reception.append(Line(_("Pour réserver, demandez à l'accueil de la médiathèque.")))
        if (
            slot.is_public
            and permanence.is_active
            and permanence.bookable_by == BookableBy.PUBLIC
            and site.is_public
        ):
            url = absolute(
                reverse(
                    "public:permanence",
                    kwargs={"network_slug": network.slug, "permanence_id": permanence.pk},
                )
            )
            reception.append(Line(_("Ou réservez en ligne :"), url))
            links = (link(_("Réserver en ligne"), url),)
    if not slot.is_open or slot.occurrence.status == OccurrenceStatus.CANCELLED:
        notices.append(_("Attention : cette permanence est annulée ce jour-là."))
    elif slot.ends_at <= at:
        notices.append(_("Attention : cette date est passée."))
    elif not booked and slot.booked >= slot.capacity:
        notices.append(_("Ce créneau est complet : demandez une autre date à l'accueil."))
    held_by = ""
    if permanence.kind == PermanenceKind.PARTNER and permanence.structure_id:
        held_by = permanence.structure.name
    elif permanence.kind == PermanenceKind.STAFF:
        held_by = _("Un membre de l'équipe de la médiathèque")
    return _Target(
        title=_("Votre rendez-vous") if booked else permanence.title,
        place_name=site.name,
        address=_site_address(site),
        distance=distance_text(
            origin,
            latitude=site.latitude,
            longitude=site.longitude,
            site_id=site.pk,
            from_commune=from_commune,
        ),
        phone=site_phone,
        email=site.email,
        held_by=held_by,
        when_heading=_("Date et heure"),
        when=(long_date(slot.starts_at), upper_first(from_to(slot.starts_at, slot.ends_at))),
        reception=tuple(reception),
        links=links,
        notices=tuple(notices),
    )


def _workshop(
    network: Network,
    workshop_id: int | None,
    origin: StartingPoint | None,
    from_commune: bool,
    at: datetime.datetime,
    *,
    public: bool,
) -> _Target:
    workshops = Workshop.objects.of_network(network).filter(site__is_active=True)
    if public:
        workshops = workshops.open_to_public().filter(network__is_active=True)
    workshop = (
        workshops.select_related("site").prefetch_related("sessions").filter(pk=workshop_id)
    ).first()
    if workshop is None:
        raise SlipNotFound("No such workshop in this network.")
    site = workshop.site
    sessions = sorted(workshop.sessions.all(), key=lambda s: s.starts_at)
    when = tuple(
        _("%(date)s, %(time)s")
        % {"date": long_date(s.starts_at), "time": from_to(s.starts_at, s.ends_at)}
        for s in sessions
    )
    if len(sessions) > 1:
        heading = _("%(count)s séances (venez à toutes)") % {"count": len(sessions)}
    else:
        heading = _("Date et heure")
    reception: list[Line] = [Line(_("Il faut s'inscrire avant."))]
    links: tuple[SlipLink, ...] = ()
    if workshop.desk_registration or not workshop.public_registration:
        reception.append(Line(_("Inscrivez-vous à l'accueil de la médiathèque.")))
    if (
        workshop.public_registration
        and workshop.status == WorkshopStatus.PUBLISHED
        and site.is_public
    ):
        url = absolute(
            reverse(
                "public:workshop",
                kwargs={"network_slug": network.slug, "workshop_id": workshop.pk},
            )
        )
        reception.append(Line(_("Ou inscrivez-vous en ligne :"), url))
        links = (link(_("S'inscrire en ligne"), url),)
    notices = []
    if workshop.status == WorkshopStatus.CANCELLED:
        notices.append(_("Attention : cet atelier est annulé."))
    elif sessions and sessions[-1].ends_at <= at:
        notices.append(_("Attention : cet atelier est passé."))
    elif workshop.seats_left <= 0:
        notices.append(_("L'atelier est complet : l'inscription se fait sur liste d'attente."))
    return _Target(
        title=_("Atelier « %(title)s »") % {"title": workshop.title},
        place_name=site.name,
        address=_site_address(site),
        distance=distance_text(
            origin,
            latitude=site.latitude,
            longitude=site.longitude,
            site_id=site.pk,
            from_commune=from_commune,
        ),
        phone=display_phone(site.phone),
        email=site.email,
        when_heading=heading,
        when=when,
        reception=tuple(reception),
        links=links,
        notices=tuple(notices),
    )
