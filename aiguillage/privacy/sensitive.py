"""The sensitive-data guard: find, in a free text, what must never be written there.

``scan(text)`` returns findings (kind, position, severity), never the value found, so
a finding can be shown, logged or journaled without repeating what it protects.

What is looked for, and how false alarms are kept down (docs/privacy-guard.md says
more, with the measured rates):

* **Numbers with a checksum** (``nir``, ``fiscal_number``, ``iban``, ``card_number``)
  are found among the digit groups of the text. A candidate is a run of consecutive
  groups whose *layout* is one people actually type (``1 85 05 78 006 084 36``, or no
  separator at all: a list of postcodes does not form a NIR), and whose key is valid
  (python-stdnum). Next to the number, a context word can make it certain (« n° de
  sécu » with a wrong key is still a NIR typed with a typo) or rule it out (« SIRET »).
* **A SIRET is Luhn-valid.** A card number needs the card's usual length and brand
  prefix (16 digits starting 4, 5, 6, 2221-2720, 3528-3589; 15 for Amex; 19), or a
  card word just before it (« carte bancaire », « CB », « Visa »…); 14 digits (a
  SIRET's length) is a card only in such a context, and never after « SIRET ».
* **A RIB** (``rib``: bank, branch, account, key, without the IBAN around it) is found
  in its own layout (``30004 00550 00012345678 40``) or as one block, with a valid RIB
  key (1 chance in 97 for random digits); after « RIB », « banque », « compte »… also
  with a wrong key, or cut anyhow (copied off an IBAN by fours) with a valid key.
* **Identifiers without a checksum** (``passport``, ``id_card``, ``password``,
  ``login``) are found only after their keyword (« passeport n° », « mdp : »), and
  the value must look like one: an identity number has digits, a password after a
  colon is not a plain word of the sentence (« mot de passe : oublié »), a login
  without a colon has digits or a dot, or reads as an initial glued to a name
  (« identifiant jdupont », not « identifiant fiscal »). A bare « code » is a secret
  with a colon (« code : 4821 »), when it is someone's (« son code est 4821 », « le
  code de sa boîte mail c'est … »), or before a value only typing makes (« code
  chaton.bleu88 »); never « code postal », « code de la route », « code promo »,
  nor the code of a building's door or room, which staff give out.
* **Contact data** (``email``, ``phone``, by ``phonenumbers``) only when the field
  must hold none (``allow_contact=False``).
* **Health details** (``health``) are a warning, never a refusal: a short list of
  diagnoses and treatments. Procedure words (Ameli, CPAM, carte Vitale, mutuelle,
  arrêt maladie, MDPH, handicap…) are not in it.

Overlapping findings are merged: the more specific kind wins (an IBAN is not also a
RIB nor a card number, a password that looks like a phone number is a password).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Literal

from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fr import nif, nir

from aiguillage.core import phones

Severity = Literal["refuse", "warn"]
REFUSE: Severity = "refuse"
WARN: Severity = "warn"


class FindingKind(StrEnum):
    NIR = "nir"
    FISCAL_NUMBER = "fiscal_number"
    IBAN = "iban"
    RIB = "rib"
    CARD_NUMBER = "card_number"
    PASSPORT = "passport"
    ID_CARD = "id_card"
    PASSWORD = "password"  # noqa: S105 (a kind's name)
    LOGIN = "login"
    EMAIL = "email"
    PHONE = "phone"
    HEALTH = "health"


# When two findings overlap, the earlier kind in this order is kept.
PRIORITY: tuple[FindingKind, ...] = (
    FindingKind.IBAN,
    FindingKind.RIB,
    FindingKind.NIR,
    FindingKind.FISCAL_NUMBER,
    FindingKind.CARD_NUMBER,
    FindingKind.PASSPORT,
    FindingKind.ID_CARD,
    FindingKind.PASSWORD,
    FindingKind.LOGIN,
    FindingKind.EMAIL,
    FindingKind.PHONE,
    FindingKind.HEALTH,
)
_RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}


@dataclass(frozen=True, slots=True)
class Finding:
    """What was found and where (``text[start:end]``), never the value itself."""

    kind: str
    start: int
    end: int
    severity: Severity

    @property
    def refused(self) -> bool:
        return self.severity == REFUSE


# --- folding: lower case, no accents, same length --------------------------------------

_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}


@cache
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    lower = char.lower()
    if len(lower) != 1:
        return char
    return unicodedata.normalize("NFD", lower)[0]


def fold(text: str) -> str:
    """``text`` in lower case without accents, character for character (positions hold)."""
    return "".join(_fold_char(char) for char in text)


# --- digit groups -----------------------------------------------------------------------

# Corsica's NIR departments (2A, 2B) become private-use characters for the digit-group
# search, so the NIR keeps its positions; any other kind refuses a group holding them.
_CORSICA = {"A": "\ue000", "B": "\ue001", "a": "\ue000", "b": "\ue001"}
_CORSICA_BACK = {"\ue000": "A", "\ue001": "B"}
_CORSICA_RE = re.compile(
    r"(?:(?<=[0-9])|(?<=[0-9][ .\-\u00a0\u202f]))2([AaBb])(?=[ .\-\u00a0\u202f]?[0-9])"
)
# Digits, separated by at most a few spaces and one dot or dash: "1 85 05", "06.12",
# "4970-1012". Slashes (dates), commas (prices, lists) and letters end a run.
_RUN_RE = re.compile(
    r"(?<![0-9A-Za-z\ue000\ue001])[0-9\ue000\ue001]+"
    r"(?:[ \u00a0\u202f\t]{0,2}[.\-]?[ \u00a0\u202f\t]{0,2}[0-9\ue000\ue001]+)*"
    r"(?![0-9A-Za-z\ue000\ue001])"
)
_GROUP_RE = re.compile(r"[0-9\ue000\ue001]+")


@dataclass(frozen=True, slots=True)
class _Group:
    start: int
    end: int
    digits: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    """Consecutive digit groups: their digits, span and inner boundaries."""

    start: int
    end: int
    digits: str
    cuts: frozenset[int]  # where, among the digits, a separator stood


def _digit_runs(text: str) -> list[list[_Group]]:
    marked = _CORSICA_RE.sub(lambda m: "2" + _CORSICA[m[1]], text)
    return [
        [
            _Group(run.start() + g.start(), run.start() + g.end(), g.group())
            for g in _GROUP_RE.finditer(run.group())
        ]
        for run in _RUN_RE.finditer(marked)
    ]


def _candidates(
    runs: list[list[_Group]], lengths: frozenset[int], *, any_layout: Callable[[int], bool]
) -> list[_Candidate]:
    """Every window of consecutive groups whose digit count is in ``lengths`` and whose
    layout is one a detector accepts, or any layout where ``any_layout(start)`` (a
    context word just before makes the layout irrelevant)."""
    longest = max(lengths)
    found = []
    for groups in runs:
        for i in range(len(groups)):
            total, cuts = 0, []
            free = any_layout(groups[i].start)
            for j in range(i, len(groups)):
                if j > i:
                    if not free and total not in _ANY_CUT:
                        break  # no accepted layout cuts there, nor at any longer window
                    cuts.append(total)
                total += len(groups[j].digits)
                if total > longest:
                    break
                if total in lengths and (free or _typed_layout(frozenset(cuts), total)):
                    digits = "".join(g.digits for g in groups[i : j + 1])
                    found.append(
                        _Candidate(groups[i].start, groups[j].end, digits, frozenset(cuts))
                    )
    return found


# --- context words ----------------------------------------------------------------------

_CONTEXT_WINDOW = 45


def _context_before(folded: str, start: int, pattern: re.Pattern[str]) -> int | None:
    """Where the last match of ``pattern`` in the few words before ``start`` (same
    sentence) ends, or None."""
    window_start = max(0, start - _CONTEXT_WINDOW)
    before = folded[window_start:start]
    clause = re.split(r"[.;!?\n]\s", before)[-1]
    offset = window_start + len(before) - len(clause)
    ends = [match.end() for match in pattern.finditer(clause)]
    return offset + ends[-1] if ends else None


class _Contexts:
    """The context words of one text, looked for near a number only when the text holds
    some at all: a long run of digits costs one search per pattern, not one per window."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self._ends: dict[re.Pattern[str], list[int]] = {}

    def ends(self, pattern: re.Pattern[str]) -> list[int]:
        """Where the pattern's matches end, in order."""
        if pattern not in self._ends:
            self._ends[pattern] = [match.end() for match in pattern.finditer(self.folded)]
        return self._ends[pattern]

    def near(self, start: int, pattern: re.Pattern[str]) -> bool:
        """Whether a match ends within the context window before ``start`` (cheap)."""
        ends = self.ends(pattern)
        at = bisect.bisect_right(ends, start)
        return at > 0 and start - ends[at - 1] <= _CONTEXT_WINDOW

    def last(self, start: int, pattern: re.Pattern[str]) -> int | None:
        """Where the nearest match before ``start`` in its sentence ends, or None."""
        if not self.near(start, pattern):
            return None
        return _context_before(self.folded, start, pattern)

    def before(self, start: int, pattern: re.Pattern[str]) -> bool:
        return self.last(start, pattern) is not None

    def said_to_be(self, start: int, pattern: re.Pattern[str]) -> bool | None:
        """True when a word of ``pattern`` is nearer the number than any business word
        (« SIRET », « facture »…), False when a business word is nearer, None when
        neither is there."""
        said, other = self.last(start, pattern), self.last(start, _NOT_PERSONAL_CONTEXT)
        if said is None and other is None:
            return None
        return other is None or (said is not None and said >= other)


