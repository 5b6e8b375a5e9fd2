"""Samples for measuring the sensitive-data guard: generated identifiers and the corpus.

Shared by the benchmark (``tests/bench/bench_sensitive.py``, thousands of samples) and
the unit test (``tests/privacy/test_sensitive_rates.py``, a fixed seeded sample).

* ``identifier_samples``: valid identifiers (python-stdnum computes the keys; the RIB's
  key is computed here, python-stdnum has no RIB), written
  the ways people write them (spaces, dots, dashes, groups or none), inside varied
  sentences of the desk that carry ordinary numbers too (dates, times, postcodes).
* ``corpus``: ordinary texts written for this purpose (``tests/privacy/corpus/*.txt``,
  one text a line), each file saying whether its field allows contact data.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stdnum import iban, luhn
from stdnum.fr import nif, nir

from aiguillage.privacy.sensitive import Finding, scan

CORPUS_DIR = Path(__file__).parent / "corpus"
KINDS = (
    "nir", "fiscal_number", "iban", "rib", "card_number", "password", "login", "passport",
    "id_card",
)  # fmt: skip


@dataclass(frozen=True)
class Sample:
    kind: str
    text: str
    start: int  # where the identifier (or the secret) is in the text
    end: int


# --- identifiers ------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _group(value: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(value[at : at + size])
        at += size
    if at < len(value):
        parts.append(value[at:])
    return sep.join(p for p in parts if p)


def make_nir(rng: random.Random) -> str:
    sex = rng.choice("12")
    year = f"{rng.randint(0, 99):02d}"
    month = f"{rng.randint(1, 12):02d}"
    place = rng.random()
    if place < 0.05:
        department, commune = rng.choice(["2A", "2B"]), _digits(rng, 3)
    elif place < 0.12:
        department, commune = "97", rng.choice("12346") + _digits(rng, 2)
    elif place < 0.2:
        department, commune = "99", _digits(rng, 3)  # born abroad: country code
    else:
        department, commune = f"{rng.randint(1, 95):02d}", _digits(rng, 3)
    order = f"{rng.randint(1, 999):03d}"
    body = sex + year + month + department + commune + order
    number = body + nir.calc_check_digits(body + "00")
    assert nir.is_valid(number), number
    return number


def write_nir(rng: random.Random, number: str) -> str:
    style = rng.random()
    if style < 0.35:
        return _group(number, (1, 2, 2, 2, 3, 3, 2), " ")
    if style < 0.55:
        return number
    if style < 0.65:
        return _group(number, (1, 2, 2, 2, 3, 3, 2), ".")
    if style < 0.75:
        return _group(number, (1, 2, 2, 2, 3, 3, 2), "-")
    if style < 0.85:
        return number[:13] + " " + number[13:]
    if style < 0.93:
        return _group(number, (1, 2, 2, 2, 3, 3), " ") + " - " + number[13:]
    return _group(number, (1, 2, 2, 2, 3, 3, 2), "\u00a0")


def make_fiscal(rng: random.Random) -> str:
    body = rng.choice("0123") + _digits(rng, 9)
    number = body + nif.calc_check_digits(body)
    assert nif.is_valid(number), number
    return number


def write_fiscal(rng: random.Random, number: str) -> str:
    style = rng.random()
    if style < 0.45:
        return _group(number, (2, 2, 3, 3, 3), " ")
    if style < 0.8:
        return number
    if style < 0.9:
        return _group(number, (2, 2, 3, 3, 3), ".")
    return _group(number, (2, 2, 3, 3, 3), "-")


# Country, BBAN shape (n digits, a capitals, c either), as the IBAN registry says.
IBAN_COUNTRIES = {
    "FR": "5n5n11c2n",
    "DE": "8n10n",
    "BE": "3n7n2n",
    "ES": "4n4n1n1n10n",
    "IT": "1a5n5n12c",
    "NL": "4a10n",
    "PT": "4n4n11n2n",
    "GB": "4a6n8n",
    "CH": "5n12c",
    "LU": "3n13c",
    "MC": "5n5n11c2n",
    "PL": "8n16n",
}


def _bban(rng: random.Random, shape: str) -> str:
    out = []
    for count, kind in re.findall(r"(\d+)([nac])", shape):
        for _ in range(int(count)):
            if kind == "n" or (kind == "c" and rng.random() < 0.8):
                out.append(rng.choice(string.digits))
            else:
                out.append(rng.choice(string.ascii_uppercase))
    return "".join(out)


def make_iban(rng: random.Random) -> str:
    country = rng.choice(list(IBAN_COUNTRIES))
    while True:  # some countries check their BBAN too (Spain, Belgium): draw again
        bban = _bban(rng, IBAN_COUNTRIES[country])
        number = country + iban.calc_check_digits(country + "00" + bban) + bban
        if iban.is_valid(number):
            return number


def write_iban(rng: random.Random, number: str) -> str:
    style = rng.random()
    if style < 0.6:
        return iban.format(number)
    if style < 0.85:
        return number
    if style < 0.93:
        return number.lower() if rng.random() < 0.5 else iban.format(number).lower()
    return iban.format(number, separator="-")


# The RIB key's letters: A and J stand for 1, B, K and S for 2, and so on (written here
# from the banks' rule, not taken from the guard, so that the two are checked one against
# the other).
_RIB_LETTER_DIGITS = {
    **{letter: str(i + 1) for i, letter in enumerate("ABCDEFGHI")},
    **{letter: str(i + 1) for i, letter in enumerate("JKLMNOPQR")},
    **{letter: str(i + 2) for i, letter in enumerate("STUVWXYZ")},
}


def rib_key(bank: str, branch: str, account: str) -> str:
    account = "".join(_RIB_LETTER_DIGITS.get(char, char) for char in account.upper())
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def make_rib(rng: random.Random) -> str:
    """A French RIB's 23 characters: bank, branch, account, key. One in ten accounts has a
    letter, as La Banque Postale's do (« 0500013M026 »)."""
    bank, branch = _digits(rng, 5), _digits(rng, 5)
    if rng.random() < 0.1:
        account = _digits(rng, 7) + rng.choice(string.ascii_uppercase) + _digits(rng, 3)
    else:
        account = _digits(rng, 11)
    return bank + branch + account + rib_key(bank, branch, account)


