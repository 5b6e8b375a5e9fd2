"""The sensitive-data guard's scan: what it finds, where, and what it leaves alone."""

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguillage.privacy.sensitive import Finding, Kind, fold, scan

# Valid identifiers (their keys computed by python-stdnum), as tests write them.
NIR = "2 95 10 99 126 111 93"  # stdnum's own example
NIR_CORSICA = "2 53 07 2A 073 004 43"
FISCAL = "30 23 217 600 053"  # stdnum's example: 3023217600053
IBAN_FR = "FR76 3000 6000 0112 3456 7890 189"
IBAN_DE = "DE89370400440532013000"
CARD_VISA = "4970 1012 3456 7893"
CARD_AMEX = "3714 496353 98431"
SIRET = "732 829 320 00074"  # Luhn-valid, as every SIRET


def kinds(text: str, **kwargs) -> list[str]:
    return [f.kind for f in scan(text, **kwargs)]


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    """(kind, the text at the finding's position): what a test can read back."""
    return [(f.kind, text[f.start : f.end]) for f in scan(text, **kwargs)]


# --- each kind, and where it is ------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        NIR,
        "295109912611193",
        "2.95.10.99.126.111.93",
        "2-95-10-99-126-111-93",
        "2951099126111 93",
        "2\u00a095\u00a010\u00a099\u00a0126\u00a0111\u00a093",
    ],
)
def test_a_nir_is_found_however_it_is_written(written):
    text = f"Attestation de droits pour {written}, à renvoyer avant le 15/03."
    assert found(text) == [("nir", written)]


def test_a_corsican_nir_keeps_its_department_letter():
    assert found(f"n° {NIR_CORSICA}.") == [("nir", NIR_CORSICA)]


def test_a_nir_with_a_wrong_key_is_a_nir_only_after_its_name():
    wrong_key = "2 95 10 99 126 111 94"
    assert kinds(f"Le numéro {wrong_key}") == []
    assert found(f"n° de sécu : {wrong_key}") == [("nir", wrong_key)]
    without_key = "2 95 10 99 126 111"
    assert found(f"Numéro de sécurité sociale {without_key}") == [("nir", without_key)]


def test_a_fiscal_number_with_its_key_or_after_its_name():
    assert found(f"Numéro fiscal : {FISCAL}") == [("fiscal_number", FISCAL)]
    assert found("3023217600053") == [("fiscal_number", "3023217600053")]
    no_key = "3023217600054"
    assert kinds(f"Le {no_key}") == []
    assert found(f"numéro fiscal de référence {no_key}") == [("fiscal_number", no_key)]


@pytest.mark.parametrize(
    "written", [IBAN_FR, IBAN_DE, "fr7630006000011234567890189", "GB29 NWBK 6016 1331 9268 19"]
)
def test_an_iban_of_any_country_grouped_or_not(written):
    assert found(f"IBAN {written} merci") == [("iban", written)]


def test_an_iban_is_not_also_a_card_number_or_a_phone():
    # The digits after FR76 hold Luhn-valid windows and phone-like groups.
    assert kinds(f"RIB : {IBAN_FR}") == ["iban"]


@pytest.mark.parametrize("written", [CARD_VISA, "4970101234567893", "4970-1012-3456-7893"])
def test_a_card_number_with_a_brand_and_luhn(written):
    assert found(f"Payé avec {written} hier") == [("card_number", written)]


def test_an_amex_number_in_its_own_layout():
    assert found(f"Carte {CARD_AMEX}") == [("card_number", CARD_AMEX)]


def test_a_luhn_valid_number_without_a_brand_is_a_card_only_after_a_card_word():
    number = "1234 5678 9012 3452"  # Luhn-valid, no brand starts with 1
    assert kinds(f"Dossier {number}") == []
    assert found(f"carte bancaire {number}") == [("card_number", number)]


