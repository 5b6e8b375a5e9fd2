"""Writes of the interaction record: closing a desk conversation, an unanswered search.

The record is anonymous by construction (see ``models.Interaction``): these services
take no name, no contact and no free text, and round the time to the hour. They also
refuse what the charter forbids, so the record never says the library did what it
may not do: acting for needs this member's right on that day and a mandate reference.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Commune, Structure
from aiguillage.orientation.charter import decide
from aiguillage.orientation.models import (
    OUTCOME_MODE,
    DurationBucket,
    Interaction,
    InteractionChannel,
    Mode,
    Outcome,
)
from aiguillage.orientation.situation import Situation
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction
from aiguillage.privacy.validators import check_text

# A mandate reference as Aidants Connect shows it: letters, digits and a few separators.
# Spaces and "@" are refused so that a name or an e-mail address cannot be typed here.
MANDATE_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,39}$")
# Upper bounds (minutes) of the duration buckets, in order.
DURATION_BOUNDS: tuple[tuple[int, str], ...] = (
    (5, DurationBucket.UNDER_5),
    (15, DurationBucket.FROM_5_TO_15),
    (30, DurationBucket.FROM_15_TO_30),
    (60, DurationBucket.FROM_30_TO_60),
)


def duration_bucket(seconds: float | None) -> str:
    """The bucket of a conversation's length; "" when unknown (no start time)."""
    if seconds is None or seconds < 0:
        return ""
    minutes = seconds / 60
    for bound, bucket in DURATION_BOUNDS:
        if minutes < bound:
            return bucket
    return DurationBucket.OVER_60


def _modes(values: Iterable[str]) -> list[str]:
    modes = sorted(set(values))
    unknown = [m for m in modes if m not in Mode.values]
    if unknown:
        raise ValidationError(
            _("Mode inconnu : %(modes)s."), code="mode", params={"modes": ", ".join(unknown)}
        )
    return modes


def _check_mandate(*, outcome: str, mandate_reference: str, need: Need | None) -> str:
    reference = mandate_reference.strip()
    if outcome != Outcome.DONE_FOR:
        if reference:
            raise ValidationError(
                _("Une référence de mandat ne s'enregistre que pour « fait pour »."),
                code="mandate_not_needed",
            )
        return ""
    if need is None:
        raise ValidationError(_("Indiquez le besoin traité."), code="need_required")
    if not reference:
        raise ValidationError(
            _("Faire pour : enregistrez d'abord la référence du mandat Aidants Connect."),
            code="mandate_required",
        )
    if not MANDATE_REFERENCE.match(reference):
        raise ValidationError(
            _(
                "La référence du mandat contient des lettres, des chiffres, « - », « _ », "
                "« . » ou « / », sans espace (jamais le nom de la personne)."
            ),
            code="mandate_format",
        )
    # The format lets digits through: a NIR or a card number is not a mandate reference.
    check_text(reference)
    return reference


def _check_allowed(
    *, outcome: str, network: Network, need: Need | None, site: Site, membership: Membership,
    day: datetime.date,
) -> None:  # fmt: skip
    mode = OUTCOME_MODE.get(outcome)
    if need is None or mode not in (Mode.ACCOMPANY, Mode.ACT_FOR):
        return
    if outcome == Outcome.BOOKED_MEDIATOR:  # an appointment: the mediator helps, later
        return
    decisions = {
        d.mode: d
        for d in decide(network=network, need=need, site=site, membership=membership, day=day)
    }
    decision = decisions[mode]
    if not decision.allowed:
        raise ValidationError(
            _("Vous ne pouvez pas « %(mode)s » ici : %(reasons)s")
            % {"mode": decision.label, "reasons": " ".join(decision.reasons)},
            code="charter",
        )


@transaction.atomic
def record_interaction(
    *,
    network: Network,
    site: Site,
    membership: Membership,
    need: Need | None,
    situation: Situation,
    modes_proposed: Iterable[str],
    outcome: str,
    structure: Structure | None = None,
    mandate_reference: str = "",
    opened_at: datetime.datetime | None = None,
    closed_at: datetime.datetime | None = None,
) -> Interaction:
    """Close a desk conversation. ``opened_at`` gives the duration bucket only."""
    if site.network_id != network.pk:
        raise ValidationError(_("Ce site n'appartient pas à ce réseau."), code="site")
    if membership.network_id != network.pk or not membership.is_active:
        raise ValidationError(_("Vous n'êtes pas membre de ce réseau."), code="membership")
    if outcome not in Outcome.values:
        raise ValidationError(_("Issue inconnue."), code="outcome")
    closed_at = timezone.localtime(closed_at or timezone.now())
    day = closed_at.date()
    _check_allowed(
        outcome=outcome, network=network, need=need, site=site, membership=membership, day=day
    )
    reference = _check_mandate(outcome=outcome, mandate_reference=mandate_reference, need=need)
    seconds = (closed_at - opened_at).total_seconds() if opened_at is not None else None
    interaction = Interaction(
        network=network,
        channel=InteractionChannel.DESK,
        site=site,
        day=day,
        hour=closed_at.hour,
        staff_role=membership.role,
        need=need,
        autonomy=situation.autonomy,
        situation=situation.flags(),
        modes_proposed=_modes(modes_proposed),
        mode_chosen=OUTCOME_MODE.get(outcome, ""),
        structure=structure if outcome == Outcome.ORIENTED else None,
        duration=duration_bucket(seconds),
        outcome=outcome,
        mandate_reference=reference,
    )
    interaction.full_clean()
    interaction.save()
    if outcome == Outcome.DONE_FOR:  # the mandate, the staff member, the need: never the visitor
        journal.record(
            action=JournalAction.ACT_FOR,
            network=network,
            actor=membership.user,
            actor_role=membership.role,
            obj=interaction,
            details={"mandate_reference": reference, "need": need.slug},
        )
    return interaction


@transaction.atomic
def record_public_unmet(
    *,
    network: Network,
    need: Need | None,
    situation: Situation,
    commune: Commune | None,
    at: datetime.datetime | None = None,
) -> Interaction:
    """A search on the public page that found nothing: the coverage page counts it."""
    at = timezone.localtime(at or timezone.now())
    interaction = Interaction(
        network=network,
        channel=InteractionChannel.PUBLIC,
        commune=commune,
        day=at.date(),
        hour=at.hour,
        need=need,
        autonomy=situation.autonomy,
        situation=situation.flags(),
        outcome=Outcome.NO_SOLUTION,
    )
    interaction.full_clean()
    interaction.save()
    return interaction
