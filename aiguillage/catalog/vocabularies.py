"""The outside vocabularies a need maps to, as the standards spell them.

data·inclusion v1 comes from its own package (``data-inclusion-schema``), so a new
release is a version bump. The lieux-de-médiation-numérique standard (v1.0.2) and La
Coop's activity-report vocabulary have no Python package: their exact strings live
here, and tests compare them with the published schema when it is at hand.
"""

from __future__ import annotations

from data_inclusion.schema.v1 import ReseauPorteur, Thematique
from django.db import models
from django.utils.translation import gettext_lazy as _

DATA_INCLUSION_THEMATIQUES: frozenset[str] = frozenset(t.value for t in Thematique)
DATA_INCLUSION_RESEAUX_PORTEURS: frozenset[str] = frozenset(r.value for r in ReseauPorteur)


class LieuxService(models.TextChoices):
    """``services`` of the standard des lieux de médiation numérique v1.0.2."""

    DEMARCHES = "Aide aux démarches administratives"
    OUTILS_QUOTIDIEN = "Maîtrise des outils numériques du quotidien"
    INSERTION_PRO = "Insertion professionnelle via le numérique"
    SECURITE = "Utilisation sécurisée du numérique"
    PARENTALITE = "Parentalité et éducation avec le numérique"
    LOISIRS = "Loisirs et créations numériques"
    COMPREHENSION = "Compréhension du monde numérique"
    ACCES_MATERIEL = "Accès internet et matériel informatique"
    MATERIEL_SOLIDAIRE = "Acquisition de matériel informatique à prix solidaire"


class CoopThematique(models.TextChoices):
    """Thématiques of La Coop de la médiation numérique activity reports."""

    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", _("Diagnostic numérique")
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", _("Prendre en main du matériel")
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", _("Maintenance de matériel")
    GERE_SES_CONTENUS_NUMERIQUES = (
        "gere_ses_contenus_numeriques",
        _("Gérer ses contenus numériques"),
    )
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", _("Navigation sur internet")
    EMAIL = "email", _("E-mail")
    BUREAUTIQUE = "bureautique", _("Bureautique")
    RESEAUX_SOCIAUX = "reseaux_sociaux", _("Réseaux sociaux communication")
    SANTE = "sante", _("Santé")
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", _("Banque et achats en ligne")
    ENTREPRENEURIAT = "entrepreneuriat", _("Accompagner un professionnel")
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", _("Insertion professionnelle")
    SECURITE_NUMERIQUE = "securite_numerique", _("Prévention en sécurité numérique")
    PARENTALITE = "parentalite", _("Parentalité")
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", _("Scolarité et numérique")
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", _("Créer avec le numérique")
    CULTURE_NUMERIQUE = "culture_numerique", _("Culture numérique")
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", _("Intelligence artificielle")
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        _("Aide aux démarches administratives"),
    )


class CoopDemarcheSubtheme(models.TextChoices):
    """La Coop administrative sub-thématiques (only with aide_aux_demarches_administratives)."""

    PAPIERS_ELECTIONS_CITOYENNETE = (
        "papiers_elections_citoyennete",
        _("Papiers, élections, citoyenneté"),
    )
    FAMILLE_SCOLARITE = "famille_scolarite", _("Famille, scolarité")
    SOCIAL_SANTE = "social_sante", _("Social, santé")
    TRAVAIL_FORMATION = "travail_formation", _("Travail, formation")
    LOGEMENT = "logement", _("Logement")
    TRANSPORTS_MOBILITE = "transports_mobilite", _("Transports, mobilité")
    ARGENT_IMPOTS = "argent_impots", _("Argent, impôts")
    JUSTICE = "justice", _("Justice")
    ETRANGERS_EUROPE = "etrangers_europe", _("Étrangers, Europe")
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", _("Loisirs, sports, culture")
    ASSOCIATIONS = "associations", _("Associations")