_NIR_CONTEXT = re.compile(
    r"securite sociale|\bsecu\b|\bnir\b|\bn\s?[°o]?\s?ss\b|\bnum(?:ero)?\.?\s?ss\b"
    r"|\bssn\b|numero insee|n\s?°\s?insee|carte vitale|\bassure social"
)
_FISCAL_CONTEXT = re.compile(
    r"fiscal(?:e)?(?: de reference)?|\bspi\b|teledeclarant|\bnif\b|numero d'impot|avis d'imposition"
)
_CARD_CONTEXT = re.compile(
    r"carte (?:bancaire|bleue|de credit|de paiement|visa|mastercard)|\bcb\b|\bvisa\b"
    r"|mastercard|\bamex\b|american express|maestro|numero de (?:la )?carte|n\s?°\s?(?:de )?carte"
    r"|\bcvv\b|cryptogramme"
)
# After one of these words, a number is a business or product reference, not a person's.
_NOT_PERSONAL_CONTEXT = re.compile(
    r"\bsiret\b|\bsiren\b|\btva\b|\brcs\b|\bean\b|\bisbn\b|\bgtin\b|code[- ]barre|\brna\b"
    r"|\bfacture\b|\bdossier\b|\bcommande\b|\bcolis\b|\bsuivi\b|\bref\b|reference|\bfiness\b"
    r"|\bape\b|\bnaf\b|\brpps\b|\badeli\b"
)
# Words that make « identifiant … : » an organisation's reference, not a person's login.
_NOT_A_LOGIN_QUALIFIER = re.compile(
    _NOT_PERSONAL_CONTEXT.pattern + r"|\bfiche\b|\bconvention\b|\bsource\b|\bstructure\b"
)


# --- NIR, fiscal number, card -----------------------------------------------------------

_NIR_CUTS = frozenset({1, 3, 5, 7, 10, 13})
_NIR_SEX = frozenset("123478")


