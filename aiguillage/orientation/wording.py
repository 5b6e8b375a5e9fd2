"""The engine's sentences: short, plain French, the same on the desk, the slip, the API.

Kept apart from the ranking so that wording can change without touching a score, and
so that the desk (staff) and the public page (the visitor) each get their own voice
for the same facts.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aiguillage.catalog.models import Sensitivity
from aiguillage.core import french
from aiguillage.orientation.facts import Competence, NeedFacts, PlaceFacts
from aiguillage.orientation.situation import Lack, Situation, Support


def km(distance: float) -> str:
    """ "2,3 km" (the locale's decimal mark), "25 km" from ten on, "350 m" under one."""
    if distance < 1:
        return _("%(metres)s m") % {"metres": int(round(distance * 1000, -1))}
    if distance >= 10:
        return _("%(km)s km") % {"km": round(distance)}
    return _("%(km)s km") % {"km": formats.number_format(round(distance, 1), 1)}


def at_site(name: str, distance: float) -> str:
    """ "à la médiathèque X (2,3 km)", without a distance when it is here (under 100 m)."""
    if distance < 0.1:
        return french.at_site(name)
    return _("%(at_site)s (%(km)s)") % {"at_site": french.at_site(name), "km": km(distance)}


def when(moment: datetime.datetime, now: datetime.datetime) -> str:
    """ "aujourd'hui à 14 h", "demain à 9 h 30", "mardi 3 décembre à 14 h" (the year
    when it is not this year's)."""
    moment = timezone.localtime(moment)
    time = french.hour_minute(moment)
    if moment.date() == now.date():
        return _("aujourd'hui à %(time)s") % {"time": time}
    if moment.date() == now.date() + datetime.timedelta(days=1):
        return _("demain à %(time)s") % {"time": time}
    day = french.weekday_day_month(moment, now)
    return _("%(day)s à %(time)s") % {"day": day, "time": time}


def day(value: datetime.date, today: datetime.date) -> str:
    if value == today:
        return _("aujourd'hui")
    if value == today + datetime.timedelta(days=1):
        return _("demain")
    return _("le %(date)s") % {"date": formats.date_format(value, "l j F")}


def domain(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def what_it_handles(need: NeedFacts) -> str:
    """ "les démarches CAF", or the démarche itself when no operator is known."""
    if need.operators:
        return _("les démarches %(operators)s") % {"operators": ", ".join(need.operators)}
    return _("« %(need)s »") % {"need": need.name}


def competence(place: PlaceFacts, need: NeedFacts) -> str:
    if place.competence == Competence.NEED:
        if need.operators:
            return _("traite les démarches %(operators)s") % {
                "operators": ", ".join(need.operators)
            }
        return _("traite « %(need)s »") % {"need": need.name}
    if place.competence == Competence.THEME:
        return _("aide pour les démarches « %(theme)s »") % {"theme": need.theme_name}
    return _("aide généraliste aux démarches en ligne")


def place_reason(place: PlaceFacts, need: NeedFacts) -> str:
    """ "France services de Lodève, 2,3 km, ouvert jusqu'à 17:00, traite les démarches CAF"."""
    return ", ".join(
        [
            place.name,
            km(place.distance_km),
            lower_first(place.hours_summary),
            competence(place, need),
        ]
    )


def lack_label(value: str) -> str:
    return str(Lack(value).label)


# --- Global warnings: the good practices that matter for this need and this person ---


def staff_warnings(
    *,
    need: NeedFacts,
    situation: Situation,
    act_for_possible: bool,
    library_helps: bool,
    today: datetime.date,
) -> list[str]:
    """The desk's good practices, each shown only when it matters for this need, this
    person and what is proposed (``library_helps``: accompany or act for is among the
    recommendations)."""
    warnings = []
    needs_account = need.requires_email or need.requires_franceconnect
    if need.sensitivity != Sensitivity.NONE or needs_account:
        warnings.append(
            _(
                "Ne notez jamais le mot de passe de la personne, ni sur papier ni ailleurs, "
                "et ne le gardez jamais : c'est elle qui le tape, aidez-la à en choisir un "
                "qu'elle retient."
            )
        )
    if need.requires_email or Lack.EMAIL in situation.lacks:
        warnings.append(
            _(
                "N'utilisez jamais votre adresse e-mail ni celle de la bibliothèque comme "
                "adresse de la personne ou de récupération : aidez-la à créer la sienne, "
                "avec un numéro de téléphone ou une adresse de secours à elle."
            )
        )
    if act_for_possible:
        warnings.append(
            _("Ne faites jamais à la place de la personne sans mandat Aidants Connect enregistré.")
        )
    if need.sensitivity == Sensitivity.HEALTH:
        warnings.append(
            _(
                "Données de santé : ne les notez pas et ne gardez aucune copie ni aucun "
                "téléchargement sur le poste."
            )
        )
    if need.sensitivity == Sensitivity.FINANCIAL or need.requires_franceconnect:
        warnings.append(
            _(
                "Ne montrez jamais l'exemple avec vos propres comptes ni vos numéros (fiscal, "
                "sécurité sociale) : seulement avec le compte de la personne, devant elle."
            )
        )
    if need.sensitivity in (Sensitivity.IDENTITY, Sensitivity.JUDICIAL):
        warnings.append(
            _("Pièces et données d'identité : ne gardez ni copie ni photo après la démarche.")
        )
    if library_helps:
        warnings.append(
            _(
                "Arrêtez-vous et orientez quand la personne vous demande de décider à sa "
                "place, quand la démarche engage (contestation, signature, choix entre des "
                "droits), quand vous n'êtes pas sûr·e de la réponse, ou quand l'aide dépasse "
                "ce que la charte permet."
            )
        )
    if Lack.DEVICE in situation.lacks:
        warnings.append(
            _(
                "Sur un poste public : à la fin, déconnectez chaque service, supprimez les "
                "fichiers téléchargés et fermez le navigateur."
            )
        )
    warnings += _situation_warnings(situation, today=today, public=False)
    return warnings


def public_warnings(*, need: NeedFacts, situation: Situation, today: datetime.date) -> list[str]:
    warnings = []
    if need.sensitivity != Sensitivity.NONE:
        warnings.append(
            _("Gardez votre mot de passe pour vous : personne n'a à le connaître ni à le noter.")
        )
    if need.requires_email or Lack.EMAIL in situation.lacks:
        warnings.append(
            _(
                "Utilisez votre propre adresse e-mail, jamais celle d'un proche ou d'un "
                "professionnel, et un numéro de téléphone à vous pour la récupérer."
            )
        )
    warnings += _situation_warnings(situation, today=today, public=True)
    return warnings


def _situation_warnings(situation: Situation, *, today: datetime.date, public: bool) -> list[str]:
    warnings = []
    if situation.deadline is not None:
        if situation.deadline < today:
            warnings.append(
                _(
                    "L'échéance est dépassée : contactez vite l'organisme, souvent un délai "
                    "reste possible."
                )
            )
        else:
            warnings.append(
                _("Échéance %(day)s : les solutions qui reçoivent après sont signalées.")
                % {"day": day(situation.deadline, today)}
            )
    if situation.french_not_mastered and not public:
        warnings.append(
            _(
                "La personne ne maîtrise pas le français : parlez simplement, préférez un lieu "
                "qui accueille en langues étrangères ou un service d'interprétariat."
            )
        )
    if Support.DEAFNESS in situation.support:
        warnings.append(
            _(
                "Surdité : évitez le téléphone ; écrivez les informations, et demandez si un "
                "interprète en langue des signes ou une transcription est possible."
            )
            if not public
            else _("Pour prendre contact, préférez vous présenter sur place ou réserver en ligne.")
        )
    if Support.VISUAL in situation.support and not public:
        warnings.append(
            _("Déficience visuelle : proposez la fiche en gros caractères et lisez-la ensemble.")
        )
    if Support.ILLITERACY in situation.support and not public:
        warnings.append(
            _("Illettrisme : expliquez à l'oral et avec la fiche ; ne faites pas lire seul·e.")
        )
    return warnings


def checklist(*, need: NeedFacts, situation: Situation, public: bool) -> list[str]:
    items = [_("À apporter : %(document)s") % {"document": doc} for doc in need.documents]
    if Lack.DOCUMENTS in situation.lacks:
        items.append(_("Rassembler les documents avant le rendez-vous."))
    if need.requires_email and Lack.EMAIL in situation.lacks:
        items.append(
            _("Avoir d'abord une adresse e-mail personnelle, dont on connaît le mot de passe.")
        )
    elif need.requires_email:
        items.append(_("Connaître son adresse e-mail et son mot de passe."))
    if need.requires_franceconnect:
        items.append(
            _("Avoir un compte pour FranceConnect (impots.gouv, Ameli, La Poste, MSA…).")
            if Lack.FRANCECONNECT in situation.lacks
            else _("Connaître les identifiants de son compte FranceConnect.")
        )
    if need.requires_scan and Lack.SCANNER in situation.lacks:
        items.append(
            _(
                "Numériser ou photographier les documents : le scanner de la médiathèque "
                "peut servir."
            )
        )
    elif need.requires_scan:
        items.append(_("Avoir les documents numérisés ou photographiés."))
    if Lack.DEVICE in situation.lacks:
        items.append(_("Un ordinateur en accès libre à la médiathèque peut servir."))
    if not public:
        items.append(
            _("À la fin : se déconnecter du service et fermer le navigateur sur le poste public.")
        )
    else:
        items.append(
            _("Sur un ordinateur public : déconnectez-vous et fermez le navigateur à la fin.")
        )
    return items
