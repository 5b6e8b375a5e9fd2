"""The record of processing activities (RGPD article 30), built from the configuration.

Nothing here is typed by hand once and forgotten: the retention durations are the
network's (``PrivacySettings``), the recipients of contact data are the roles of the
permission table that may see it, the security measures are read from the settings
the instance actually runs with (password hasher, two-factor requirement, lockout,
idle timeout, HTTPS, Content-Security-Policy, purge), and what the data protection
officer must still complete is listed, not left blank. The page and the PDF render
the same ``Register``; the public privacy notice reuses its parts (recipients,
cookies, senders), so the two never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core.management import get_commands
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import Action, roles_for
from aiguillage.compliance.models import PrivacySettings
from aiguillage.core.models import Network


@dataclass(frozen=True)
class Measure:
    """One security measure, as configured: ``in_place`` False says what is missing."""

    name: str
    state: str
    in_place: bool


@dataclass(frozen=True)
class Processing:
    """One entry of the register (article 30.1, b to g)."""

    slug: str
    name: str
    purposes: tuple[str, ...]
    legal_basis: str
    people: tuple[str, ...]
    data: tuple[str, ...]
    recipients: tuple[str, ...]
    transfers: str
    retention: tuple[str, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Register:
    network_name: str
    controller: str
    dpo_name: str
    dpo_email: str
    dpo_address: str
    generated_at: datetime.datetime
    processings: tuple[Processing, ...]
    security: tuple[Measure, ...]
    to_complete: tuple[str, ...]


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


# --- Parts shared with the public notice ----------------------------------------------


def role_labels(roles: frozenset[str]) -> list[str]:
    """Role names in the order of ``Role`` (stable for the reader)."""
    return [str(role.label) for role in Role if role.value in roles]


def contact_viewers() -> list[str]:
    """The roles that see the visitors' contact data, from the permission table."""
    return role_labels(roles_for(Action.CONTACT_VIEW))


def _days(days: int) -> str:
    return ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days}


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return _("jusqu'à la fermeture du navigateur")
    if seconds % 86400 == 0:
        return _days(seconds // 86400)
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours}
    minutes = max(seconds // 60, 1)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def cookies() -> list[Cookie]:
    """The only cookies the application sets, all needed for it to work (no consent
    to ask, no audience measurement, nothing from another site)."""
    found = [
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("protège les formulaires contre l'envoi par un autre site"),
            _duration(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("retient la langue choisie, si vous en changez"),
            _duration(settings.LANGUAGE_COOKIE_AGE),
        ),
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("garde la connexion de l'équipe ; le public n'en reçoit pas"),
            _duration(settings.SESSION_COOKIE_AGE),
        ),
    ]
    storage = getattr(settings, "MESSAGE_STORAGE", "")
    if "Cookie" in storage or "Fallback" in storage:
        found.append(
            Cookie(
                "messages",
                _("affiche une fois un message de confirmation (« c'est annulé »)"),
                _duration(None),
            )
        )
    return found


def email_sender() -> tuple[str, bool]:
    """Who carries the e-mails, and whether the DPO must name them."""
    backend = settings.EMAIL_BACKEND
    if backend.endswith("smtp.EmailBackend"):
        host = settings.EMAIL_HOST
        local = host in ("localhost", "127.0.0.1", "::1")
        return (
            _("le serveur d'envoi des e-mails (%(host)s)") % {"host": host},
            not local,
        )
    return _("aucun envoi réel d'e-mail (instance de développement ou de test)"), False


def sms_sender() -> tuple[str, bool]:
    """Who carries the text messages, and whether the DPO must name them."""
    backend = settings.SMS_BACKEND
    if backend.endswith(".LogBackend") or backend.endswith(".MemoryBackend"):
        return _("aucun SMS n'est envoyé (aucun prestataire choisi)"), False
    return _("le prestataire d'envoi des SMS (%(backend)s)") % {"backend": backend}, True


# --- Security measures, as configured -------------------------------------------------


def _minimum_length() -> int | None:
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        if validator["NAME"].endswith(".MinimumLengthValidator"):
            return validator.get("OPTIONS", {}).get("min_length", 8)
    return None