def _nir_layout(cuts: frozenset[int], length: int) -> bool:
    """The layouts people type: none, the card's 1-2-2-2-3-3-2 (or part of it), the
    key apart. A cut at 5 and 10 only is a list of postcodes, not a NIR."""
    allowed = {cut for cut in _NIR_CUTS if cut < length}
    if not cuts <= allowed:
        return False
    return not cuts or bool(cuts & {1, 3, 13})


def _nir_shaped(digits: str) -> bool:
    if digits[0] not in _NIR_SEX:
        return False
    month = digits[3:5]
    return month.isdigit() and (1 <= int(month) <= 12 or 20 <= int(month) <= 42 or int(month) >= 50)


def _nir_text(digits: str) -> str:
    return "".join(_CORSICA_BACK.get(char, char) for char in digits)


def _find_nir(candidates: list[_Candidate], contexts: _Contexts) -> Iterator[Finding]:
    for cand in candidates:
        length = len(cand.digits)
        if length not in (13, 15) or not _nir_shaped(cand.digits):
            continue
        # After « sécu », « NIR »…, the number is one however it is cut.
        in_context = contexts.before(cand.start, _NIR_CONTEXT)
        if not in_context and not _nir_layout(cand.cuts, length):
            continue
        if in_context or (length == 15 and nir.is_valid(_nir_text(cand.digits))):
            yield Finding(FindingKind.NIR, cand.start, cand.end, REFUSE)


_FISCAL_CUTS = frozenset({2, 4, 7, 10})
# NIR 13 (without its key) and 15, fiscal number 13, cards 13 to 19.
_NUMBER_LENGTHS = frozenset(range(13, 20))


def _find_fiscal(candidates: list[_Candidate], contexts: _Contexts) -> Iterator[Finding]:
    for cand in candidates:
        digits = cand.digits
        if len(digits) != 13 or digits[0] not in "0123" or not digits.isdigit():
            continue
        if not cand.cuts <= _FISCAL_CUTS:
            continue
        said = contexts.said_to_be(cand.start, _FISCAL_CONTEXT)
        if said or (said is None and nif.is_valid(digits)):
            yield Finding(FindingKind.FISCAL_NUMBER, cand.start, cand.end, REFUSE)


def _card_brand(digits: str) -> bool:
    """A brand's prefix for the card's length (Visa, Mastercard, CB co-badged, Amex,
    Discover, JCB, UnionPay, Maestro)."""
    length, two, four = len(digits), int(digits[:2]), int(digits[:4])
    if length == 15:
        return two in (34, 37)
    if length in (16, 19):
        return digits[0] in "456" or 2221 <= four <= 2720 or 3528 <= four <= 3589
    return False


def _card_layout(cuts: frozenset[int], length: int) -> bool:
    if not cuts:
        return True
    fours = set(range(4, length, 4))
    return cuts <= fours or cuts == {4, 10}  # 4-4-4-4(-3), or Amex/Diners 4-6-5 / 4-6-4


# Every place where an accepted layout may cut (NIR, fiscal number, cards).
_ANY_CUT = frozenset({1, 2, 3, 4, 5, 7, 8, 10, 12, 13, 16})


def _typed_layout(cuts: frozenset[int], length: int) -> bool:
    """A layout one of the number detectors accepts without a context word."""
    return (
        _nir_layout(cuts, length)
        or (length == 13 and cuts <= _FISCAL_CUTS)
        or _card_layout(cuts, length)
    )


def _find_card(candidates: list[_Candidate], contexts: _Contexts) -> Iterator[Finding]:
    for cand in candidates:
        digits = cand.digits
        if not digits.isdigit():
            continue
        said = contexts.said_to_be(cand.start, _CARD_CONTEXT)
        branded = said is None and _card_layout(cand.cuts, len(digits)) and _card_brand(digits)
        if (said or branded) and luhn.is_valid(digits):
            yield Finding(FindingKind.CARD_NUMBER, cand.start, cand.end, REFUSE)


# --- IBAN -------------------------------------------------------------------------------

_IBAN_RE = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-z]{2}[ \u00a0]?[0-9]{2}(?:[ \u00a0.\-]?[0-9A-Za-z]){8,32}"
)


def _iban_checksum(value: str) -> bool:
    """ISO 7064 mod 97-10 alone: a cheap sieve before stdnum's full check."""
    if not value.isascii() or not value.isalnum():
        return False
    return int("".join(str(int(char, 36)) for char in value[4:] + value[:4])) % 97 == 1


def _find_iban(text: str) -> Iterator[Finding]:
    for match in _IBAN_RE.finditer(text):
        # Positions of the alphanumeric characters: the longest valid prefix wins.
        chars = [(match.start() + i, c) for i, c in enumerate(match.group()) if c.isalnum()]
        for size in range(len(chars), 13, -1):
            end = chars[size - 1][0] + 1
            if end < len(text) and text[end].isalnum():
                continue  # a prefix that stops inside a word
            value = "".join(c for _, c in chars[:size]).upper()
            if _iban_checksum(value) and stdnum_iban.is_valid(value):
                yield Finding(FindingKind.IBAN, match.start(), end, REFUSE)
                break


# --- RIB (a French account without its IBAN) -----------------------------------------------

