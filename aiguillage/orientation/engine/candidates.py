"""The candidates of each kind of help (places, online services, partners' and staff's
slots, workshops, the desk, acting for), with their reasons and score."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from aiguillage.agenda.models import PermanenceKind
from aiguillage.orientation import wording
from aiguillage.orientation.charter import ModeDecision, TerritorialCondition
from aiguillage.orientation.engine.results import (
    Excluded,
    NextStep,
    Recommendation,
    Score,
    Target,
    TargetKind,
)
from aiguillage.orientation.engine.scoring import (
    autonomy_fit,
    charter_score,
    delay_score,
    distance_score,
    place_support,
    wanted_support,
)
from aiguillage.orientation.engine.territory import (
    Territory,
    deadline_end,
    place_reception,
    territory,
)
from aiguillage.orientation.facts import (
    Competence,
    Facts,
    SlotFacts,
)
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import (
    Lack,
    Situation,
    Support,
)


@dataclass
class Candidate:
    group: str
    recommendation: Recommendation
    # Only after the person's deadline: said so, and never ranked before what is in time.
    late: bool = False


def mode_decision(facts: Facts, mode: str) -> ModeDecision:
    """What the person at the desk may do (or, without one, the library)."""
    decisions = facts.desk_decisions if facts.desk_decisions is not None else facts.decisions
    return decisions[mode]


def place_candidates(facts: Facts, situation: Situation) -> list[Candidate]:
    wait_days = usual_wait_days(facts)
    competence_score = {Competence.NEED: 1.0, Competence.THEME: 0.6, Competence.GENERAL: 0.35}
    deadline = deadline_end(situation, facts.at)
    found = []
    for place in facts.places:
        support, missing = place_support(place, situation)
        reception = place_reception(place, facts.at)
        reasons = [wording.place_reason(place, facts.need)]
        warnings = []
        matched = wanted_support(situation) - set(missing)
        if matched:
            reasons.append(
                _("Accueil adapté signalé : %(support)s.")
                % {"support": ", ".join(sorted(matched)).lower()}
            )
        if missing:
            warnings.append(
                _("Aucun accueil adapté signalé pour : %(support)s.")
                % {"support": ", ".join(missing).lower()}
            )
        late = deadline is not None and reception is not None and reception >= deadline
        if late:
            warnings.append(_("Ne reçoit pas avant l'échéance."))
        if place.open_now is None:
            warnings.append(
                _("Horaires inconnus : appelez avant d'y envoyer la personne.")
                if place.phone
                else _("Horaires inconnus, à vérifier.")
            )
        if place.reception_modes and "en-presentiel" not in place.reception_modes:
            warnings.append(_("Reçoit seulement à distance."))
        actions = [NextStep.PRINT_SLIP]
        if place.phone and Support.DEAFNESS not in situation.support:
            actions.append(NextStep.CALL)
        if place.booking_url:
            actions.append(NextStep.OPEN_ONLINE)
        score = Score(
            competence=competence_score[place.competence],
            distance=distance_score(place.distance_km),
            delay=delay_score(reception, facts, situation, wait_days),
            support=support,
            autonomy=autonomy_fit("place", situation),
            charter=charter_score(Mode.ORIENT, facts),
        )
        target = Target(
            kind=TargetKind.STRUCTURE,
            id=place.id,
            name=place.name,
            distance_km=place.distance_km,
            address=f"{place.address}, {place.postcode} {place.commune_name}",
            phone=place.phone,
            url=place.booking_url or place.website,
            hours=place.hours_summary,
            opening_hours=place.opening_hours,
            access=place.access_modalities,
        )
        found.append(
            Candidate(
                "place",
                Recommendation(
                    mode=Mode.ORIENT,
                    target=target,
                    title=(_("Aller à %(name)s") if facts.public else _("Orienter vers %(name)s"))
                    % {"name": place.name},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=tuple(actions),
                    score=score,
                ),
                late=late,
            )
        )
    return found


def online_candidates(facts: Facts, situation: Situation) -> list[Candidate]:
    """The official online service, for someone who can use it: not a link for a
    person who cannot use a computer."""
    url = facts.need.online_service_url
    if not url or situation.cannot_use_a_computer:
        return []
    warnings = []
    if facts.need.requires_franceconnect and Lack.FRANCECONNECT in situation.lacks:
        warnings.append(_("Il faut un compte pour FranceConnect, qui manque encore."))
    if facts.need.requires_email and Lack.EMAIL in situation.lacks:
        warnings.append(_("Il faut une adresse e-mail personnelle, qui manque encore."))
    if facts.need.requires_scan and Lack.SCANNER in situation.lacks:
        warnings.append(_("Il faut des documents numérisés ou photographiés."))
    support = 0.5
    if Support.VISUAL in situation.support or Support.ILLITERACY in situation.support:
        support = 0.1
    score = Score(
        competence=1.0,
        distance=1.0,
        delay=1.0 if not warnings else 0.5,
        support=support,
        autonomy=autonomy_fit("online", situation),
        charter=charter_score(Mode.ORIENT, facts),
    )
    host = wording.domain(url)
    return [
        Candidate(
            "online",
            Recommendation(
                mode=Mode.ORIENT,
                target=Target(kind=TargetKind.ONLINE_SERVICE, id=None, name=host, url=url),
                title=_("Faire la démarche en ligne sur %(site)s") % {"site": host},
                reasons=(
                    _("Le service en ligne officiel, ouvert à toute heure : %(site)s.")
                    % {"site": host},
                ),
                warnings=tuple(warnings),
                actions=(NextStep.OPEN_ONLINE, NextStep.PRINT_SLIP),
                score=score,
            ),
        )
    ]


def usual_wait_days(facts: Facts) -> int:
    """The charter's delay (accompany always has its conditions): it scales "how soon"."""
    condition = facts.decisions[Mode.ACCOMPANY].conditions
    assert condition is not None
    return condition.max_wait_days