def _password_measure() -> Measure:
    algorithm = get_hasher("default").algorithm
    length = _minimum_length()
    if algorithm.startswith("argon2"):
        state = _("hachés avec Argon2")
        if length:
            state += _(", %(n)d caractères au moins") % {"n": length}
        return Measure(_("Mots de passe"), state, True)
    return Measure(
        _("Mots de passe"),
        _("hachés avec %(algorithm)s (Argon2 n'est pas le premier hacheur)")
        % {"algorithm": algorithm},
        False,
    )


def _two_factor_measure() -> Measure:
    name = _("Double authentification")
    if "django_otp" not in settings.INSTALLED_APPS:
        return Measure(name, _("non installée"), False)
    if not getattr(settings, "AIGUILLAGE_REQUIRE_2FA", False):
        return Measure(
            name,
            _("disponible mais pas exigée (réglage AIGUILLAGE_REQUIRE_2FA désactivé)"),
            False,
        )
    from aiguillage.accounts.two_factor import TWO_FACTOR_ROLES

    return Measure(
        name,
        _("code à usage unique (TOTP) exigé après le mot de passe pour : %(roles)s")
        % {"roles": ", ".join(role_labels(TWO_FACTOR_ROLES))},
        True,
    )


def _cooloff(value) -> str:
    if isinstance(value, datetime.timedelta):
        return _duration(int(value.total_seconds()))
    if isinstance(value, int | float):  # django-axes: a number of hours
        return _duration(int(value * 3600))
    return _("une durée choisie par l'instance")


def _lockout_measure() -> Measure:
    name = _("Blocage après des échecs de connexion")
    if "axes" not in settings.INSTALLED_APPS or not getattr(settings, "AXES_ENABLED", True):
        return Measure(name, _("non configuré"), False)
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    state = ngettext(
        "connexion bloquée après %(n)d échec",
        "connexion bloquée après %(n)d échecs",
        limit,
    ) % {"n": limit}
    if cooloff:
        state += _(", pendant %(duration)s") % {"duration": _cooloff(cooloff)}
    return Measure(name, state, True)


def _session_measure() -> Measure:
    name = _("Sessions de l'équipe")
    idle = getattr(settings, "SESSION_IDLE_TIMEOUT_MINUTES", None)
    longest = _duration(settings.SESSION_COOKIE_AGE)
    if idle:
        return Measure(
            name,
            _("déconnexion après %(idle)s sans activité, et au plus tard après %(longest)s")
            % {"idle": _duration(int(idle) * 60), "longest": longest},
            True,
        )
    return Measure(
        name,
        _("pas de déconnexion après inactivité ; au plus %(longest)s") % {"longest": longest},
        False,
    )


def _https_measure() -> Measure:
    name = _("Chiffrement des échanges (HTTPS)")
    parts = []
    if settings.SECURE_SSL_REDIRECT:
        parts.append(_("HTTPS imposé"))
    if settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE:
        parts.append(_("cookies envoyés seulement en HTTPS"))
    if settings.SECURE_HSTS_SECONDS:
        parts.append(_("HSTS %(duration)s") % {"duration": _duration(settings.SECURE_HSTS_SECONDS)})
    in_place = len(parts) == 3
    if not in_place:
        parts.append(_("incomplet sur cette instance (développement ?)"))
    return Measure(name, ", ".join(parts), in_place)


def _csp_measure() -> Measure:
    name = _("Politique de sécurité du contenu (CSP)")
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE or not policy:
        return Measure(name, _("non configurée"), False)
    directives = policy.get("DIRECTIVES", {})
    sources = [str(s) for key in ("script-src", "style-src") for s in directives.get(key, [])]
    if "'unsafe-inline'" in sources or any(s.startswith(("http:", "https:")) for s in sources):
        return Measure(name, _("active, mais elle autorise du code en ligne ou extérieur"), False)
    return Measure(
        name, _("active : aucun script en ligne, aucune ressource d'un autre site"), True
    )