# Bank code (5 digits), branch code (5), account number (11 letters or digits), key (2),
# as the RIB prints them or typed as one block; the parts may also be joined two by two.
# Between two parts: spaces, or a dot or a dash.
_RIB_SEP = r"(?:[ \u00a0\u202f]{1,2}|[ \u00a0\u202f]?[.\-][ \u00a0\u202f]?)?"
_RIB_RE = re.compile(
    rf"(?<![0-9A-Za-z])(?P<bank>[0-9]{{5}}){_RIB_SEP}(?P<branch>[0-9]{{5}}){_RIB_SEP}"
    rf"(?P<account>[0-9A-Za-z]{{11}}){_RIB_SEP}(?P<key>[0-9]{{2}})(?![0-9A-Za-z])"
)
# Short words: a context word counts when it stands whole in the window before the number.
_RIB_CONTEXT = re.compile(
    r"\brib\b|\bbancaires?\b|\bcompte\b|\biban\b|\bbic\b|\bbanques?\b|\bguichet\b"
    r"|\bvirements?\b|\bprelevements?\b"
)
# The letters of an account number stand for digits (A and J for 1, B, K and S for 2...).
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def rib_is_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """The RIB key: ``97 - (89 * bank + 15 * branch + 3 * account) mod 97``, that is the
    23 digits (letters of the account mapped to digits) are a multiple of 97. The key
    runs from 01 to 97: « 00 » would let a body that is itself a multiple of 97 pass
    with two keys. python-stdnum has no RIB module (only the IBAN that holds one)."""
    if not (key.isdigit() and 1 <= int(key) <= 97 and (bank + branch).isdigit()):
        return False
    account = account.upper().translate(_RIB_LETTERS)
    if not account.isdigit():
        return False
    return (89 * int(bank) + 15 * int(branch) + 3 * int(account) + int(key)) % 97 == 0


def _rib_parts(value: str) -> tuple[str, str, str, str] | None:
    """Bank, branch, account and key of 23 letters and digits, when they have a RIB's
    shape. La Banque Postale puts a letter in its account numbers; a word there
    (« 34000 34070 Montpellier 12 ») is no account: at least 8 of its 11 are digits."""
    bank, branch, account, key = value[:5], value[5:10], value[10:21], value[21:]
    if not (bank + branch + key).isdigit() or sum(char.isdigit() for char in account) < 8:
        return None
    return bank, branch, account, key


# After a bank word, the 23 characters cut anyhow (« 3000 4005 5000 0123 4567 840 »,
# copied off an IBAN without its FR76): ten digits, eleven letters or digits, two digits.
_RIB_ANY_CUT_RE = re.compile(
    rf"(?:[0-9]{_RIB_SEP}){{10}}(?:[0-9A-Za-z]{_RIB_SEP}){{11}}[0-9]{_RIB_SEP}[0-9]"
    r"(?![0-9A-Za-z])"
)
_GROUP_START_RE = re.compile(r"(?<![0-9A-Za-z])[0-9]")


def _find_rib(text: str, contexts: _Contexts) -> Iterator[Finding]:
    """A RIB in its own layout (or as one block) with a valid key; in that layout after
    « RIB », « compte bancaire »… also with a wrong key (a mistyped RIB is still the
    person's account, as a NIR after « sécu »); cut anyhow only after such a word, and
    with a valid key."""
    for match in _RIB_RE.finditer(text):
        parts = _rib_parts("".join(match.group("bank", "branch", "account", "key")))
        if parts is None:
            continue
        said = contexts.said_to_be(match.start(), _RIB_CONTEXT)
        if said is False:
            continue  # « facture », « dossier », « SIRET »… nearer the number
        if said or rib_is_valid(*parts):
            yield Finding(FindingKind.RIB, match.start(), match.end(), REFUSE)
    tried: set[int] = set()
    for end in contexts.ends(_RIB_CONTEXT):
        window_end = min(len(text), end + _CONTEXT_WINDOW)
        for first in _GROUP_START_RE.finditer(text, end, window_end):
            start = first.start()
            if start in tried:
                continue
            tried.add(start)
            match = _RIB_ANY_CUT_RE.match(text, start)
            if match is None:
                continue
            parts = _rib_parts("".join(char for char in match.group() if char.isalnum()))
            if parts and rib_is_valid(*parts) and contexts.said_to_be(start, _RIB_CONTEXT):
                yield Finding(FindingKind.RIB, start, match.end(), REFUSE)


# --- identity documents -----------------------------------------------------------------

_ID_GAP = (
    r"(?:\s|[:=#°º.(\-\u2013]|\bn\s?[°º]|\bno\b\.?|\bnum(?:ero)?\b\.?|\bnumber\b"
    r"|\best\b|\bdu\b|\bde\b|\bd'|\bla\b)*"
)
# One word of letters and digits, or digit groups (« 1234 5678 9012 »).
_ID_VALUE = r"(?P<value>[0-9]{2,6}(?:[ \-][0-9]{2,6}){1,3}|[0-9a-z]{2,14})(?![0-9a-z])"
_PASSPORT_RE = re.compile(r"\bpass(?:e)?ports?\b" + _ID_GAP + _ID_VALUE)
_ID_CARD_RE = re.compile(
    r"(?:carte (?:nationale )?d'identite|\bcni\b|titre de sejour|carte de sejour"
    r"|carte de resident|permis de conduire|numero d'etranger|numero etranger|\bagdref\b"
    r"|piece d'identite|\bid card\b)" + _ID_GAP + _ID_VALUE
)


def _id_shaped(value: str) -> bool:
    compact = value.replace(" ", "").replace("-", "")
    digits = sum(char.isdigit() for char in compact)
    return 6 <= len(compact) <= 14 and digits >= 1 and len(set(compact)) > 2


def _find_identity(folded: str) -> Iterator[Finding]:
    for kind, pattern in ((FindingKind.PASSPORT, _PASSPORT_RE), (FindingKind.ID_CARD, _ID_CARD_RE)):
        for match in pattern.finditer(folded):
            if _id_shaped(match["value"]):
                yield Finding(kind, match.start("value"), match.end("value"), REFUSE)


# --- passwords and logins ---------------------------------------------------------------

