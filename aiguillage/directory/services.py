"""Writes about partnerships: what a network agrees with a structure, and who to call there.

Every write checks that the actor works in the partnership's network (tenancy is
absolute, even behind a view that already resolved the network) and leaves one
``PartnershipChange`` saying who changed what, so that a coordinator taking over a
network can read how each partnership came to be. A write that changes nothing
leaves no entry: the history is meant to be read, not scrolled past.

History entries hold values as strings (choices by their code, dates in ISO format,
needs by slug, contacts as one line each), never model instances, so that they stay
readable after a need is renamed or a contact removed. Their summary is written in
the site language (French): it is a shared record, read by every colleague
whatever their interface language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership, User
from aiguillage.catalog.models import Need
from aiguillage.core import phones
from aiguillage.core.models import Network
from aiguillage.core.opening import parse_opening_hours
from aiguillage.directory.models import (
    Commune,
    PartnerContact,
    Partnership,
    PartnershipChange,
    PartnershipStatus,
    PriorityNeed,
    ServedCommune,
    Structure,
)

#: The fields ``update_partnership`` accepts; network and structure never move.
EDITABLE_FIELDS = (
    "status",
    "referral_channel",
    "agreement_start",
    "agreement_end",
    "reference_needs",
    "notes",
)
_DATE_FIELDS = ("agreement_start", "agreement_end")
_CHOICE_FIELDS = ("status", "referral_channel")
SUMMARY_MAX_LENGTH: int = PartnershipChange._meta.get_field("summary").max_length or 0
# Regions whose national numbers (0262…, 0590…) a French desk may type without +code.
# A chain of duplicates longer than this is a data error, not a place.
_MAX_DUPLICATE_HOPS = 10


# ---------------------------------------------------------------- helpers


def normalise_phone(raw: str) -> str:
    """A professional phone number in E.164 (``+33467123456``), or ValidationError.

    National numbers are read as French, then as overseas French (``0262…`` is La
    Réunion, ``0590…`` Guadeloupe); a number written with its ``+`` code is accepted
    from anywhere (a partner across a border). Forms may call this in ``clean_phone``.
    """
    value = (raw or "").strip()
    if not value:
        return ""
    number = phones.valid(value, overseas=True)
    if number is not None:
        return phones.e164(number)
    raise ValidationError(
        _("« %(value)s » n'est pas un numéro de téléphone valide (exemple : 04 67 12 34 56)."),
        code="phone",
        params={"value": value},
    )


def _check_actor(*, actor: User | None, network: Network) -> None:
    """The actor must work in the network (None: a command or an import, not a person)."""
    if actor is None:
        return
    if not Membership.objects.active().filter(user=actor, network=network).exists():
        raise PermissionDenied("The actor is not a member of this network.")


def _canonical(structure: Structure) -> Structure:
    """The row the directory shows for this place (a duplicate points to it)."""
    for _hop in range(_MAX_DUPLICATE_HOPS):
        if structure.duplicate_of_id is None:
            return structure
        structure = Structure.objects.get(pk=structure.duplicate_of_id)
    raise ValidationError(_("Cette structure est mal reliée à ses doublons ; signalez-le."))


def _refuse_inactive(structure: Structure) -> None:
    """A closed structure (or one gone from its source) is nobody's partner to be."""
    if not structure.is_active:
        raise ValidationError(
            _("« %(name)s » n'est plus active dans l'annuaire : pas de partenariat possible."),
            code="inactive_structure",
            params={"name": structure.name},
        )


def _existing_partnership(*, network: Network, structure: Structure) -> Partnership | None:
    """A partnership of the network with this place, through any of its rows."""
    return (
        Partnership.objects.of_network(network)
        .filter(structure__in=[structure.pk, *structure.duplicates.values_list("pk", flat=True)])
        .select_related("structure")
        .first()
    )


def _serialise(field: str, value: Any) -> Any:
    if field in _DATE_FIELDS:
        return value.isoformat() if value else None
    if field == "reference_needs":
        return sorted(need.slug for need in value)
    return str(value or "")