def _journal_measure() -> Measure:
    state = _("en ajout seul, chaîné par empreintes SHA-256 et vérifiable (verify_journal)")
    if connection.vendor == "postgresql":
        state += _(" ; la base de données refuse toute modification ou suppression")
    return Measure(_("Journal des accès"), state, True)


def _purge_measure(kept: PrivacySettings) -> Measure:
    name = _("Effacement à échéance")
    if "purge_expired" not in get_commands():
        return Measure(name, _("aucune purge automatique installée"), False)
    return Measure(
        name,
        _(
            "commande purge_expired, à lancer chaque jour : coordonnées effacées "
            "%(contact)s après la date"
        )
        % {"contact": _days(kept.contact_days)},
        True,
    )


def _guard_measure() -> Measure:
    name = _("Garde des données sensibles")
    if "scan_sensitive" not in get_commands():
        return Measure(name, _("non installée"), False)
    return Measure(
        name,
        _(
            "les champs de texte libre refusent numéros de sécurité sociale, numéros "
            "fiscaux, IBAN, cartes bancaires, mots de passe"
        ),
        True,
    )


def _rate_limit_measure() -> Measure:
    name = _("Limite des envois du portail public")
    limit = settings.PUBLIC_RATE_LIMIT
    if limit <= 0:
        return Measure(name, _("désactivée"), False)
    return Measure(
        name,
        ngettext(
            "%(n)d envoi de formulaire par adresse et par %(window)s",
            "%(n)d envois de formulaire par adresse et par %(window)s",
            limit,
        )
        % {"n": limit, "window": _duration(settings.PUBLIC_RATE_LIMIT_WINDOW)},
        True,
    )


def security_measures(kept: PrivacySettings) -> tuple[Measure, ...]:
    return (
        Measure(
            _("Cloisonnement des réseaux"),
            _("chaque réseau ne voit que ses propres données ; chaque page vérifie le rôle"),
            True,
        ),
        _password_measure(),
        _two_factor_measure(),
        _lockout_measure(),
        _session_measure(),
        _https_measure(),
        _csp_measure(),
        _rate_limit_measure(),
        _journal_measure(),
        _purge_measure(kept),
        _guard_measure(),
        Measure(
            _("Liens de gestion des réservations"),
            _(
                "signés, sans compte ni mot de passe pour le public ; un nouveau lien "
                "annule les anciens ; aucune donnée personnelle dans une adresse"
            ),
            True,
        ),
    )


# --- The processings -----------------------------------------------------------------

# Lazy: a module-level constant is made once, at import, in whatever language the first
# request had; the register must say it in the reader's language.
PUBLIC_INTEREST = gettext_lazy(
    "Mission d'intérêt public de la collectivité (RGPD, article 6.1.e) : l'accès de tous "
    "aux services publics en ligne."
)


def _desk(kept: PrivacySettings, staff: list[str]) -> Processing:
    return Processing(
        slug="desk",
        name=_("Orientation à l'accueil et statistiques d'activité"),
        purposes=(
            _("Orienter chaque personne vers le bon service, atelier ou rendez-vous."),
            _("Compter l'activité de l'accueil (rapports aux élus et financeurs)."),
            _("Garder la trace d'un acte « faire pour » sous mandat Aidants Connect."),
        ),
        legal_basis=PUBLIC_INTEREST,
        people=(_("Personnes reçues à l'accueil ou cherchant sur le portail public"),),
        data=(
            _("Jour et heure (sans les minutes), site, commune de la personne si elle la donne"),
            _("Démarche, autonomie, situation sous forme de cases (sans texte libre)"),
            _("Modes proposés et retenu, issue, durée par tranche, rôle du membre de l'équipe"),
            _("Référence du mandat Aidants Connect pour un acte « faire pour »"),
            _("Jamais de nom, de coordonnées ni de numéro d'identification de la personne"),
        ),
        recipients=(
            _("L'équipe du réseau : %(roles)s") % {"roles": ", ".join(staff)},
            _("Élus et financeurs : des chiffres agrégés seulement"),
        ),
        transfers=_("Aucun"),
        retention=(
            _(
                "Enregistrements sans donnée identifiante, gardés pour les statistiques "
                "tant que le réseau utilise Aiguillage"
            ),
            _("Notes libres : %(days)s (il n'en existe pas aujourd'hui)")
            % {"days": _days(kept.free_text_days)},
        ),
        measures=(_("Le formulaire de l'accueil n'a aucun champ de texte libre sur la personne."),),
    )