# « code » with one of these words names a secret, as « mot de passe » does (« code de
# sécurité sociale » is the law's code or a lay name for the NIR, not a secret). Any
# other « code » goes through ``_find_codes``.
_CODE_KEY = (
    r"code(?: secret| confidentiel| pin| d'acces| provisoire| temporaire| d'activation"
    r"| de connexion| de securite(?! sociale)| de verification| a usage unique| otp| sms"
    r"| recu par sms)"
)
_MDP_KEY = r"mots? de passe|mots?-de-passe|\bmdp\b|\bpassword\b|\bpasswd\b|\bpwd\b|\bpin\b"
_LOGIN_KEY = r"\bidentifiants?\b|\blogin\b|nom d'utilisateur|\busername\b|\buser\b"
_QUALIFIER = r"(?:[ \t]+(?!(?:est|c'est)\b)[\w'.\-]+){0,5}?"
_VALUE = r"(?P<value>[«\"“'][^«»\"“”'\n]{1,64}[»\"”']|[^\s«»\"“”]{1,64})"
# After the key: words then a colon (« mot de passe ameli : … »), « est », or nothing.
_AFTER_KEY = (
    rf"(?:(?P<qual>{_QUALIFIER})[ \t]*(?P<sep>:|=|->|→)[ \t]*|[ \t]+(?P<is>est|c'est)[ \t]+|[ \t]+)"
    rf"{_VALUE}"
)
_SECRET_RE = re.compile(rf"(?P<key>{_MDP_KEY}|{_CODE_KEY}){_AFTER_KEY}")
_LOGIN_RE = re.compile(rf"(?P<key>{_LOGIN_KEY}){_AFTER_KEY}")

# Words that follow « mot de passe : » in a sentence about it, not as its value.
_NOT_A_VALUE_WORDS = """
    a à au aux avec ce ceci cela celui celle ces cet cette c'est ca chez comme dans de des
    du elle elles en est et il ils je la le les leur leurs lui ma mais me mes moi mon ne
    n'a n'est ni non nos notre nous on ou où par pas pour qu'il que qui sa sans se ses si
    son sur ta te tes toi ton tu un une vos votre vous y oublie oubliee oublies oubliees
    perdu perdue perdus perdues change changee changer modifie modifiee modifier
    reinitialise reinitialisee reinitialiser reinitialisation bloque bloquee expire expiree
    demande demandee demander envoye envoyee envoyer recu recue recevoir cree creee creer
    refait refaire fait faire note noter retrouve retrouver recupere recuperer saisi saisir
    tape taper retenir garder donner utiliser choisir choisi trouver verifier verifie
    valide validee invalide incorrect incorrecte errone erronee faux fausse bon bonne ok
    aucun aucune inconnu inconnue vide voir nouveau nouvel nouvelle ancien ancienne
    provisoire temporaire jamais rien toujours deja trop faible fort forte robuste
    complique simple long court requis obligatoire necessaire identique meme different
    personnel personnelle secret securise adresse numero email e-mail mail courriel
    telephone nom prenom date celui-ci celle-ci lequel laquelle quoi comment pourquoi quand
    x xx xxx xxxx
    correct correcte juste vieux perime enregistre memorise sauvegarde partage connu
    illisible introuvable facultatif celui-la obligatoirement indispensable demande
"""
_NOT_A_VALUE = frozenset(_NOT_A_VALUE_WORDS.split())
_PUNCT_END = ".,;:)]}»\"”'"
# CamelCase names of services, not passwords typed after « mdp ».
_SERVICE_NAMES_WORDS = """
    franceconnect linkedin whatsapp youtube iphone ipad icloud paypal tiktok ebay leboncoin
    moncompteformation monespacesante doctolib facebook gmail hotmail outlook yahoo orange
    sfr free bouygues laposte netflix deezer spotify instagram
    ameli caf impots impot ants cpam msa carsat urssaf cnav agirc arrco pole emploi france
    travail francetravail ameli.fr caf.fr impots.gouv.fr mutuelle banque messagerie boite
    mail compte espace session wifi ordinateur telephone portable tablette
"""
_SERVICE_NAMES = frozenset(_SERVICE_NAMES_WORDS.split())
_DATE_OR_TIME = re.compile(
    r"\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}h(?:\d{2})?|\d{1,2}:\d{2}|\d+(?:[.,]\d+)? ?€"
)


def _clean_value(text: str, start: int, end: int) -> tuple[int, int]:
    """Trims quotes and the sentence's punctuation off a value's span."""
    while end > start and text[end - 1] in _PUNCT_END:
        end -= 1
    while start < end and text[start] in "«\"“'([{":
        start += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _looks_secret(value: str) -> bool:
    """A value typed as it is, not a word of the sentence: digits, symbols, capitals
    inside a word that is neither an acronym nor a service's name."""
    if any(char.isdigit() for char in value):
        return True
    if any(not char.isalnum() and char not in "'-." for char in value):
        return True
    inner = value[1:]
    mixed = any(c.isupper() for c in inner) and any(c.islower() for c in inner)
    return mixed and fold(value) not in _SERVICE_NAMES


# Two consonants a French word (or a borrowed one) may begin with.
_ONSET_PAIRS = """
    bl br ch cl cr dr fl fr gl gn gr kl kr ph pl pn pr ps pt rh sc sk sl sm sn sp sq st sv
    sw th tr ts tw vl vr wr
"""
_ONSETS = frozenset(_ONSET_PAIRS.split())


def _initial_and_name(value: str) -> bool:
    """An initial glued to a name, the commonest user name (« jdupont », « fmartin »):
    6 letters or more, lower case, starting with two consonants no French word starts
    with. A plain word after « identifiant » is otherwise a word of the sentence
    (« identifiant fiscal », « identifiant unique », « identifiant provisoire ») and is
    let through: « adupont » or « spetit » cannot be told from such a word."""
    word = fold(value)
    if len(word) < 6 or not (word.isascii() and word.isalpha()) or not value[1:].islower():
        return False
    if word[0] in "aeiou" or word[1] in "aeiouyh" or word[:2] in _ONSETS:
        return False
    return word not in _SERVICE_NAMES and word not in _NOT_A_VALUE


