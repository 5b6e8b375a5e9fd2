"""From the facts to the recommendations: candidates gathered, capped per kind, sorted by
score with stable ties, explained in words."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from aiguillage.catalog.search import SearchResult
from aiguillage.orientation import wording
from aiguillage.orientation.engine.candidates import (
    Candidate,
    library_help,
    mode_decision,
    online_candidates,
    partner_slot_candidates,
    place_candidates,
    workshop_candidates,
)
from aiguillage.orientation.engine.results import (
    CAPS,
    MAX_RECOMMENDATIONS,
    PUBLIC_MODES,
    Excluded,
    Orientation,
    Recommendation,
    TargetKind,
)
from aiguillage.orientation.facts import (
    ORIENT_RADIUS_KM,
    Competence,
    Facts,
)
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import (
    Situation,
)


def rank(
    facts: Facts,
    situation: Situation,
    *,
    query: str = "",
    alternatives: tuple[SearchResult, ...] = (),
) -> Orientation:
    need = facts.need
    excluded: list[Excluded] = []
    candidates: list[Candidate] = []
    allowed_modes = set()
    for mode in facts.mode_order:
        if facts.public and mode not in PUBLIC_MODES:
            continue
        decision = mode_decision(facts, mode)
        if decision.allowed:
            allowed_modes.add(mode)
        else:
            excluded.append(Excluded(mode, tuple(decision.reasons)))

    if Mode.ORIENT in allowed_modes:
        candidates += place_candidates(facts, situation)
        candidates += online_candidates(facts, situation)
    if Mode.PARTNER_ON_SITE in allowed_modes:
        candidates += partner_slot_candidates(facts, situation)
    if Mode.TRAIN in allowed_modes:
        candidates += workshop_candidates(facts, situation)
    if not facts.public:
        candidates += library_help(facts, situation, allowed_modes, excluded)

    recommendations = [
        replace(r, why=why_in_words(r, facts)) for r in select(candidates, situation)
    ]
    act_for_possible = any(r.mode == Mode.ACT_FOR for r in recommendations)
    library_helps = any(r.mode in (Mode.ACCOMPANY, Mode.ACT_FOR) for r in recommendations)
    today = facts.at.date()
    if facts.public:
        warnings = wording.public_warnings(need=need, situation=situation, today=today)
    else:
        warnings = wording.staff_warnings(
            need=need,
            situation=situation,
            act_for_possible=act_for_possible,
            library_helps=library_helps,
            today=today,
        )
    unmet_reasons: tuple[str, ...] = ()
    if not recommendations:
        unmet_reasons = tuple(reasons_unmet(facts, excluded))
    return Orientation(
        need=need,
        query=query,
        alternatives=alternatives,
        recommendations=tuple(recommendations),
        warnings=tuple(warnings),
        checklist=tuple(wording.checklist(need=need, situation=situation, public=facts.public)),
        excluded=tuple(excluded),
        unmet_reasons=unmet_reasons,
        origin=facts.origin,
        at=facts.at,
    )


def sort_key(candidate: Candidate) -> tuple:
    r = candidate.recommendation
    distance = r.target.distance_km if r.target.distance_km is not None else 0.0
    return (
        candidate.late,
        -r.score.total,
        r.mode,
        distance,
        r.target.kind,
        r.target.id or 0,
        r.title,
    )


def select(candidates: list[Candidate], situation: Situation) -> list[Recommendation]:
    """Best first, a few of each kind, at most eight; a workshop for each missing
    prerequisite is kept even when it ranks below the eighth."""
    counts: dict[str, int] = {}
    kept: list[Candidate] = []
    prerequisites: list[Candidate] = []
    covered_lacks: set[str] = set()
    for candidate in sorted(candidates, key=sort_key):
        if candidate.group == "prerequisite":
            lacks = set(candidate.recommendation.fills_lacks) - covered_lacks
            if lacks:
                covered_lacks |= lacks
                prerequisites.append(candidate)
            continue
        cap = CAPS[candidate.group]
        if counts.get(candidate.group, 0) >= cap:
            continue
        counts[candidate.group] = counts.get(candidate.group, 0) + 1
        kept.append(candidate)
    room = MAX_RECOMMENDATIONS - len(prerequisites)
    chosen = sorted(kept[:room] + prerequisites, key=sort_key)
    return [c.recommendation for c in chosen[:MAX_RECOMMENDATIONS]]


def why_in_words(recommendation: Recommendation, facts: Facts) -> str:
    """One sentence that says why, in words (``Recommendation.why``)."""
    target, at = recommendation.target, facts.at
    if target.kind == TargetKind.STRUCTURE:
        place = next(p for p in facts.places if p.id == target.id)
        # Nearest among its peers: the open ones when it is open.
        peers = [
            p.distance_km
            for p in facts.places
            if p.competence == place.competence and (p.open_now or not place.open_now)
        ]
        nearest = place.distance_km <= min(peers, default=place.distance_km)
        if place.competence == Competence.NEED:
            if nearest:
                what = (
                    _("le plus proche ouvert qui traite %(what)s")
                    if place.open_now
                    else _("le plus proche qui traite %(what)s")
                )
            else:
                what = _("à %(km)s, traite %(what)s")
            what = what % {
                "what": wording.what_it_handles(facts.need),
                "km": wording.km(place.distance_km),
            }
        else:
            what = wording.competence(place, facts.need) + ", " + wording.km(place.distance_km)
        if place.open_now:
            reception = _("ouvert maintenant")
        elif place.next_opening is not None:
            reception = _("ouvre %(when)s") % {"when": wording.when(place.next_opening, at)}
        else:
            reception = _("horaires inconnus, à vérifier")
        return f"{what}, {reception}"
    if target.kind == TargetKind.ONLINE_SERVICE:
        return _("le service officiel en ligne, ouvert à toute heure")
    dated = (TargetKind.PARTNER_SLOT, TargetKind.STAFF_SLOT, TargetKind.WORKSHOP)
    if target.kind in dated and target.starts_at is not None:
        return _("%(where)s, %(when)s") % {
            "where": wording.at_site(target.site_name, target.distance_km or 0.0),
            "when": wording.when(target.starts_at, at),
        }
    if recommendation.mode == Mode.ACT_FOR:
        return _("ici et maintenant, avec le mandat Aidants Connect de la personne")
    return _("ici et maintenant : la personne fait la démarche, vous la guidez")


def reasons_unmet(facts: Facts, excluded: list[Excluded]) -> list[str]:
    reasons = []
    if not facts.places:
        reasons.append(
            _("Aucun lieu compétent à moins de %(km)s km.") % {"km": int(ORIENT_RADIUS_KM)}
        )
    if not facts.slots and not facts.workshops:
        reasons.append(_("Aucune permanence ni aucun atelier du réseau pour ce besoin."))
    for item in excluded:
        reasons.append(f"{item.label} : {' '.join(item.reasons)}")
    return reasons