def _bookings(kept: PrivacySettings, viewers: list[str]) -> Processing:
    email, _named = email_sender()
    sms, _named = sms_sender()
    return Processing(
        slug="bookings",
        name=_("Rendez-vous et inscriptions aux ateliers, avec rappels"),
        purposes=(
            _("Réserver un rendez-vous (permanence d'un partenaire ou de l'équipe)."),
            _("Inscrire à un atelier, gérer la liste d'attente, noter les présences."),
            _("Confirmer, rappeler, prévenir d'une annulation ; gérer sa réservation par un lien."),
        ),
        legal_basis=_(
            "Mission d'intérêt public (RGPD, article 6.1.e) ; les rappels sont envoyés "
            "seulement si la personne les accepte (article 6.1.a)."
        ),
        people=(_("Personnes qui prennent un rendez-vous ou s'inscrivent à un atelier"),),
        data=(
            _("Prénom ou pseudonyme"),
            _(
                "Adresse e-mail ou numéro de téléphone (l'un des deux suffit en ligne ; à "
                "l'accueil, un prénom suffit)"
            ),
            _("Accord pour les rappels, langue souhaitée"),
            _("Besoins d'accessibilité, si la personne en donne"),
            _("Démarche, date, lieu, état de la réservation, présence"),
        ),
        recipients=(
            _("L'équipe du réseau : %(roles)s") % {"roles": ", ".join(viewers)},
            _(
                "Les agents des partenaires qui tiennent une permanence, s'ils sont membres "
                "du réseau dans Aiguillage"
            ),
            email,
            sms,
        ),
        transfers=_("Aucun"),
        retention=(
            _("Coordonnées : effacées %(days)s après la date du rendez-vous ou de l'atelier")
            % {"days": _days(kept.contact_days)},
            _("Réservation annulée : effacée %(days)s après l'annulation")
            % {"days": _days(kept.cancelled_days)},
            _("Ensuite, la réservation reste sans nom ni coordonnées, pour les statistiques"),
            _(
                "Lien à usage unique envoyé pour voir toutes ses données : effacé dès qu'il "
                "ne peut plus servir (30 minutes pour l'ouvrir, 30 minutes d'accès)"
            ),
        ),
        measures=(
            _(
                "La personne voit et efface une réservation par son lien, et toutes ses "
                "données par un lien à usage unique envoyé à son e-mail ou à son portable."
            ),
            _("Chaque consultation ou export de coordonnées par l'équipe est journalisé."),
        ),
    )


def _staff(kept: PrivacySettings) -> Processing:
    return Processing(
        slug="staff",
        name=_("Comptes de l'équipe et authentification"),
        purposes=(
            _("Se connecter, avec le rôle de chacun dans chaque réseau."),
            _("Vérifier les habilitations (Aidants Connect) avant un acte « faire pour »."),
            _("Protéger les comptes : double authentification, blocage après des échecs."),
        ),
        legal_basis=PUBLIC_INTEREST,
        people=(
            _(
                "Membres de l'équipe : salariés, bénévoles, agents des partenaires qui ont "
                "un compte"
            ),
        ),
        data=(
            _("Nom, adresse e-mail professionnelle, rôle, salarié·e ou non"),
            _("Habilitations : type, référence, dates de validité, périmètre"),
            _("Empreinte du mot de passe, clé de double authentification, codes de secours"),
            _("Dates de connexion ; échecs de connexion (adresse IP, navigateur)"),
        ),
        recipients=(
            _("Les coordinateur·rices du réseau"),
            _("L'administrateur technique de l'instance"),
        ),
        transfers=_("Aucun"),
        retention=(
            _("Compte désactivé après %(days)s sans connexion (la personne est prévenue avant)")
            % {"days": _days(kept.inactive_staff_days)},
            _("Échecs de connexion : jusqu'à la connexion réussie ou la fin du blocage"),
        ),
        measures=(),
    )