def _login_shaped(value: str) -> bool:
    """A user name: letters with digits, or a dot, underscore or at sign joining words."""
    has_letter = any(char.isalpha() for char in value)
    has_digit = any(char.isdigit() for char in value)
    return has_letter and (has_digit or any(char in "._@" for char in value.strip(".")))


def _masked(value: str) -> bool:
    return set(value) <= set("*•xX.#_-?!")


def _ends_clause(text: str, end: int) -> bool:
    """Whether a value stands alone: the text or the clause ends after it, or « et »,
    « ou » join another item (« mdp : soleil et identifiant : … »)."""
    rest = text[end:].lstrip(" \t")
    if not rest or rest[0] in "\n.,;!?()/|":
        return True
    return fold(rest[:4]).startswith(("et ", "ou "))


def _value_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The cleaned span of a candidate value, or None when it cannot be a secret."""
    start, end = _clean_value(text, start, end)
    value = text[start:end]
    if len(value) < 3 or _masked(value) or _DATE_OR_TIME.fullmatch(fold(value)):
        return None
    return start, end


def _plain_word_alone(text: str, folded: str, start: int, end: int) -> bool:
    """A plain word standing as the value: not a word of the sentence (« oublié »), not
    a service's name, and nothing after it in the clause."""
    word = folded[start:end]
    return (
        word not in _NOT_A_VALUE
        and word.rstrip("s") not in _NOT_A_VALUE
        and word not in _SERVICE_NAMES
        and _ends_clause(text, end)
    )


_TOKEN_RE = re.compile(r"\S+")
_QUALIFIER_WORD = re.compile(r"[\w'.\-]+")
_STRONG_LOGIN_KEYS = ("login", "username", "user", "nom d'utilisateur")


def _bare_value(
    text: str, folded: str, start: int, *, kind: FindingKind, strong_key: bool
) -> tuple[int, int] | None:
    """After a key and no colon: the value, possibly after one or two words naming the
    service (« mdp impots Soleil2024 », « identifiant France Travail 1234567A »)."""
    for position, token in enumerate(_TOKEN_RE.finditer(text, start)):
        if position > 2:
            return None
        span = _value_span(text, token.start(), token.end())
        if span is not None:
            value = text[span[0] : span[1]]
            if kind == FindingKind.PASSWORD and _looks_secret(value):
                return span
            if kind == FindingKind.LOGIN and (_login_shaped(value) or _initial_and_name(value)):
                return span
            first_plain = position == 0 and value.islower() and value.isalpha()
            if (
                kind == FindingKind.LOGIN
                and strong_key
                and first_plain
                and _plain_word_alone(text, folded, *span)
            ):
                return span  # « login fmartin »
        word = folded[token.start() : token.end()]
        if (
            not _QUALIFIER_WORD.fullmatch(word)
            or word in _NOT_A_VALUE
            or (token.end() < len(text) and text[token.end()] in "\n")
        ):
            return None  # a word of the sentence, or the end of the line: no value
        if _NOT_A_LOGIN_QUALIFIER.fullmatch(word):
            return None  # « identifiant RNA W343… », as « identifiant RNA : W343… »
    return None


def _find_secrets(text: str, folded: str) -> Iterator[Finding]:
    for kind, pattern in ((FindingKind.PASSWORD, _SECRET_RE), (FindingKind.LOGIN, _LOGIN_RE)):
        for match in pattern.finditer(folded):
            qualifier = match["qual"] or ""
            if qualifier and _NOT_A_LOGIN_QUALIFIER.search(qualifier):
                continue  # « identifiant RNA : W343… », « identifiant de la fiche : … »
            if qualifier and match["key"].startswith("code") and _PLACE_CODE.search(qualifier):
                continue  # « code d'accès au bâtiment : 1942 »: a door, not an account
            if match["sep"] is None and match["is"] is None:
                strong = match["key"] in _STRONG_LOGIN_KEYS
                span = _bare_value(text, folded, match.start("value"), kind=kind, strong_key=strong)
            else:  # « mdp : … », « son mot de passe est … »
                span = _value_span(text, match.start("value"), match.end("value"))
                quoted = text[match.start("value")] in "«\"“'"
                if span is not None and not quoted and not _looks_secret(text[span[0] : span[1]]):
                    # « mot de passe : soleil », but not « mot de passe : oublié » nor
                    # « mot de passe : rappeler la CAF »
                    span = span if _plain_word_alone(text, folded, *span) else None
            if span is not None:
                yield Finding(kind, span[0], span[1], REFUSE)


# --- « code »: a secret only when it is someone's ---------------------------------------