def write_rib(rng: random.Random, number: str) -> str:
    style = rng.random()
    if style < 0.5:
        return _group(number, (5, 5, 11, 2), " ")
    if style < 0.75:
        return number
    if style < 0.85:
        return _group(number, (5, 5, 11, 2), rng.choice(("-", ".")))
    if style < 0.9:
        return _group(number, (5, 5, 11, 2), "\u00a0")
    if style < 0.95:
        return _group(number, (5, 5, 11, 2), " ").lower()
    return _group(number, (4, 4, 4, 4, 4, 3), " ")  # copied off an IBAN, without FR76


CARD_PREFIXES = (
    ("4", 16), ("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16),
    ("2720", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("3530", 16),
    ("62", 16), ("4", 19), ("6759", 16),
)  # fmt: skip


def make_card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + _digits(rng, length - len(prefix) - 1)
    number = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(number)
    return number


def write_card(rng: random.Random, number: str) -> str:
    style = rng.random()
    sizes = (4, 6, 5) if len(number) == 15 else (4, 4, 4, 4)
    if style < 0.55:
        return _group(number, sizes, " ")
    if style < 0.8:
        return number
    return _group(number, sizes, "-")


_WORDS = (
    "soleil", "marguerite", "bonjour", "chaton", "lapin", "printemps", "azerty", "loulou",
    "nounours", "papillon", "toulouse", "marseille", "doudou", "vacances", "cerise",
)  # fmt: skip


def make_password(rng: random.Random) -> str:
    style = rng.random()
    word = rng.choice(_WORDS)
    if style < 0.3:
        return word.capitalize() + _digits(rng, rng.choice((2, 4))) + rng.choice("!?*#$@")
    if style < 0.5:
        return word + _digits(rng, rng.choice((1, 2, 4)))
    if style < 0.65:
        return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10))
    if style < 0.8:
        return _digits(rng, rng.choice((4, 6)))
    if style < 0.9:
        return word.upper()[:3] + word[3:] + rng.choice("!?.") + _digits(rng, 2)
    return word  # a plain word, after a colon


_FIRST = ("jean", "marie", "nadia", "karim", "lucie", "paul", "fatou", "yves", "sophie", "ali")
_LAST = ("dupont", "martin", "benali", "nguyen", "durand", "petit", "diallo", "moreau")


def make_login(rng: random.Random) -> str:
    style = rng.random()
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    if style < 0.3:
        return first[0] + last
    if style < 0.5:
        return f"{first}.{last}{_digits(rng, 2)}"
    if style < 0.7:
        return _digits(rng, 7) + rng.choice(string.ascii_uppercase)  # France Travail
    if style < 0.85:
        return f"{first}_{last}"
    return f"{last}{_digits(rng, 3)}"