def slot_reason(slot: SlotFacts, facts: Facts) -> str:
    """ "Permanence CAF, à Médiathèque X (2,3 km), mardi 3 décembre à 10:00." """
    return _("%(title)s, %(where)s, %(when)s.") % {
        "title": slot.title,
        "where": wording.at_site(slot.site_name, slot.distance_km),
        "when": wording.when(slot.starts_at, facts.at),
    }


def slot_target(slot: SlotFacts, kind: str) -> Target:
    return Target(
        kind=kind,
        id=slot.id,
        name=slot.title,
        distance_km=slot.distance_km,
        address=slot.site_address,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        site_name=slot.site_name,
        seats_left=slot.seats_left,
    )


def partner_slot_candidates(facts: Facts, situation: Situation) -> list[Candidate]:
    wait_days = usual_wait_days(facts)
    deadline = deadline_end(situation, facts.at)
    found = []
    for slot in facts.slots:
        if slot.kind != PermanenceKind.PARTNER or not slot.handles_need:
            continue
        reasons = [slot_reason(slot, facts)]
        if slot.walk_in:
            reasons.append(_("Sans rendez-vous : se présenter pendant la permanence."))
        warnings = []
        late = deadline is not None and slot.starts_at >= deadline
        if late:
            warnings.append(_("Après l'échéance."))
        actions = (NextStep.PRINT_SLIP,) if slot.walk_in else (NextStep.BOOK, NextStep.PRINT_SLIP)
        score = Score(
            competence=1.0,
            distance=distance_score(slot.distance_km),
            delay=delay_score(slot.starts_at, facts, situation, wait_days),
            support=0.5,
            autonomy=autonomy_fit("partner", situation),
            charter=charter_score(Mode.PARTNER_ON_SITE, facts),
        )
        found.append(
            Candidate(
                "partner",
                Recommendation(
                    mode=Mode.PARTNER_ON_SITE,
                    target=slot_target(slot, TargetKind.PARTNER_SLOT),
                    title=_("%(title)s, %(when)s")
                    % {"title": slot.title, "when": wording.when(slot.starts_at, facts.at)},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=actions,
                    score=score,
                ),
                late=late,
            )
        )
    return found


def workshop_candidates(facts: Facts, situation: Situation) -> list[Candidate]:
    found = []
    deadline = deadline_end(situation, facts.at)
    for workshop in facts.workshops:
        if facts.public and not workshop.public_registration:
            continue
        reasons = [
            _("%(when)s, %(where)s.")
            % {
                "when": wording.when(workshop.starts_at, facts.at).capitalize(),
                "where": wording.at_site(workshop.site_name, workshop.distance_km),
            }
        ]
        if workshop.fills_lacks:
            reasons.append(
                _("Pour ce qui manque : %(lacks)s.")
                % {"lacks": ", ".join(wording.lack_label(lack) for lack in workshop.fills_lacks)}
            )
        if workshop.teaches_need:
            reasons.append(_("Apprendre à faire cette démarche soi-même."))
        warnings = []
        waiting = workshop.seats_left <= 0
        if waiting:
            warnings.append(_("Complet : inscription en liste d'attente."))
        late = deadline is not None and workshop.starts_at >= deadline and workshop.teaches_need
        if late:
            warnings.append(_("Après l'échéance."))
        autonomy = autonomy_fit("workshop", situation)
        if workshop.fills_lacks:
            autonomy = max(autonomy, 0.8)
        score = Score(
            competence=0.8 if workshop.teaches_need else 0.7,
            distance=distance_score(workshop.distance_km),
            delay=delay_score(workshop.starts_at, facts, situation, 30),
            support=0.5,
            autonomy=autonomy,
            charter=charter_score(Mode.TRAIN, facts),
        )
        found.append(
            Candidate(
                "prerequisite"
                if workshop.fills_lacks and not workshop.teaches_need
                else "workshop",
                Recommendation(
                    mode=Mode.TRAIN,
                    target=Target(
                        kind=TargetKind.WORKSHOP,
                        id=workshop.id,
                        name=workshop.title,
                        distance_km=workshop.distance_km,
                        starts_at=workshop.starts_at,
                        site_name=workshop.site_name,
                        seats_left=max(workshop.seats_left, 0),
                        waiting_list=waiting,
                    ),
                    title=_("Atelier « %(title)s »") % {"title": workshop.title},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=(NextStep.REGISTER, NextStep.PRINT_SLIP),
                    score=score,
                    fills_lacks=workshop.fills_lacks,
                ),
                late=late,
            )
        )
    return found