def test_a_siret_is_not_a_card_number():
    assert kinds(f"SIRET {SIRET}") == []
    assert kinds("Association, SIRET 73282932000074, agréée.") == []
    assert kinds(f"Ressourcerie ({SIRET}) ouverte le samedi") == []
    # ...unless it is said to be a card (14 digits, Luhn): then it is refused.
    assert kinds("CB 73282932000074") == ["card_number"]


def test_the_word_nearer_the_number_says_what_it_is():
    assert kinds("paiement CB, SIRET 73282932000074") == []
    assert found("SIRET 123 puis CB 4970 1012 3456 7893") == [
        ("card_number", "4970 1012 3456 7893")
    ]
    assert kinds("Facture 4970101234567893") == []
    assert found("numéro fiscal de référence 3023217600054") == [("fiscal_number", "3023217600054")]


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("Passeport n° 12AB34567", "passport", "12AB34567"),
        ("N° de passeport : 19FV45821, délivré en 2019", "passport", "19FV45821"),
        ("CNI 070534200178", "id_card", "070534200178"),
        ("carte d'identité : X4RTBPFW4", "id_card", "X4RTBPFW4"),
        ("Titre de séjour n° 3401234567", "id_card", "3401234567"),
        ("Permis de conduire 12AB34567", "id_card", "12AB34567"),
    ],
)
def test_identity_documents_in_context(text, kind, value):
    assert found(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("mdp : Soleil2024!", "password", "Soleil2024!"),
        ("Mot de passe : soleil", "password", "soleil"),
        ("mot de passe ameli : Marguerite", "password", "Marguerite"),
        ("son mot de passe est Chaton38$", "password", "Chaton38$"),
        ("Mdp impots Lapin8222?", "password", "Lapin8222?"),
        ("Mot de passe de la messagerie : « loulou »", "password", "loulou"),
        ("code PIN 1234", "password", "1234"),
        ("code : 4821", "password", "4821"),
        ("password: hunter2", "password", "hunter2"),
        ("identifiant: jdupont", "login", "jdupont"),
        ("Identifiant France Travail : 1234567A", "login", "1234567A"),
        ("login fmartin", "login", "fmartin"),
        ("son identifiant est ndiallo", "login", "ndiallo"),
    ],
)
def test_passwords_and_logins_after_their_word(text, kind, value):
    assert found(text) == [(kind, value)]


def test_a_password_and_a_login_in_one_note():
    text = "identifiant : jdupont et mot de passe : soleil"
    assert found(text) == [("login", "jdupont"), ("password", "soleil")]


def test_contact_data_only_where_the_field_must_hold_none():
    text = "Écrire à jean.dupont@example.org ou appeler le 06 12 34 56 78, +44 20 7946 0958"
    assert found(text) == [
        ("email", "jean.dupont@example.org"),
        ("phone", "06 12 34 56 78"),
        ("phone", "+44 20 7946 0958"),
    ]
    assert scan(text, allow_contact=True) == []


def test_health_words_are_a_warning():
    findings = scan("Elle est enceinte de 5 mois et diabétique.")
    assert [(f.kind, f.severity) for f in findings] == [("health", "warn"), ("health", "warn")]
    assert not any(f.refused for f in findings)


@pytest.mark.parametrize(
    "word", ["cancer", "VIH", "dépression", "chimiothérapie", "schizophrénie", "hospitalisée"]
)
def test_health_words_with_or_without_accents_or_capitals(word):
    assert kinds(f"Note : {word}.") == ["health"]
    assert kinds(f"Note : {word.upper()}.") == ["health"]


# --- positions and values --------------------------------------------------------------------


def test_positions_are_those_of_the_text_as_typed_accents_included():
    text = f"Réécrit à l'écran : n° sécu {NIR} ; mdp : Été2024!"
    nir, password = scan(text)
    assert text[nir.start : nir.end] == NIR
    assert text[password.start : password.end] == "Été2024!"