# A desk note says « code » for many things that are no secret: laws, postcodes,
# classifications, products, promotions, barcodes, a building's door. After « code »,
# these words name such a code, whatever follows (« code postal de sa commune : 34700 »).
_NAMED_CODE = re.compile(
    r"[ \t]*(?:"
    r"postal|postaux|postale|insee|commune|departement|region|pays|iso|ape|naf|nace|siret"
    r"|siren|rome|rncp|cpf|formation|diplome|cim|ccam|cerfa|articles?|produits?|client"
    r"|adherent|abonne|barres?|qr|couleurs?|promo\w*|de reduction|reduction|remise|cadeau"
    r"|avantage|parrainage|reservation|de reservation|billets?|dossier|de suivi|suivi|colis"
    r"|commande|facture|tarif\w*|erreur|d'erreur|source|html|informatique|de programmation"
    r"|morse|banque|guichet|bic|swift|agence|de la route|route|civil|penal|electoral|rural"
    r"|general|monetaire|du travail|de commerce|du commerce|des impots|de procedure"
    r"|de deontologie|deontolog\w*|de (?:bonne )?conduite|vestimentaire|d'honneur"
    r"|du patrimoine|du sport|du tourisme|de justice"
    r"|des (?:assurances|pensions|relations|transports|douanes|collectivites|communes)"
    r"|de la (?:route|famille|consommation|sante|securite sociale|construction|commande"
    r"|defense|nationalite|mutualite|voirie|propriete|justice|education|recherche)"
    r"|de l'(?:action sociale|aide sociale|urbanisme|environnement|education|entree|energie)"
    r")\b"
)
# A place or a shared device: the door code of a building, a room, the wifi. Staff give
# such codes out; they open no one's account (« code d'accès au bâtiment : 1942 »).
_PLACE_CODE = re.compile(
    r"\b(?:batiments?|immeubles?|residences?|portes?|portails?|entree|hall|interphone"
    r"|digicode|parkings?|garages?|caves?|local|locaux|salles?|mediatheque|bibliotheque"
    r"|accueil|casiers?|ascenseurs?|alarmes?|cadenas|wi-?fi|box)\b"
)
# Words between « code » and a colon that make it someone's secret: a possessive, an
# account, a phone, a bank card, a one-time code (« le code de sa boîte mail c'est … »).
_PERSONAL_CODE = re.compile(
    r"\b(?:sa|son|ses|mon|ma|mes|ton|ta|tes|votre|vos|leur|leurs|e-?mail|mail|courriel"
    r"|messagerie|boite|compte|connexion|appli\w*|telephone|portable|smartphone"
    r"|deverrouillage|carte|cb|bancaire|sms|otp|verification|validation|confirmation"
    r"|activation|ameli|caf|impots?|ants|cpam|msa|carsat|urssaf|laposte|doctolib|gmail"
    r"|hotmail|outlook|yahoo|franceconnect)\b"
    r"|france ?connect|france travail|pole emploi|la poste|usage unique"
)
_NOT_A_SECRET_QUALIFIER = re.compile(
    _NOT_A_LOGIN_QUALIFIER.pattern + r"|\breservation\b|\bbillets?\b"
)
_OWNER_BEFORE = re.compile(r"\b(?:son|sa|mon|ma|ton|ta|votre|leur)[ \t]+$")
_CODE_KEY_RE = re.compile(_CODE_KEY)
_BARE_CODE_RE = re.compile(
    rf"\bcode\b(?![-'])(?:(?P<qual>{_QUALIFIER})(?:[ \t]*(?P<sep>:|=|->|→)[ \t]*"
    rf"|[ \t]+(?P<is>est|c'est)[ \t]+)|[ \t]+){_VALUE}"
)
# A PIN, a one-time code, a CAF secret code: digits alone after « son code ».
_PIN_LENGTHS = frozenset({4, 6, 8})


def _typed_secret(value: str) -> bool:
    """A value after « code » with no colon: nobody writes it as a word or a reference.
    At least 6 characters with lower-case letters, and digits, symbols or capitals inside
    (« chaton.bleu88 », « Soleil2024! »). Capitals and digits only is a product or
    promotion code (« NOEL24 », « 8899B »), digits alone a postcode or a number."""
    return len(value) >= 6 and any(char.islower() for char in value) and _looks_secret(value)


def _bare_code_value(text: str, folded: str, start: int, *, owner: bool) -> tuple[int, int] | None:
    """The value right after « code » without a colon, or after a service's name
    (« code chaton.bleu88 », « code ameli Soleil2024 », « son code 4821 »)."""
    for position, token in enumerate(_TOKEN_RE.finditer(text, start)):
        if position > 1:
            return None
        span = _value_span(text, token.start(), token.end())
        if span is not None:
            value = text[span[0] : span[1]]
            if _typed_secret(value) or (owner and value.isdigit() and len(value) in _PIN_LENGTHS):
                return span
        if folded[token.start() : token.end()] not in _SERVICE_NAMES:
            return None
    return None


def _find_codes(text: str, folded: str) -> Iterator[Finding]:
    """« code » alone: a secret when a colon follows it (« code : 4821 », « mdp/code =
    azerty123 »), when it is someone's (« son code est 4821 », « le code de sa boîte mail
    c'est Marseille13 »), or when what follows could only be typed (« code
    chaton.bleu88 »). Never the codes ``_NAMED_CODE`` names, a place's, or a business
    reference's (« code de suivi du colis : … »)."""
    for match in _BARE_CODE_RE.finditer(folded):
        start = match.start()
        if _CODE_KEY_RE.match(folded, start) or _NAMED_CODE.match(folded, start + 4):
            continue  # « code PIN » is the general rule's; « code postal » no secret
        qualifier = match["qual"] or ""
        if qualifier and (
            _PLACE_CODE.search(qualifier)
            or _NOT_A_SECRET_QUALIFIER.search(qualifier)
            or not _PERSONAL_CODE.search(qualifier)
        ):
            continue  # « code de la porte : … », « code promo : … »
        owner = bool(_OWNER_BEFORE.search(folded[max(0, start - 12) : start]))
        value_start = match.start("value")
        if match["sep"] is None and match["is"] is None:
            span = _bare_code_value(text, folded, value_start, owner=owner)
        else:
            span = _value_span(text, value_start, match.end("value"))
            if span is not None:
                value = text[span[0] : span[1]]
                quoted = text[value_start] in "«\"“'"
                secret = quoted or _looks_secret(value)
                if match["sep"] is not None:
                    # « code : soleil », as « mot de passe : soleil »
                    secret = secret or _plain_word_alone(text, folded, *span)
                elif not (qualifier or owner):
                    secret = _typed_secret(value)  # « le code est 4512 »: a door's, maybe
                span = span if secret else None
        if span is not None:
            yield Finding(FindingKind.PASSWORD, span[0], span[1], REFUSE)


# --- contact ----------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w\-])"
)
_PHONE_TRIES = 300
_MAYBE_PHONE = re.compile(r"(?:\d\D{0,3}){6}")


