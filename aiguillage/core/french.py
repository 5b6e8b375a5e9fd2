"""Place names, site names, dates and times written the way French is written.

One helper for every page, message and slip (issue 14, section 5), because the rules
are grammar, not vocabulary: "de + le Caylar" must become "du Caylar", and no
translation catalogue can say that. So the preposition goes *into* the helper's
result, and a sentence keeps none before a place::

    _("%(need)s, %(near)s") % {"need": need.name, "near": near_place(commune.name)}
    {% blocktranslate with near=commune|near_place %}{{ need }}, {{ near }}{% endblocktranslate %}

Decisions (docs/french.md tells the same to whoever writes a template):

- **Capitals.** The Imprimerie nationale (*Lexique des règles typographiques*) writes
  the article of a place name with a capital, as the name's own ("Le Caylar",
  "La Salvetat-sur-Agout", "L'Hospitalet-du-Larzac"); when the article merges with
  "à" or "de" the contraction is written in lower case ("au Vigan", "du Caylar",
  "aux Matelles"); when it does not merge, it keeps its capital ("à La Salvetat",
  "de La Salvetat", "de L'Hospitalet"). So "de La Salvetat", not "de la Salvetat".
  The INSEE's Code officiel géographique gives the same links (its *charnière*,
  keyed by the name's TNCC): Le → du, La → de La, Les → des, L' → de L',
  Aux → des, Las/Los → de Las/de Los, and de/d' for a name without article.
- **Elision.** "d'" before a vowel (accented or not, Œ included): "d'Aniane",
  "d'Œuilly". Before an h, the files we have do not say whether it is mute (the COG's
  TNCC does, but our communes file has no TNCC), and most French place names in h
  have an aspirated h ("de Haguenau", "de Hondschoote", "de Honfleur"): "de" unless the
  name is in the short list ``ELIDED_NAMES`` of places whose h is mute by usage
  ("d'Hérépian", "d'Hyères"). A Y is a vowel before a consonant ("d'Yssingeaux",
  "d'Yvetot", "d'Y") and a consonant before a vowel ("de Yutz", "de Yenne"), with the
  same list for exceptions ("d'Yerres"). When unsure, "de" is never wrong enough to
  mislead anyone.
- **Site names.** A library or partner name starting with a known common noun
  (``SITE_NOUNS``) gets that noun's article, and the noun goes to lower case, as in
  running text: "à la médiathèque Émile-Zola", "au point lecture", "à l'espace France
  services de Lodève". An acronym or an institution (``SITE_INSTITUTIONS``) keeps its
  capitals ("au CCAS de Lodève", "à la CAF", "à l'Assurance Maladie"). A name with
  its own article contracts like a place ("au Kiosque", "à La Fabrique"). Anything
  else is taken as a proper name, written as it is, without article: "à France
  services Lodévois et Larzac", "de France Travail". That is how French treats names
  of bodies and brands, so the fallback stays grammatical; a network whose sites
  begin with another common noun gets it added to the list (one line and a test),
  never a per-site guess.
- **Dates and times.** "1er avril", "2 avril", the year only when it is not the year of
  ``today`` ("1er avril 2027"), the weekday in lower case ("mercredi 1er avril": a
  template puts ``capfirst`` at the start of a sentence). Times as a French desk
  writes them: "9 h", "9 h 30", "17 h", "9 h 05". Plain spaces, not non-breaking ones:
  the same strings go to SMS, where a non-breaking space is outside the GSM alphabet
  and halves the length of a message (UCS-2); a page that must not break a time
  wraps it in ``white-space: nowrap``.
- **English** (active language ``en``: the slip and pages for people who do not read
  French). Names stay exactly as the signs and maps show them, with the separated
  article put back ("near Le Caylar", "at Le Vigan", "at Médiathèque Émile-Zola");
  dates as British English writes them, day before month, no ordinal ("1 April",
  "Wednesday 1 April 2027"); times on the 24-hour clock ("8:30", "17:00"), which is
  what the person will read on the door and on every French timetable, and which does
  not depend on knowing "am" and "pm". Month and weekday names come from Django's own
  translations (``django.utils.dates``), so they follow the active language. Any
  other active language gets the French forms (the project speaks French and English).

This module imports nothing of the other apps: it is the bottom layer, the templates
reach it through ``{% load french %}`` (``aiguillage/core/templatetags/french.py``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language

__all__ = [
    "ELIDED_NAMES",
    "SITE_INSTITUTIONS",
    "SITE_NOUNS",
    "at_place",
    "at_site",
    "day_month",
    "elides",
    "hour_minute",
    "near_place",
    "near_site",
    "of_place",
    "of_site",
    "place_name",
    "the_site",
    "weekday_day_month",
]

TYPOGRAPHIC_APOSTROPHE = "\u2019"  # files write both it and the ASCII one
VOWELS = frozenset("aeiouyœæ")

# Places whose first word begins with a mute h (or an elided Y before a vowel): "d'…".
# Usage, not a rule: keep it short, add a name only with a source (the town's own
# "ville d'…" on its website, the COG's TNCC 1). Compared on the name's first word
# (before a hyphen or a space), case and accents as written in the COG.
ELIDED_NAMES = frozenset(
    {
        "harfleur",  # Seine-Maritime, "siège d'Harfleur"
        "hendaye",
        "hennebont",
        "herblay",  # Herblay-sur-Seine
        "hérépian",  # Hérault, our territory
        "héricourt",
        "hérouville",  # Hérouville-Saint-Clair
        "hénin",  # Hénin-Beaumont
        "hirson",
        "hyères",
        "yerres",  # a Y before a vowel, still elided by usage ("ville d'Yerres")
    }
)


class _Article(Enum):
    """How the article in front of a name merges with "à" and "de"."""

    NONE = "none"  # "à Lodève", "de Lodève" / "d'Aniane"
    LE = "le"  # "au", "du": contracted, lower case
    LA = "la"  # "à La", "de La": not contracted, the article as written
    ELIDED = "l'"  # "à L'", "de L'": not contracted, the article as written
    LES = "les"  # "aux", "des": contracted, lower case (also "Aux" of the COG)


# The site nouns: lower case in running text, with their article. Masculine nouns
# beginning with a vowel or a mute h take "l'", like feminine ones.
SITE_NOUNS: dict[str, _Article] = {
    "agence": _Article.ELIDED,
    "antenne": _Article.ELIDED,
    "bibliothèque": _Article.LA,
    "bureau": _Article.LE,
    "centre": _Article.LE,
    "espace": _Article.ELIDED,
    "hôtel": _Article.ELIDED,  # "hôtel de ville", "hôtel du département"
    "maison": _Article.LA,
    "mairie": _Article.LA,
    "médiathèque": _Article.LA,
    "permanence": _Article.LA,
    "point": _Article.LE,
    "pôle": _Article.LE,
    "préfecture": _Article.LA,
    "relais": _Article.LE,
    "salle": _Article.LA,
    "sous-préfecture": _Article.LA,
    "tiers-lieu": _Article.LE,
}

# Heads of a site name kept as written, with their article: acronyms ("CCAS", "Caf") and
# institutions whose proper name takes an article ("l'Assurance Maladie").
SITE_INSTITUTIONS: dict[str, _Article] = {
    "assurance": _Article.ELIDED,  # l'Assurance Maladie, l'Assurance retraite
    "caf": _Article.LA,  # caisse d'allocations familiales
    "ccas": _Article.LE,  # centre communal d'action sociale
    "cias": _Article.LE,  # centre intercommunal d'action sociale
    "cpam": _Article.LA,  # caisse primaire d'assurance maladie
    "epn": _Article.ELIDED,  # espace public numérique
    "msa": _Article.LA,  # Mutualité sociale agricole
}

_LEADING_ARTICLE = re.compile(
    rf"^(?P<article>(?:le|la|les|aux)\s+|l['{TYPOGRAPHIC_APOSTROPHE}]\s*)(?P<body>\S.*)$", re.I
)
_TRAILING_ARTICLE = re.compile(
    rf"^(?P<body>\S.*?)\s*\(\s*(?P<article>le|la|les|aux|l['{TYPOGRAPHIC_APOSTROPHE}])\s*\)$",
    re.I,
)
_ARTICLE_KINDS = {
    "le": _Article.LE,
    "la": _Article.LA,
    "les": _Article.LES,
    "aux": _Article.LES,
    "l'": _Article.ELIDED,
    f"l{TYPOGRAPHIC_APOSTROPHE}": _Article.ELIDED,
}


@dataclass(frozen=True)
class _Name:
    """A name cut in three: how its article behaves, the article as written, the rest."""

    kind: _Article
    article: str  # "Le", "La", "L'", "les", "" (as written, or ours in lower case)
    body: str  # "Caylar", "médiathèque Émile-Zola", "Lodève"

    @property
    def whole(self) -> str:
        """The name with its article, as it is shown on its own ("Le Caylar")."""
        if self.kind is _Article.NONE:
            return self.body
        if self.kind is _Article.ELIDED:
            return f"{self.article}{self.body}"
        return f"{self.article} {self.body}"


def _english() -> bool:
    """Whether the English forms are wanted (any other language gets French)."""
    language = get_language() or settings.LANGUAGE_CODE
    return language.split("-")[0].lower() == "en"


def _clean(name: str) -> str:
    """Spaces tidied, accents composed (NFC): "é" typed as "e" + accent is still "é"."""
    return unicodedata.normalize("NFC", " ".join(str(name).split()))


def _split_article(name: str) -> _Name:
    """The article written in front ("Le Caylar") or after, between brackets, as some
    files sort names ("Caylar (Le)"), recognised in any case and with either apostrophe."""
    name = _clean(name)
    match = _TRAILING_ARTICLE.match(name)
    if match:
        article = match["article"]
        body = match["body"]
    else:
        match = _LEADING_ARTICLE.match(name)
        if not match:
            return _Name(_Article.NONE, "", name)
        article = match["article"].strip()
        body = match["body"]
    kind = _ARTICLE_KINDS[article.lower()]
    return _Name(kind, article, body)


def place_name(name: str) -> str:
    """The place's name as it is shown on its own, the article in front: "Caylar (Le)"
    becomes "Le Caylar". Spaces are tidied; nothing else changes."""
    return _split_article(name).whole


def _first_word(text: str) -> str:
    return re.split(rf"[\s\-'{TYPOGRAPHIC_APOSTROPHE}]", text, maxsplit=1)[0]


def _base_letter(char: str) -> str:
    """The letter without its accent, in lower case ("É" → "e", "Œ" → "œ")."""
    return unicodedata.normalize("NFD", char.lower())[:1]


def elides(word: str) -> bool:
    """Whether "de" becomes "d'" before ``word`` (see the module's note on h and Y)."""
    word = word.strip()
    if not word:
        return False
    first = _base_letter(word[0])
    if _first_word(word).lower() in ELIDED_NAMES:
        return True
    if first == "y":
        following = _base_letter(word[1]) if len(word) > 1 else ""
        return following not in VOWELS  # "Yssingeaux", "Y", but "Yutz"
    return first in VOWELS


def _with_de(name: _Name) -> str:
    match name.kind:
        case _Article.LE:
            return f"du {name.body}"
        case _Article.LES:
            return f"des {name.body}"
        case _Article.LA:
            return f"de {name.article} {name.body}"
        case _Article.ELIDED:
            return f"de {name.article}{name.body}"
    return f"d'{name.body}" if elides(name.body) else f"de {name.body}"


def _with_a(name: _Name) -> str:
    match name.kind:
        case _Article.LE:
            return f"au {name.body}"
        case _Article.LES:
            return f"aux {name.body}"
        case _Article.LA:
            return f"à {name.article} {name.body}"
        case _Article.ELIDED:
            return f"à {name.article}{name.body}"
    return f"à {name.body}"


# --- Places: communes and other place names -------------------------------------------


def of_place(name: str) -> str:
    """ "de" and the place, merged: "du Caylar", "de La Salvetat-sur-Agout", "des
    Matelles", "de L'Hospitalet-du-Larzac", "de Lodève", "d'Aniane"; English "of Le
    Caylar". For "la médiathèque du Caylar", "à 2 km de Lodève"."""
    place = _split_article(name)
    if not place.body:
        return ""
    if _english():
        return f"of {place.whole}"
    return _with_de(place)


def at_place(name: str) -> str:
    """ "à" and the place, merged: "au Vigan", "à La Salvetat-sur-Agout", "aux
    Matelles", "à L'Hospitalet-du-Larzac", "à Lodève"; English "at Le Vigan"."""
    place = _split_article(name)
    if not place.body:
        return ""
    if _english():
        return f"at {place.whole}"
    return _with_a(place)


def near_place(name: str) -> str:
    """ "près de" and the place, merged: "près du Caylar", "près de Lodève", "près
    d'Aniane"; English "near Le Caylar"."""
    place = _split_article(name)
    if not place.body:
        return ""
    if _english():
        return f"near {place.whole}"
    return f"près {_with_de(place)}"


# --- Sites: libraries, France services, partners ---------------------------------------


def _site(name: str) -> _Name:
    """The site's name cut as a place is, its article added when it begins with a known
    common noun or acronym (the noun in lower case), or none (a proper name)."""
    own = _split_article(name)
    if own.kind is not _Article.NONE or not own.body:
        return own
    text = own.body
    head, _, rest = text.partition(" ")
    key = head.lower()
    if key in SITE_INSTITUTIONS:
        kind = SITE_INSTITUTIONS[key]
        return _Name(kind, _article_word(kind), text)
    kind = SITE_NOUNS.get(key)
    if kind is None and key[-1:] in ("s", "x") and key[:-1] in SITE_NOUNS:
        kind = _Article.LES  # "Médiathèques du Lodévois" → "aux médiathèques…"
    if kind is None:
        return own
    lowered = head[:1].lower() + head[1:]
    return _Name(kind, _article_word(kind), f"{lowered} {rest}" if rest else lowered)


def _article_word(kind: _Article) -> str:
    """Our own article, in lower case: it is not part of the site's name."""
    return {_Article.LE: "le", _Article.LA: "la", _Article.ELIDED: "l'", _Article.LES: "les"}[kind]


def the_site(name: str) -> str:
    """The site with its article, for the prepositions that do not merge ("vers",
    "pour", "chez"): "la médiathèque Émile-Zola", "le CCAS de Lodève", "l'espace France
    services", "Le Kiosque", "France Travail"; English: the name as written."""
    if _english():
        return _clean(name)
    return _site(name).whole


def of_site(name: str) -> str:
    """ "de" and the site: "de la médiathèque Émile-Zola", "du point lecture", "de
    l'espace France services", "du CCAS de Lodève", "du Kiosque", "de France Travail";
    English "of Médiathèque Émile-Zola" (the name as on the sign)."""
    site = _site(name)
    if not site.body:
        return ""
    if _english():
        return f"of {_clean(name)}"
    return _with_de(site)


def at_site(name: str) -> str:
    """ "à" and the site: "à la médiathèque Émile-Zola", "au point lecture", "à l'espace
    France services de Lodève", "au CCAS de Lodève", "au Kiosque", "à France services
    Lodévois et Larzac"; English "at Médiathèque Émile-Zola"."""
    site = _site(name)
    if not site.body:
        return ""
    if _english():
        return f"at {_clean(name)}"
    return _with_a(site)


def near_site(name: str) -> str:
    """ "près de" and the site: "près de la médiathèque Émile-Zola", "près du CCAS";
    English "near Médiathèque Émile-Zola"."""
    site = _site(name)
    if not site.body:
        return ""
    if _english():
        return f"near {_clean(name)}"
    return f"près {_with_de(site)}"


# --- Dates and times --------------------------------------------------------------------


def _local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def day_month(
    value: datetime.date | datetime.datetime,
    today: datetime.date | datetime.datetime | None = None,
    *,
    weekday: bool = False,
) -> str:
    """ "1er avril", "2 avril", "1er avril 2027" when ``value`` is not in the year of
    ``today`` (by default the local date of ``django.utils.timezone``, so a page never
    reads the machine's clock), "mercredi 1er avril" with ``weekday``. English:
    "1 April", "Wednesday 1 April 2027". An aware datetime is read in local time."""
    day = _local_date(value)
    reference = _local_date(today) if today is not None else timezone.localdate()
    month = str(MONTHS[day.month])
    number = "1er" if day.day == 1 and not _english() else str(day.day)  # "1 April"
    text = f"{number} {month}"
    if day.year != reference.year:
        text = f"{text} {day.year}"
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    return text


def weekday_day_month(
    value: datetime.date | datetime.datetime,
    today: datetime.date | datetime.datetime | None = None,
) -> str:
    """ "mercredi 1er avril" ("mercredi 1er avril 2026" in another year); English
    "Wednesday 1 April"."""
    return day_month(value, today, weekday=True)


def hour_minute(value: datetime.time | datetime.datetime) -> str:
    """ "9 h", "9 h 30", "9 h 05", "17 h", as a French desk writes the time ("ouvert
    demain à 8 h 30"); English "9:00", "9:30", "17:00" (24-hour clock, see the module's
    note). An aware datetime is read in local time; seconds are dropped."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.time()
    if _english():
        return f"{value.hour}:{value.minute:02d}"
    if value.minute == 0:
        return f"{value.hour} h"
    return f"{value.hour} h {value.minute:02d}"