def _journal(kept: PrivacySettings) -> Processing:
    return Processing(
        slug="journal",
        name=_("Journal des accès et des actes"),
        purposes=(
            _(
                "Prouver qui a consulté des coordonnées, fait un acte « faire pour » ou "
                "changé un droit."
            ),
            _("Détecter un usage anormal ; répondre aux demandes des personnes."),
        ),
        legal_basis=_("Obligation de sécurité et de responsabilité (RGPD, articles 5.2 et 32)."),
        people=(_("Membres de l'équipe"),),
        data=(
            _("Action, date, membre de l'équipe (identifiant, e-mail, rôle)"),
            _(
                "Objet concerné par son type et son numéro, nombres ; jamais le nom ni les "
                "coordonnées d'une personne reçue"
            ),
        ),
        recipients=(
            _("Les coordinateur·rices du réseau"),
            _("Le délégué à la protection des données"),
        ),
        transfers=_("Aucun"),
        retention=(
            _(
                "%(days)s (le journal est commun à l'instance : la durée la plus longue des "
                "réseaux s'applique)"
            )
            % {"days": _days(kept.journal_days)},
        ),
        measures=(_("Personne ne peut modifier ni effacer une entrée avant son échéance."),),
    )


def _directory() -> Processing:
    return Processing(
        slug="directory",
        name=_("Annuaire des partenaires et offre publique"),
        purposes=(
            _("Connaître les structures du territoire et leurs services pour bien orienter."),
            _("Suivre les partenariats et leurs contacts."),
            _(
                "Publier l'offre en données ouvertes (standards data·inclusion et lieux "
                "de médiation numérique)."
            ),
        ),
        legal_basis=PUBLIC_INTEREST,
        people=(_("Contacts professionnels des structures partenaires"),),
        data=(
            _("Nom, fonction, e-mail et téléphone professionnels des contacts de partenariat"),
            _("Nom du contact professionnel d'un service, s'il est donné"),
        ),
        recipients=(
            _("L'équipe du réseau"),
            _(
                "Le public et les réutilisateurs des données ouvertes : les structures et "
                "services, avec le contact professionnel d'un service ; jamais les contacts "
                "de partenariat"
            ),
        ),
        transfers=_("Aucun"),
        retention=(_("Tant que le partenariat existe ; les contacts sont supprimés avec lui"),),
        measures=(),
    )


def build_register(network: Network, *, at: datetime.datetime | None = None) -> Register:
    """The register of ``network`` as the instance is configured right now."""
    kept = PrivacySettings.for_network(network)
    viewers = contact_viewers()
    staff = role_labels(roles_for(Action.ORIENTATION_DESK))
    to_complete = []
    if not kept.controller_name:
        to_complete.append(_("Le nom du responsable du traitement (la collectivité)."))
    if not kept.dpo_name or not (kept.dpo_email or kept.dpo_address):
        to_complete.append(_("Le nom et une adresse du délégué à la protection des données."))
    email, email_named = email_sender()
    if email_named:
        to_complete.append(
            _("Le nom du service d'envoi des e-mails, sous-traitant (article 28) : %(who)s.")
            % {"who": email}
        )
    sms, sms_named = sms_sender()
    if sms_named:
        to_complete.append(
            _("Le nom du prestataire des SMS, sous-traitant (article 28) : %(who)s.") % {"who": sms}
        )
    to_complete.append(
        _(
            "L'hébergeur de l'instance et le lieu d'hébergement (dans l'Union européenne) ; "
            "la durée de conservation des sauvegardes."
        )
    )
    return Register(
        network_name=network.name,
        controller=kept.controller_name,
        dpo_name=kept.dpo_name,
        dpo_email=kept.dpo_email,
        dpo_address=kept.dpo_address,
        generated_at=at or timezone.now(),
        processings=(
            _desk(kept, staff),
            _bookings(kept, viewers),
            _staff(kept),
            _journal(kept),
            _directory(),
        ),
        security=security_measures(kept),
        to_complete=tuple(to_complete),
    )
