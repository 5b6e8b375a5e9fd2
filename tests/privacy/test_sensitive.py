"""The sensitive-data guard's scan: what it finds, where, and what it leaves alone."""

import dataclasses
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

from aiguillage.privacy.sensitive import Finding, FindingKind, fold, rib_is_valid, scan
from aiguillage.privacy.validators import KIND_LABELS, MESSAGES, refusal_errors
from tests.privacy.sensitive_samples import make_rib, rib_key

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


# --- « code », « identifiant » without a colon (issue 14) -----------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("son code : Soleil2024!", "Soleil2024!"),
        ("identifiant 1234567X, code chaton.bleu88", "chaton.bleu88"),
        ("le code de sa boîte mail c'est Marseille13", "Marseille13"),
        ("mdp/code = azerty123", "azerty123"),
        ("code : 4821", "4821"),
        ("son code est 4821", "4821"),
        ("son code 482913, reçu ce matin", "482913"),
        ("code ameli Soleil2024", "Soleil2024"),
        ("Le code de sa carte bancaire : 1234", "1234"),
        ("code d'accès : 1942", "1942"),
        ("code d'accès à son espace Ameli : Soleil2024", "Soleil2024"),
    ],
)
def test_a_password_after_code(text, value):
    assert ("password", value) in found(text)
    assert [kind for kind, written in found(text) if written == value] == ["password"]


@pytest.mark.parametrize(
    "text",
    [
        "code postal 34700",
        "Code postal : 34700",
        "son code postal 34700",
        "code de la route",
        "code d'accès au bâtiment",
        "code d'accès au bâtiment : 1942",
        "Code d'accès de la salle informatique : 4512B",
        "Le code du portail est 1942, donné par le gardien.",
        "code promo",
        "son code promo : NOEL24",
        "code promo NOEL24",
        "code du travail",
        "code civil",
        "code couleur",
        "code-barres 9782070368228",
        "code QR",
        "le code de la famille",
        "code INSEE 34142",
        "Le code INSEE de sa commune : 34142",
        "code APE/NAF 8899B",
        "code de l'action sociale",
        "code à 6 chiffres reçu par SMS",
        "code de sécurité sociale",
        "Code de déontologie",
        "atelier code de la route le mardi",
        "article L. 262-2 du code de l'action sociale et des familles",
        "code ROME K1304",
        "Code CERFA 14069*04",
        "le code est 4512",
        "Son code est valable 10 minutes.",
        "Le code de sa carte est bloqué après trois essais.",
        "Code de suivi du colis : 6A12345678901",
        "Le code Wi-Fi est mediatheque2025",
    ],
)
def test_ordinary_codes_are_no_secret(text):
    assert scan(text) == []


def test_the_social_security_code_is_the_nir_rule():
    # « code de sécurité sociale » is a lay name for the NIR: a number there is a NIR (with
    # a wrong key too), words are nothing.
    assert kinds(f"Son code de sécurité sociale : {NIR}") == ["nir"]
    assert kinds("code de sécurité sociale : 2 95 10 99 126 111 94") == ["nir"]
    assert kinds("Son code de sécurité sociale : sur la carte Vitale") == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("identifiant jdupont", "jdupont"),
        ("Identifiant fmartin, mot de passe oublié", "fmartin"),
        ("identifiant Ameli jdupont", "jdupont"),
        ("son identifiant est marie.durand34", "marie.durand34"),
        ("login jdupont75", "jdupont75"),
        ("identifiant 1234567X", "1234567X"),
    ],
)
def test_a_login_without_a_colon(text, value):
    assert found(text) == [("login", value)]


@pytest.mark.parametrize(
    "text",
    [
        "identifiant et mot de passe oubliés",
        "elle a perdu son identifiant",
        "identifiant France Connect",
        "identifiant FranceConnect",
        "créer un identifiant",
        "identifiant de connexion à demander à la CAF",
        "identifiant fiscal",
        "identifiant unique de l'élève",
        "identifiant provisoire",
        "identifiant client EDF",
        "Identifiant RNA W343012345 et SIRET",
    ],
)
def test_ordinary_identifiers_are_no_login(text):
    assert scan(text) == []