def library_help(
    facts: Facts, situation: Situation, allowed_modes: set[str], excluded: list[Excluded]
) -> list[Candidate]:
    """Accompany (now at the desk, or an appointment with a mediator) and act for: only
    under the territorial conditions; act for only by this habilitated person."""
    found: list[Candidate] = []
    for mode in (Mode.ACCOMPANY, Mode.ACT_FOR):
        library = facts.decisions[mode]
        condition = library.conditions
        desk_may = mode in allowed_modes and facts.desk is not None
        # An appointment with a mediator is the library's help even when the person at
        # the desk may not accompany; acting for is only ever the person at the desk.
        if condition is None or not (desk_may or (mode == Mode.ACCOMPANY and library.allowed)):
            continue
        verdict = territory(facts, situation, condition)
        if not verdict.library_may_help:
            exclude(excluded, mode, verdict.reason)
            continue
        if mode == Mode.ACCOMPANY:
            found += staff_slot_candidates(facts, situation, verdict, condition)
            if desk_may:
                found.append(desk_candidate(facts, situation, verdict))
        else:
            found.append(act_for_candidate(facts, situation, verdict))
    return found


def exclude(excluded: list[Excluded], mode: str, reason: str) -> None:
    """Add a reason to the mode's exclusion (one entry per mode)."""
    for index, item in enumerate(excluded):
        if item.mode == mode:
            excluded[index] = Excluded(mode, (*item.reasons, reason))
            return
    excluded.append(Excluded(mode, (reason,)))


def staff_slot_candidates(
    facts: Facts, situation: Situation, verdict: Territory, condition: TerritorialCondition
) -> list[Candidate]:
    decision = facts.decisions[Mode.ACCOMPANY]
    if not decision.allowed:
        return []
    found = []
    for slot in facts.slots:
        if slot.kind != PermanenceKind.STAFF or slot.staff_role not in decision.roles:
            continue
        reasons = [
            slot_reason(slot, facts),
            verdict.reason,
        ]
        warnings = []
        deadline = deadline_end(situation, facts.at)
        late = deadline is not None and slot.starts_at >= deadline
        if late:
            warnings.append(_("Après l'échéance."))
        score = Score(
            competence=0.8 if slot.handles_need else 0.5,
            distance=distance_score(slot.distance_km),
            delay=delay_score(slot.starts_at, facts, situation, condition.max_wait_days),
            support=0.5,
            autonomy=autonomy_fit("staff", situation),
            charter=charter_score(Mode.ACCOMPANY, facts),
        )
        found.append(
            Candidate(
                "staff",
                Recommendation(
                    mode=Mode.ACCOMPANY,
                    target=slot_target(slot, TargetKind.STAFF_SLOT),
                    title=_("Rendez-vous d'accompagnement, %(when)s")
                    % {"when": wording.when(slot.starts_at, facts.at)},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=(NextStep.BOOK, NextStep.PRINT_SLIP),
                    score=score,
                ),
                late=late,
            )
        )
    return found


def desk_target(facts: Facts) -> Target:
    desk = facts.desk
    assert desk is not None
    return Target(
        kind=TargetKind.DESK,
        id=desk.site_id,
        name=desk.site_name or facts.origin.label,
        distance_km=0.0,
        starts_at=facts.at,
        site_name=desk.site_name,
    )


def desk_candidate(facts: Facts, situation: Situation, verdict: Territory) -> Candidate:
    score = Score(
        competence=0.5,
        distance=1.0,
        delay=1.0,
        support=0.5,
        autonomy=autonomy_fit("desk", situation),
        charter=charter_score(Mode.ACCOMPANY, facts),
    )
    reasons = [verdict.reason, _("La personne fait la démarche elle-même, vous la guidez.")]
    return Candidate(
        "desk",
        Recommendation(
            mode=Mode.ACCOMPANY,
            target=desk_target(facts),
            title=_("Accompagner maintenant (faire avec)"),
            reasons=tuple(reasons),
            warnings=(),
            actions=(NextStep.START,),
            score=score,
        ),
    )


def act_for_candidate(facts: Facts, situation: Situation, verdict: Territory) -> Candidate:
    score = Score(
        competence=0.6,
        distance=1.0,
        delay=1.0,
        support=0.5,
        autonomy=autonomy_fit("act_for", situation),
        charter=charter_score(Mode.ACT_FOR, facts),
    )
    reasons = [verdict.reason, *mode_decision(facts, Mode.ACT_FOR).reasons]
    return Candidate(
        "act_for",
        Recommendation(
            mode=Mode.ACT_FOR,
            target=desk_target(facts),
            title=_("Faire pour la personne, avec un mandat Aidants Connect"),
            reasons=tuple(reasons),
            warnings=(
                _("Enregistrez d'abord le mandat : oui, et sa référence ; jamais l'identité."),
            ),
            actions=(NextStep.RECORD_MANDATE,),
            score=score,
        ),
    )