def _snapshot(partnership: Partnership, *, needs: Iterable[Need] | None = None) -> dict:
    """The editable fields, serialised; ``needs`` stands for reference needs about to be set."""
    if needs is None:
        needs = partnership.reference_needs.all()
    return {
        field: _serialise(
            field, needs if field == "reference_needs" else getattr(partnership, field)
        )
        for field in EDITABLE_FIELDS
    }


def _display(field: str, value: Any) -> str:
    """A serialised value as a person reads it in the summary."""
    if value in (None, ""):
        return "—"
    if field in _DATE_FIELDS:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if field in _CHOICE_FIELDS:
        choices = dict(cast(models.Field, Partnership._meta.get_field(field)).choices or ())
        return str(choices.get(value, value))
    return str(value)


def _label(field: str) -> str:
    return str(cast(models.Field, Partnership._meta.get_field(field)).verbose_name)


def _summary(changes: dict[str, list]) -> str:
    """One French line: values for the short fields, names for the long ones."""
    parts = []
    for field, (old, new) in changes.items():
        if field == "notes":
            parts.append(_("notes modifiées"))
        elif field == "reference_needs":
            parts.append(_("besoins de référence modifiés"))
        else:
            parts.append(f"{_label(field)} : {_display(field, old)} → {_display(field, new)}")
    return " ; ".join(parts)


def _clip(text: str) -> str:
    text = text[:1].upper() + text[1:]
    if len(text) <= SUMMARY_MAX_LENGTH:
        return text
    return text[: SUMMARY_MAX_LENGTH - 1] + "…"


def _record(
    *, partnership: Partnership, actor: User | None, summary: str, changes: dict
) -> PartnershipChange:
    return PartnershipChange.objects.create(
        partnership=partnership, changed_by=actor, summary=_clip(summary), changes=changes
    )


def _in_site_language():
    return translation.override(settings.LANGUAGE_CODE)


def _end_date_when_ending(partnership: Partnership, today: datetime.date) -> None:
    """Date an ending that came without one, unless the agreement had not started yet."""
    if partnership.agreement_end is None and (
        partnership.agreement_start is None or partnership.agreement_start <= today
    ):
        partnership.agreement_end = today


# ---------------------------------------------------------------- partnerships


@transaction.atomic
def create_partnership(
    *,
    network: Network,
    structure: Structure,
    actor: User | None,
    status: str = PartnershipStatus.PROSPECT,
    referral_channel: str = "",
    agreement_start: datetime.date | None = None,
    agreement_end: datetime.date | None = None,
    reference_needs: Iterable[Need] = (),
    notes: str = "",
) -> Partnership:
    """Start a partnership of ``network`` with a structure, recorded in its history.

    A row marked as the duplicate of another is the same place seen by another
    source: the partnership goes to the canonical row, the one the desk shows, so
    that the place is never partnered twice. An inactive structure (closed, or gone
    from its source) is refused, and so is a second partnership with the same place,
    whatever its status: an ended one is reopened instead (``update_partnership``
    or ``make_prospect``), so that its history continues.

    Created as ended (recording a past partnership), it gets today as end date when
    none is given, as ``update_partnership`` does.
    """
    _check_actor(actor=actor, network=network)
    structure = _canonical(structure)
    _refuse_inactive(structure)
    existing = _existing_partnership(network=network, structure=structure)
    if existing is not None:
        raise ValidationError(
            _(
                "Le réseau a déjà un partenariat avec « %(name)s » (statut : %(status)s) ; "
                "modifiez-le plutôt."
            ),
            code="duplicate_partnership",
            params={"name": structure.name, "status": existing.get_status_display()},
        )
    reference_needs = list(reference_needs)
    partnership = Partnership(
        network=network,
        structure=structure,
        status=status,
        referral_channel=referral_channel,
        agreement_start=agreement_start,
        agreement_end=agreement_end,
        notes=notes,
    )
    partnership.clean_fields(
        exclude=["network", "structure"]
    )  # typed values (dates) before the end-date rule reads them
    if partnership.status == PartnershipStatus.ENDED:
        _end_date_when_ending(partnership, timezone.localdate())
    partnership.full_clean()
    partnership.save()
    partnership.reference_needs.set(reference_needs)
    after = _snapshot(partnership, needs=reference_needs)
    changes = {
        field: [None, value]
        for field, value in after.items()
        if value not in ("", None, []) or field == "status"
    }
    with _in_site_language():
        summary = _("Partenariat créé (statut : %(status)s)") % {
            "status": partnership.get_status_display()
        }
    _record(partnership=partnership, actor=actor, summary=summary, changes=changes)
    return partnership