def test_fold_keeps_every_position():
    text = "Œuvre ÉTÉ n° 12 \u2013 ﬁn İstanbul ß"
    assert len(fold(text)) == len(text)
    assert fold("Sécurité Sociale") == "securite sociale"


def test_a_finding_never_holds_the_value():
    finding = scan(f"NIR {NIR}")[0]
    assert {f.name for f in dataclasses.fields(Finding)} == {"kind", "start", "end", "severity"}
    assert "95" not in repr(finding)
    assert (
        repr(finding)
        == f"Finding(kind=<Kind.NIR: 'nir'>, start=4, end={4 + len(NIR)}, severity='refuse')"
    )


def test_findings_come_in_order_and_do_not_overlap():
    text = f"{IBAN_FR} puis {NIR}, mdp : Soleil2024!, tél 06 12 34 56 78, cancer"
    findings = scan(text)
    assert [f.kind for f in findings] == ["iban", "nir", "password", "phone", "health"]
    for first, second in itertools.pairwise(findings):
        assert first.end <= second.start


def test_a_password_that_looks_like_a_phone_number_is_a_password():
    assert kinds("mdp : 0612345678") == ["password"]


# --- ordinary texts: no alarm ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Permanence le mardi 14 mars 2025 de 9h30 à 12h, salle 2.",
        "Horaires : 09:00-12:00 / 14:00-17:30 ; ouvert le samedi 10h-13h.",
        "Codes postaux 34700 34800 34150, INSEE 34142.",
        "Photocopie 0,15 €, impression couleur 0,50 € ; timbre fiscal 86 €.",
        "Appeler le 3949 (France Travail) ou le 3646 (Assurance maladie).",
        f"Association SIRET {SIRET}, agrément n° 2024-118.",
        "Code-barres 9782070368228, ISBN 978-2-07-036822-8.",
        "Mot de passe oublié : réinitialisation faite par la personne.",
        "Le mot de passe est trop court, il en faut un de 12 caractères.",
        "Identifiant FranceConnect non retrouvé, mdp CAF oublié.",
        "Code postal : 34700. Code de la route : réviser les panneaux.",
        "Code INSEE 34142, code APE 8899B, code promo NOEL24.",
        "Passeport : prendre rendez-vous en mairie, timbre de 86 €.",
        "Carte d'identité valable jusqu'en 2031, CNI perdue le 3 mars.",
        "Carte Vitale à mettre à jour ; Ameli, CPAM, mutuelle, arrêt maladie, MDPH, AAH.",
        "Mon espace santé ; thème santé ; complémentaire santé solidaire.",
        "Dans l'enceinte de la médiathèque, une enceinte Bluetooth.",
        "Permanence de la Ligue contre le cancer le 1er lundi du mois.",
        "Dossier 24-0456789, facture FA-2025-00412, commande 1000045872.",
        "Le 2025-03-12 à 14:30, 2 personnes, 45 minutes.",
    ],
)
def test_ordinary_desk_texts_raise_no_alarm(text):
    assert scan(text) == []


def test_empty_and_blank_texts():
    assert scan("") == []
    assert scan("   \n\t") == []


def test_a_long_text_is_scanned_in_its_first_part_only():
    text = "x" * 100_000 + f" {NIR}"
    assert scan(text) == []
    assert kinds("x" * 1000 + f" {NIR}") == [Kind.NIR]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_findings_within_it_in_order(text):
    findings = scan(text)
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.severity in ("refuse", "warn")
    for first, second in itertools.pairwise(findings):
        assert first.end <= second.start


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["12", "34", "0", " ", ".", "-", "/", ",", "h", "€", "mdp", " : ", "le ", "\n"]
        ),
        max_size=60,
    )
)
def test_digit_soups_never_break_the_scan(parts):
    text = "".join(parts)
    for finding in scan(text):
        assert text[finding.start : finding.end].strip()