def make_passport(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
    return _digits(rng, 2) + letters + _digits(rng, 5)


IDENTITY_DOCS = ("CNI", "carte d'identité", "carte nationale d'identité")
NEW_IDENTITY_DOCS = ("CNI", "carte d'identité", "nouvelle carte d'identité")
RESIDENCE_DOCS = ("titre de séjour", "carte de séjour", "numéro étranger")


def make_id_card(rng: random.Random) -> tuple[str, str]:
    """A number and the words naming its document."""
    style = rng.random()
    if style < 0.3:  # the old identity card: 12 digits
        return _digits(rng, 12), rng.choice(IDENTITY_DOCS)
    if style < 0.55:  # the 2021 identity card: 9 letters and digits
        chars = string.ascii_uppercase + string.digits
        value = rng.choice(string.ascii_uppercase) + rng.choice(string.digits)
        value += "".join(rng.choice(chars) for _ in range(7))
        return value, rng.choice(NEW_IDENTITY_DOCS)
    if style < 0.8:  # a residence permit: 10 digits
        return _digits(rng, 10), rng.choice(RESIDENCE_DOCS)
    letters = "".join(rng.choice("ABCDEFGH") for _ in range(2))
    return _digits(rng, 2) + letters + _digits(rng, 5), "permis de conduire"


# Sentences of the desk, with ordinary numbers around the identifier.
NIR_SENTENCES = (
    "Dossier retraite : son numéro ({v}) figure sur la carte Vitale.",
    "n° SS : {v} - revoir la personne le 2 juin",
    "Elle m'a donné le numéro {v} pour l'attestation.",
    "Immatriculation sécu {v}; RDV CPAM 10h15.",
    "Attestation de droits demandée pour {v}, à renvoyer avant le 15/03.",
    "Numéro de sécurité sociale : {v}",
    "La personne a dicté son n° de sécu {v} au téléphone.",
    "NIR {v} — dossier Ameli en cours, rappeler jeudi à 14h30.",
    "Carte Vitale perdue, numéro {v}, commune 34700.",
    "{v}",
    "Sécu: {v}. Revoir le 12 mars.",
    "Mme B., né·e en 1985, n° {v}, demande de CSS.",
    "Pour la complémentaire santé solidaire il faut le {v} et l'avis 2024.",
    "Inscription France Travail : NIR {v} saisi, mot de passe à créer.",
)
FISCAL_SENTENCES = (
    "Son n° fiscal ({v}) est sur la 1re page de l'avis.",
    "Connexion impots.gouv : numéro fiscal {v}; mot de passe perdu.",
    "Déclaration 2042 préparée : {v}, 2 parts, 18 500 € de revenus.",
    "Numéro fiscal : {v}",
    "numéro fiscal {v} trouvé sur l'avis de 2024",
    "Déclaration en ligne faite, n° fiscal {v}, accusé de réception imprimé.",
    "{v} (numéro fiscal de référence), revenus 2024 à déclarer avant le 22 mai.",
    "Espace particulier impots.gouv : {v} puis code reçu par courrier.",
    "SPI {v}",
    "Avis d'imposition demandé, identifiant fiscal {v}.",
    "Le numéro {v} figure en haut de la première page.",
    "{v}",
    "Prélèvement à la source : compte ouvert avec {v} le 03/04.",
)
IBAN_SENTENCES = (
    "RIB transmis à France Travail ({v}).",
    "Nouveau compte : {v} - à donner au bailleur avant le 10.",
    "IBAN:{v}",
    "IBAN : {v}",
    "RIB pour la CAF : {v}, BIC AGRIFRPP",
    "Changement de compte bancaire, nouvel IBAN {v} à transmettre à la caisse de retraite.",
    "{v}",
    "Virement de la prime d'activité sur {v} depuis le 5 juin.",
    "Coordonnées bancaires saisies : {v}.",
    "Iban du propriétaire {v} pour l'APL.",
    "La personne a montré son RIB ({v}) pour le remboursement.",
)
CARD_SENTENCES = (
    "Payé en ligne avec la CB n° {v}.",
    "Mastercard {v} exp. 11/26",
    "La personne a lu sa carte à voix haute : {v}.",
    "Carte bancaire {v} exp 09/27",
    "Paiement du timbre fiscal (86 €) avec la carte {v}.",
    "CB : {v}",
    "{v}",
    "Numéro de carte {v}, cryptogramme au dos.",
    "Achat du permis en ligne, la personne a donné {v} pour payer 25 €.",
    "Visa {v}",
    "Carte {v} refusée, réessayer demain 10h.",
)
RIB_SENTENCES = (
    "RIB : {v}",
    "Relevé d'identité bancaire donné pour la CAF : {v}, à renvoyer avant le 15/03.",
    "{v}",
    "Nouveau compte bancaire {v} - prévenir la caisse de retraite avant le 10.",
    "Coordonnées bancaires pour le remboursement : {v}",
    "La personne a dicté {v} pour le virement de l'APL, RDV le 12 mars à 10h.",
    "Elle a recopié {v} sur le formulaire CERFA 12100*02.",
    "RIB du propriétaire {v} pour l'aide au logement.",
    "Numéro de compte : {v}",
    "n° de compte {v} (La Banque Postale, 34700 Lodève)",
    "Changement de banque le 03/04 : {v}.",
    "Compte {v} pour le prélèvement du loyer (450 €).",
)
# Where a bank word stands before the RIB: only there is a RIB copied off an IBAN (cut by
# fours) one for the guard.
RIB_CONTEXT_SENTENCES = tuple(
    s for s in RIB_SENTENCES if re.search(r"RIB|bancaire|compte|banque", s.split("{v}")[0])
)
PASSWORD_SENTENCES = (
    "MDP={v}",
    "mot de passe Ameli {v}",
    "mot de passe France Connect : {v}",
    "mdp : {v}",
    "Mot de passe : {v}",
    "Mot de passe ameli : {v}",
    "Identifiant noté, mot de passe = {v}",
    "son mot de passe est {v}",
    "Mdp impots {v}",
    "password: {v}",
    "MDP CAF : {v} (à changer)",
    "Le code secret est {v}",
    "code PIN {v}",
    "Mot de passe de la messagerie : « {v} »",
    "code : {v}",
    "Nouveau mot de passe France Travail : {v}, revenir lundi à 9h.",
    "son code : {v}",
    "Le code de sa boîte mail c'est {v}",
    "mdp/code = {v}",
    "identifiant 1234567X, code {v}",
    "Son code est {v}, elle le change ce soir.",
)
# A bare « code » with no colon, nor anyone's before it.
BARE_CODE_SENTENCES = ("identifiant 1234567X, code {v}",)
LOGIN_SENTENCES = (
    "Identifiant ameli : {v} (noté par la personne)",
    "login: {v}, mdp oublié",
    "identifiant : {v}",
    "Identifiant: {v}",
    "login {v}",
    "Identifiant France Travail : {v}",
    "identifiant de connexion = {v}, mot de passe oublié",
    "Nom d'utilisateur : {v}",
    "son identifiant est {v}",
    "Identifiants ANTS : {v} / mot de passe perdu",
    "identifiant {v}",
)
PASSPORT_SENTENCES = (
    "Numéro du passeport : {v}, délivré en 2019.",
    "Passeport {v} (expire le 03/05/2026)",
    "Passeport n° {v}",
    "passeport {v} expiré en 2023, rendez-vous en mairie le 4 avril",
    "N° de passeport : {v}",
    "Renouvellement du passeport (numéro {v}), photo d'identité à refaire.",
    "Passeport: {v}",
    "Pré-demande faite ; ancien passeport no {v}.",
)
ID_CARD_SENTENCES = (
    "Copie de la {doc} ({v}) non conservée.",
    "{doc} - n° {v}",
    "{doc} n° {v}",
    "{doc} : {v}",
    "Numéro de {doc} {v}, valable jusqu'en 2031.",
    "Perte de la {doc} {v}, déclaration faite le 02/02.",
    "{doc} numéro {v} à recopier dans le formulaire CERFA 12100*02.",
    "{doc} {v}",
)

MAKERS: dict[str, tuple[Callable[[random.Random], str], Callable, tuple[str, ...]]] = {
    "nir": (make_nir, write_nir, NIR_SENTENCES),
    "fiscal_number": (make_fiscal, write_fiscal, FISCAL_SENTENCES),
    "iban": (make_iban, write_iban, IBAN_SENTENCES),
    "rib": (make_rib, write_rib, RIB_SENTENCES),
    "card_number": (make_card, write_card, CARD_SENTENCES),
    "password": (make_password, lambda rng, v: v, PASSWORD_SENTENCES),
    "login": (make_login, lambda rng, v: v, LOGIN_SENTENCES),
    "passport": (make_passport, lambda rng, v: v, PASSPORT_SENTENCES),
}


def typed(value: str) -> bool:
    """What the guard takes for a password after a bare « code » and no colon: 6
    characters or more, lower-case letters, and digits, symbols or inner capitals."""
    inner = value[1:]
    return (
        len(value) >= 6
        and any(char.islower() for char in value)
        and (
            any(char.isdigit() for char in value)
            or any(not char.isalnum() and char not in "'-." for char in value)
            or (any(c.isupper() for c in inner) and any(c.islower() for c in inner))
        )
    )


def _place(sentence: str, value: str, **words: str) -> Sample | None:
    before, after = sentence.split("{v}")
    before, after = before.format(**words), after.format(**words)
    return before + value + after, len(before), len(before) + len(value)


def identifier_samples(kind: str, count: int, *, seed: int = 6) -> list[Sample]:
    """``count`` texts holding one valid identifier of ``kind`` each, reproducibly."""
    rng = random.Random(f"{seed}-{kind}")
    samples = []
    for _ in range(count):
        if kind == "id_card":
            value, doc = make_id_card(rng)
            sentence = rng.choice(ID_CARD_SENTENCES)
            if sentence.startswith("{doc}"):
                doc = doc[0].upper() + doc[1:]
            text, start, end = _place(sentence, value, doc=doc)
        else:
            make, write, sentences = MAKERS[kind]
            sentence = rng.choice(sentences)
            value = make(rng)
            if kind == "password" and value.isalpha() and ":" not in sentence.split("{v}")[0]:
                sentence = "mdp : {v}"  # a plain word is a password only after a colon
            if kind == "password" and sentence in BARE_CODE_SENTENCES and not typed(value):
                sentence = "son code : {v}"  # after a bare « code », digits are a number
            written = write(rng, value)
            if kind == "rib" and " " in written and len(written.split()[0]) == 4:
                sentence = rng.choice(RIB_CONTEXT_SENTENCES)  # cut by fours: a bank word
            text, start, end = _place(sentence, written)
        samples.append(Sample(kind, text, start, end))
    return samples


def covered(sample: Sample, findings: list[Finding]) -> tuple[bool, bool]:
    """(refused, refused as its own kind): a refusal overlapping the identifier."""
    hits = [f for f in findings if f.refused and f.start < sample.end and sample.start < f.end]
    return bool(hits), any(f.kind == sample.kind for f in hits)


@dataclass(frozen=True)
class DetectionRate:
    kind: str
    count: int
    refused: int
    right_kind: int

    @property
    def rate(self) -> float:
        return self.refused / self.count


def detection(kind: str, count: int, *, seed: int = 6) -> tuple[DetectionRate, list[Sample]]:
    """The rate for ``kind``, and the samples that went through (to show them)."""
    refused = right = 0
    missed = []
    for sample in identifier_samples(kind, count, seed=seed):
        found, found_right = covered(sample, scan(sample.text))
        refused += found
        right += found_right
        if not found:
            missed.append(sample)
    return DetectionRate(kind, count, refused, right), missed


# --- the corpus -------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusText:
    source: str
    line: int
    allow_contact: bool
    text: str


def corpus() -> list[CorpusText]:
    """Every text of the corpus. A file's first line says ``# allow_contact: yes|no``."""
    texts = []
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].strip()
        if not header.startswith("# allow_contact:"):
            raise ValueError(f"{path.name}: the first line must say '# allow_contact: yes|no'")
        allow_contact = header.split(":", 1)[1].strip() == "yes"
        for number, line in enumerate(lines[1:], start=2):
            if line.strip() and not line.startswith("#"):
                texts.append(CorpusText(path.name, number, allow_contact, line.strip()))
    return texts


@dataclass(frozen=True)
class FalseAlarms:
    texts: int
    refused: list[tuple[CorpusText, list[Finding]]]
    warned: list[tuple[CorpusText, list[Finding]]]

    @property
    def refusal_rate(self) -> float:
        return len(self.refused) / self.texts

    @property
    def warning_rate(self) -> float:
        return len(self.warned) / self.texts


def false_alarms(texts: list[CorpusText] | None = None) -> FalseAlarms:
    texts = corpus() if texts is None else texts
    refused, warned = [], []
    for item in texts:
        findings = scan(item.text, allow_contact=item.allow_contact)
        if any(f.refused for f in findings):
            refused.append((item, findings))
        elif findings:
            warned.append((item, findings))
    return FalseAlarms(len(texts), refused, warned)