def test_identifiant_fiscal_followed_by_the_number_is_the_fiscal_rule():
    assert found(f"identifiant fiscal {FISCAL}") == [("fiscal_number", FISCAL)]


# --- RIB (issue 14) --------------------------------------------------------------------------

# The RIBs inside valid IBANs (python-stdnum checks them): a bank's own, with its key.
RIB = "30004 00003 12345678901 43"  # FR76 3000 4000 0312 3456 7890 143
RIB_POSTALE = "20041 01005 0500013M026 06"  # FR14 2004 1010 0505 0001 3M02 606


@pytest.mark.parametrize(
    "iban",
    ["FR7630004000031234567890143", "FR1420041010050500013M02606", "FR7630006000011234567890189"],
)
def test_the_rib_key_of_real_ibans(iban):
    assert stdnum_iban.is_valid(iban)
    bban = iban[4:]
    assert rib_is_valid(bban[:5], bban[5:10], bban[10:21], bban[21:])
    wrong = f"{int(bban[21:]) % 97 + 1:02d}"
    assert not rib_is_valid(bban[:5], bban[5:10], bban[10:21], wrong)


def test_the_rib_key_as_the_samples_compute_it():
    rng = random.Random(14)
    for _ in range(500):
        rib = make_rib(rng)
        assert rib_is_valid(rib[:5], rib[5:10], rib[10:21], rib[21:]), rib
        assert rib_key(rib[:5], rib[5:10], rib[10:21]) == rib[21:]
    assert not rib_is_valid("00000", "00000", "00000000000", "00")  # the key runs 01-97


@pytest.mark.parametrize(
    "written",
    [
        RIB,
        RIB.replace(" ", ""),
        RIB.replace(" ", "-"),
        RIB.replace(" ", "."),
        RIB.replace(" ", "\u00a0"),
        RIB_POSTALE,
        RIB_POSTALE.lower(),
        "30004 00003 1234567890143",
    ],
)
def test_a_rib_in_its_layout_with_its_key(written):
    assert found(f"Le {written} noté le 12/03.") == [("rib", written)]


def test_a_rib_with_a_wrong_key_only_after_a_bank_word():
    wrong = "30004 00550 00012345678 47"  # the key is 40
    assert kinds(f"Le numéro {wrong}") == []
    assert found(f"RIB : {wrong}") == [("rib", wrong)]
    assert found("RIB : 30004005500001234567840") == [("rib", "30004005500001234567840")]


def test_a_rib_cut_anyhow_only_after_a_bank_word_and_with_its_key():
    by_fours = "3000 4000 0312 3456 7890 143"
    assert kinds(f"Le numéro {by_fours}") == []
    assert found(f"RIB {by_fours}") == [("rib", by_fours)]
    assert kinds("RIB 3000 4000 0312 3456 7890 142") == []


def test_a_rib_inside_an_iban_is_the_iban():
    assert found(f"IBAN {IBAN_FR}") == [("iban", IBAN_FR)]
    assert kinds("IBAN : FR76 3000 4000 0312 3456 7890 143") == ["iban"]


@pytest.mark.parametrize(
    "text",
    [
        f"Facture {RIB}",
        f"Dossier n° {RIB.replace(' ', '')} transmis.",
        "34000 34070 Montpellier 12 places",
        "Référence de commande 40211235678912345678901, livraison lundi.",
        "Code guichet 00550, code banque 30004 : expliqué sur un RIB d'exemple.",
        "Le virement de 1 250,00 € a été reçu le 03/04/2025.",
    ],
)
def test_numbers_that_are_no_rib(text):
    assert scan(text) == []


def test_a_rib_is_refused_with_the_bank_details_message():
    errors = refusal_errors(f"RIB : {RIB}")
    assert [error.code for error in errors] == ["sensitive_rib"]
    message = errors[0].message % errors[0].params
    assert "RIB (coordonnées bancaires)" in message
    assert set(KIND_LABELS) == set(FindingKind)
    assert set(MESSAGES) == set(FindingKind) - {FindingKind.HEALTH}


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
        == f"Finding(kind=<FindingKind.NIR: 'nir'>, start=4, end={4 + len(NIR)}, severity='refuse')"
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
    assert kinds("x" * 1000 + f" {NIR}") == [FindingKind.NIR]


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