def _find_email(text: str) -> Iterator[Finding]:
    for match in _EMAIL_RE.finditer(text):
        yield Finding(FindingKind.EMAIL, match.start(), match.end(), REFUSE)


def _find_phone(text: str) -> Iterator[Finding]:
    if not _MAYBE_PHONE.search(text):
        return
    # A bounded number of tries: a field of digits costs milliseconds, not seconds.
    for start, end in phones.spans_in_text(text, max_tries=_PHONE_TRIES):
        yield Finding(FindingKind.PHONE, start, end, REFUSE)


# --- health (warning) -------------------------------------------------------------------

# Diagnoses and treatments about a person. Left out on purpose: the procedure words
# (Ameli, CPAM, carte Vitale, mutuelle, arrêt maladie, assurance maladie, MDPH, AAH,
# RQTH, handicap, invalidité, ALD, déclaration de grossesse) and what the desk asks
# for accessibility (fauteuil, malvoyant, sourd…).
_HEALTH_WORDS = (
    r"cancers?|cancereu(?:x|se|ses)|tumeurs?|leucemies?|lymphomes?|metastases?"
    r"|chimio(?:therapies?)?|radiotherapies?|diabetes?|diabetiques?|insuline|vih|sida"
    r"|seropositi(?:f|ve|fs|ves)|hepatites?|tuberculose|alzheimer|parkinson"
    r"|sclerose en plaques|epilepsies?|epileptiques?|schizophren\w*|bipolaires?"
    r"|depressions?|depressi(?:f|ve|fs|ves)|burn[- ]?out|psychiatri\w*|antidepresseurs?"
    r"|anxiolytiques?|neuroleptiques?|methadone|tritherapies?|dialyses?|dialyse(?:e|s|es)?"
    r"|avc|infarctus|cirrhose|alcooliques?|alcoolisme|toxicomanes?|toxicomanie"
    r"|addictions?|anorexie|boulimie|ivg|avortement|fausse[- ]couche"
    r"|hospitalise(?:e|s|es)?|insuffisance (?:cardiaque|renale)|mucoviscidose|myopathie"
)
_HEALTH_RE = re.compile(
    rf"\b(?:{_HEALTH_WORDS})\b"
    r"|\b(?:est|suis|etait|etant|tombee|femmes?) enceintes?\b"
    r"|\benceintes? de \d+ (?:mois|semaines)\b"
)
# Names of associations and campaigns that carry a health word without being about
# anyone's health.
_HEALTH_NAMES = re.compile(
    r"ligue (?:nationale )?contre le cancer|federation francaise des diabetiques"
    r"|journee mondiale|mois sans tabac|octobre rose|institut du cancer|france alzheimer"
    r"|france parkinson|sida info service|aides sida|semaine d'information sur la sante mentale"
)


def _find_health(folded: str) -> Iterator[Finding]:
    names = [(m.start(), m.end()) for m in _HEALTH_NAMES.finditer(folded)]
    for match in _HEALTH_RE.finditer(folded):
        if any(start <= match.start() < end for start, end in names):
            continue
        yield Finding(FindingKind.HEALTH, match.start(), match.end(), WARN)


# --- merging ----------------------------------------------------------------------------


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per place: the more specific kind wins an overlap; overlapping
    findings of the same kind become one."""
    # ``kept`` never overlaps itself, so sorted by start it is sorted by end too, and
    # the findings a new one overlaps are a slice found by bisection.
    kept: list[Finding] = []
    starts: list[int] = []
    ends: list[int] = []
    for finding in sorted(findings, key=lambda f: (_RANK[FindingKind(f.kind)], f.start, -f.end)):
        first = bisect.bisect_right(ends, finding.start)
        last = bisect.bisect_left(starts, finding.end)
        overlapping = kept[first:last]
        if overlapping and any(k.kind != finding.kind for k in overlapping):
            continue  # a more specific kind holds the place
        if overlapping:
            finding = Finding(
                finding.kind,
                min(finding.start, overlapping[0].start),
                max(finding.end, overlapping[-1].end),
                finding.severity,
            )
        kept[first:last] = [finding]
        starts[first:last] = [finding.start]
        ends[first:last] = [finding.end]
    return kept


# --- the service ------------------------------------------------------------------------

MAX_SCANNED_CHARS = 100_000


def scan(text: str, *, allow_contact: bool = False) -> list[Finding]:
    """The sensitive data found in ``text``, in order of position.

    ``allow_contact`` lets e-mail addresses and phone numbers through: for a field whose
    purpose is a contact, or a partner's public phone in a directory description.
    Texts longer than ``MAX_SCANNED_CHARS`` are scanned in their first part only: no
    form field of the application is that long.
    """
    if not text:
        return []
    text = text[:MAX_SCANNED_CHARS]
    folded = fold(text)
    findings: list[Finding] = []
    if any(char.isdigit() for char in text):
        contexts = _Contexts(folded)
        candidates = _candidates(
            _digit_runs(text),
            _NUMBER_LENGTHS,
            any_layout=lambda start: (
                contexts.near(start, _NIR_CONTEXT) or contexts.near(start, _CARD_CONTEXT)
            ),
        )
        findings += _find_nir(candidates, contexts)
        findings += _find_fiscal(candidates, contexts)
        findings += _find_card(candidates, contexts)
        findings += _find_iban(text)
        findings += _find_rib(text, contexts)
        findings += _find_identity(folded)
    findings += _find_secrets(text, folded)
    findings += _find_codes(text, folded)
    if not allow_contact:
        findings += _find_email(text)
        # The identifiers already found are blanked out: their digits are no phone
        # number, and the phone matcher has less to read.
        blanked = list(text)
        for finding in findings:
            blanked[finding.start : finding.end] = " " * (finding.end - finding.start)
        findings += _find_phone("".join(blanked))
    findings += _find_health(folded)
    return _merge(findings)


def refusals(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == REFUSE]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == WARN]