@transaction.atomic
def update_partnership(
    *, partnership: Partnership, actor: User | None, **fields: Any
) -> Partnership:
    """Change some of ``EDITABLE_FIELDS`` and record one history entry of what changed.

    Fields not given are left alone; given with their current value, they are not
    a change. Any status may follow any other (a partner pauses, ends, comes back);
    passing to ``ended`` dates the end of the agreement today when it is left
    without an end date (not given, or given empty by a form), because "when did
    this stop?" is what the next coordinator asks and the finder shows for a former
    partner. It is done on the transition only, so the date can still be corrected
    (or cleared when unknown) afterwards; and not when the agreement had not
    started yet, since an end before the start is no date.

    Returns the saved partnership (read again under lock, so that two people
    editing at once each get their own change recorded against the right values).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_partnership() cannot change {', '.join(sorted(unknown))}")
    _check_actor(actor=actor, network=partnership.network)
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    before = _snapshot(current)
    needs = fields.pop("reference_needs", None)
    needs = list(needs) if needs is not None else None
    was_ended = current.status == PartnershipStatus.ENDED
    for field, value in fields.items():
        setattr(current, field, value if value is not None or field in _DATE_FIELDS else "")
    current.clean_fields(
        exclude=["network", "structure"]
    )  # typed values (dates) before comparing or dating the end
    if current.status == PartnershipStatus.ENDED and not was_ended:
        _end_date_when_ending(current, timezone.localdate())
    after = _snapshot(current, needs=needs)
    changes = {
        field: [before[field], after[field]] for field in after if before[field] != after[field]
    }
    if not changes:
        return current
    current.full_clean()  # the constraints too: an end before the start is refused here
    current.save()
    if "reference_needs" in changes:
        current.reference_needs.set(needs)
    with _in_site_language():
        summary = _summary(changes)
    _record(partnership=current, actor=actor, summary=summary, changes=changes)
    return current


@transaction.atomic
def make_prospect(*, network: Network, structure: Structure, actor: User | None) -> Partnership:
    """The partner finder's one click: the structure becomes a partner to contact.

    A former partner (an ended partnership) is reopened rather than refused, so
    that its history and contacts continue; a current one is refused, as in
    ``create_partnership``.
    """
    _check_actor(actor=actor, network=network)
    place = _canonical(structure)
    existing = _existing_partnership(network=network, structure=place)
    if existing is not None and existing.status == PartnershipStatus.ENDED:
        _refuse_inactive(place)
        return update_partnership(
            partnership=existing, actor=actor, status=PartnershipStatus.PROSPECT
        )
    return create_partnership(network=network, structure=structure, actor=actor)


# ---------------------------------------------------------------- contacts


def _contact_line(contact: PartnerContact) -> str:
    """A contact as one history line: name (job title), e-mail, phone."""
    line = contact.name
    if contact.job_title:
        line += f" ({contact.job_title})"
    return ", ".join(part for part in (line, contact.email, contact.phone) if part)


def _contact_lines(contacts: Iterable[PartnerContact]) -> list[str]:
    return sorted(_contact_line(contact) for contact in contacts)


def _clean_contact(contact: PartnerContact) -> None:
    """Trim, put the phone in E.164 and validate; errors keyed by field for the form."""
    contact.name = contact.name.strip()
    contact.job_title = contact.job_title.strip()
    contact.email = contact.email.strip()
    try:
        contact.phone = normalise_phone(contact.phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    contact.full_clean()


def _touch(partnership: Partnership) -> None:
    """A contact change is a change of the partnership: its list shows it as modified."""
    partnership.save(update_fields=["updated_at"])


@transaction.atomic
def add_partner_contact(
    *,
    partnership: Partnership,
    actor: User | None,
    name: str,
    job_title: str = "",
    email: str = "",
    phone: str = "",
) -> PartnerContact:
    """Add a work contact (a person at the partner, never a visitor); phone stored in E.164."""
    _check_actor(actor=actor, network=partnership.network)
    before = _contact_lines(partnership.contacts.all())
    contact = PartnerContact(
        partnership=partnership, name=name, job_title=job_title, email=email, phone=phone
    )
    _clean_contact(contact)
    contact.save()
    with _in_site_language():
        summary = _("Contact ajouté : %(name)s") % {"name": contact.name}
    _record(
        partnership=partnership,
        actor=actor,
        summary=summary,
        changes={"contacts": [before, sorted([*before, _contact_line(contact)])]},
    )
    _touch(partnership)
    return contact


@transaction.atomic
def remove_partner_contact(*, contact: PartnerContact, actor: User | None) -> None:
    """Remove a contact who left or asked to be removed; the history says who did it."""
    partnership = contact.partnership
    _check_actor(actor=actor, network=partnership.network)
    before = _contact_lines(partnership.contacts.all())
    contact.delete()
    after = _contact_lines(partnership.contacts.all())
    with _in_site_language():
        summary = _("Contact retiré : %(name)s") % {"name": contact.name}
    _record(
        partnership=partnership,
        actor=actor,
        summary=summary,
        changes={"contacts": [before, after]},
    )
    _touch(partnership)


@transaction.atomic
def set_priority_needs(
    *, network: Network, needs: Iterable[Need], actor: User | None
) -> list[Need]:
    """Make the network's priority needs exactly ``needs``; returns them in catalog order.

    They are what the partner finder looks for by default. They have no history:
    they are a search setting the coordinator adjusts, not an agreement with anyone.
    """
    _check_actor(actor=actor, network=network)
    wanted = {need.pk: need for need in needs}
    current = set(PriorityNeed.objects.filter(network=network).values_list("need_id", flat=True))
    PriorityNeed.objects.filter(network=network).exclude(need_id__in=list(wanted)).delete()
    PriorityNeed.objects.bulk_create(
        [PriorityNeed(network=network, need=wanted[pk]) for pk in sorted(wanted.keys() - current)]
    )
    return list(Need.objects.filter(pk__in=list(wanted)))


# ---------------------------------------------------------------- structures

_NEEDS_FIELD = "covered_needs"


@transaction.atomic
def update_structure(
    *, structure: Structure, data: dict[str, Any], actor: User | None
) -> Structure:
    """Save staff corrections to a structure (shared by every network).

    Changed covered needs are then kept by later imports (``covered_needs_edited``):
    a person checked them, an import only derives them. Other fields come back from
    the source at its next import, which is the source's to correct.
    """
    needs = data.get(_NEEDS_FIELD)
    for name, value in data.items():
        if name != _NEEDS_FIELD:
            setattr(structure, name, value)
    structure.opening_hours_valid = (
        not structure.opening_hours or parse_opening_hours(structure.opening_hours) is not None
    )
    structure.full_clean(exclude=["source", "source_id"])
    if needs is not None:
        before = set(structure.covered_needs.values_list("pk", flat=True))
        after = {need.pk for need in needs}
        if before != after:
            structure.covered_needs.set(needs)
            structure.covered_needs_edited = True
    structure.save()
    return structure


# ---------------------------------------------------------------- territory


@transaction.atomic
def add_served_communes(
    *, network: Network, communes: Iterable[Commune], actor: User | None
) -> int:
    """Add communes to the network's territory; returns how many were new."""
    _check_actor(actor=actor, network=network)
    wanted = {commune.pk: commune for commune in communes}
    already = set(
        ServedCommune.objects.filter(network=network, commune_id__in=list(wanted)).values_list(
            "commune_id", flat=True
        )
    )
    new = [
        ServedCommune(network=network, commune=c) for pk, c in wanted.items() if pk not in already
    ]
    ServedCommune.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def remove_served_commune(*, network: Network, commune_id: int, actor: User | None) -> bool:
    _check_actor(actor=actor, network=network)
    deleted, _ = ServedCommune.objects.filter(network=network, commune_id=commune_id).delete()
    return bool(deleted)
