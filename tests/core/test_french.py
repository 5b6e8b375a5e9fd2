"""Place names, site names, dates and times in correct French (aiguillage/core/french.py).

Every rule has its own examples; the communes file (real names, ``tests/reference_data``)
checks the contractions on every commune whose name has an article, and Hypothesis
checks that the rules hold for names and dates nobody thought of. The clock is never
read: ``today`` is passed, or taken from ``django.utils.timezone`` (frozen by the suite).
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguillage.core.french import (
    at_place,
    at_site,
    day_month,
    elides,
    hour_minute,
    near_place,
    near_site,
    of_place,
    of_site,
    place_name,
    the_site,
    weekday_day_month,
)
from tests.reference_data import COMMUNES_CSV

PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime.date(2027, 1, 13)  # the suite's usual "now"; passed, never read
APOSTROPHE = "\u2019"  # the typographic one, which some files use
PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)

# What each article of a commune's name becomes, written out by hand (not computed the
# way the module computes it): (after "de", after "à", after "près de").
CONTRACTIONS = {
    "Le": ("du {}", "au {}", "près du {}"),
    "La": ("de La {}", "à La {}", "près de La {}"),
    "Les": ("des {}", "aux {}", "près des {}"),
    "L'": ("de L'{}", "à L'{}", "près de L'{}"),
}


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def english():
    return translation.override("en")


# --- Places ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "of", "at", "near"),
    [
        ("Le Caylar", "du Caylar", "au Caylar", "près du Caylar"),
        ("Le Vigan", "du Vigan", "au Vigan", "près du Vigan"),
        (
            "La Salvetat-sur-Agout",
            "de La Salvetat-sur-Agout",
            "à La Salvetat-sur-Agout",
            "près de La Salvetat-sur-Agout",
        ),
        ("Les Matelles", "des Matelles", "aux Matelles", "près des Matelles"),
        (
            "L'Hospitalet-du-Larzac",
            "de L'Hospitalet-du-Larzac",
            "à L'Hospitalet-du-Larzac",
            "près de L'Hospitalet-du-Larzac",
        ),
        ("Lodève", "de Lodève", "à Lodève", "près de Lodève"),
        ("Aniane", "d'Aniane", "à Aniane", "près d'Aniane"),
        ("Saint-Privat", "de Saint-Privat", "à Saint-Privat", "près de Saint-Privat"),
        (
            "Saint-Jean-de-la-Blaquière",
            "de Saint-Jean-de-la-Blaquière",
            "à Saint-Jean-de-la-Blaquière",
            "près de Saint-Jean-de-la-Blaquière",
        ),
        ("Pégairolles-de-l'Escalette", "de Pégairolles-de-l'Escalette", None, None),
    ],
)
def test_a_place_after_a_preposition(name, of, at, near):
    assert of_place(name) == of
    if at is not None:
        assert at_place(name) == at
        assert near_place(name) == near


def test_a_contracted_article_is_lower_case_and_a_kept_one_keeps_its_capital():
    """Imprimerie nationale: "au Havre", "du Mans", but "à La Rochelle"."""
    assert at_place("Le Havre") == "au Havre"
    assert of_place("Le Mans") == "du Mans"
    assert at_place("La Rochelle") == "à La Rochelle"
    assert of_place("L'Haÿ-les-Roses") == "de L'Haÿ-les-Roses"
    assert at_place("Les Andelys") == "aux Andelys"


def test_a_lower_case_article_in_the_data_is_understood_and_kept_where_it_stays():
    assert of_place("le Caylar") == "du Caylar"
    assert of_place("la Salvetat-sur-Agout") == "de la Salvetat-sur-Agout"
    assert at_place("les Matelles") == "aux Matelles"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Caylar (Le)", "Le Caylar"),
        ("Salvetat-sur-Agout (La)", "La Salvetat-sur-Agout"),
        ("Matelles (Les)", "Les Matelles"),
        ("Hospitalet-du-Larzac (L')", "L'Hospitalet-du-Larzac"),
        (f"Hospitalet-du-Larzac (L{APOSTROPHE})", f"L{APOSTROPHE}Hospitalet-du-Larzac"),
        ("Caylar ( le )", "le Caylar"),
        ("Lodève", "Lodève"),
    ],
)
def test_an_article_written_after_the_name_is_put_back_in_front(written, name):
    assert place_name(written) == name
    assert of_place(written) == of_place(name)
    assert at_place(written) == at_place(name)
    assert near_place(written) == near_place(name)


def test_both_apostrophes_are_understood_and_the_one_written_is_kept():
    name = f"L{APOSTROPHE}Hospitalet-du-Larzac"
    assert of_place(name) == f"de {name}"
    assert at_place(name) == f"à {name}"
    assert near_place(f"Pégairolles-de-l{APOSTROPHE}Escalette") == (
        f"près de Pégairolles-de-l{APOSTROPHE}Escalette"
    )


def test_the_article_of_the_official_geographic_code_aux_and_los():
    """COG: Aux (TNCC 6) links with "des"; Las and Los (7, 8) with "de Las", "de Los"."""
    assert of_place("Aux Marais") == "des Marais"
    assert at_place("Aux Marais") == "aux Marais"
    assert of_place("Los Masos") == "de Los Masos"
    assert at_place("Los Masos") == "à Los Masos"


def test_a_name_that_only_starts_like_an_article_is_not_cut():
    assert of_place("Lesparre-Médoc") == "de Lesparre-Médoc"
    assert of_place("Lavalette") == "de Lavalette"
    assert of_place("Lauroux") == "de Lauroux"
    assert of_place("Les") == "de Les"  # an article needs a name after it
    assert at_place("La") == "à La"


def test_spaces_are_tidied_and_nothing_gives_nothing():
    assert at_place("  Le   Vigan ") == "au Vigan"
    assert of_place("") == ""
    assert near_site("   ") == ""


def test_decomposed_accents_are_composed():
    assert of_place("He\u0301re\u0301pian") == "d'Hérépian"


@pytest.mark.parametrize(
    ("name", "of"),
    [
        ("Aniane", "d'Aniane"),
        ("Octon", "d'Octon"),
        ("Usclas-du-Bosc", "d'Usclas-du-Bosc"),
        ("Éourres", "d'Éourres"),
        ("Île-d'Aix", "d'Île-d'Aix"),
        ("Œuilly", "d'Œuilly"),
        # h: aspirated unless the place is known for its mute h.
        ("Hondschoote", "de Hondschoote"),
        ("Haguenau", "de Haguenau"),
        ("Honfleur", "de Honfleur"),
        ("Hures-la-Parade", "de Hures-la-Parade"),
        ("Hérépian", "d'Hérépian"),
        ("Hyères", "d'Hyères"),
        ("Hénin-Beaumont", "d'Hénin-Beaumont"),
        ("Hérouville-Saint-Clair", "d'Hérouville-Saint-Clair"),
        # Y: a vowel before a consonant, a consonant before a vowel.
        ("Yssingeaux", "d'Yssingeaux"),
        ("Yvetot", "d'Yvetot"),
        ("Y", "d'Y"),
        ("Yutz", "de Yutz"),
        ("Yenne", "de Yenne"),
        ("Yerres", "d'Yerres"),
        # Consonants.
        ("Lodève", "de Lodève"),
        ("Soubès", "de Soubès"),
    ],
)
def test_de_or_d_apostrophe(name, of):
    assert of_place(name) == of
    assert near_place(name) == f"près {of}"
    assert at_place(name) == f"à {name}"


def test_elides_is_about_the_first_sound():
    assert elides("aniane") and elides("Écoles") and elides("Œuf")
    assert not elides("hameau") and not elides("Lodève") and not elides("")


def test_english_keeps_the_name_as_signs_show_it():
    with english():
        assert near_place("Le Caylar") == "near Le Caylar"
        assert near_place("Caylar (Le)") == "near Le Caylar"
        assert at_place("Le Vigan") == "at Le Vigan"
        assert at_place("Les Matelles") == "at Les Matelles"
        assert of_place("L'Hospitalet-du-Larzac") == "of L'Hospitalet-du-Larzac"
        assert at_place("Aniane") == "at Aniane"
        assert near_place("Lodève") == "near Lodève"
        assert of_place("") == ""


def test_a_regional_variant_of_english_is_english():
    with translation.override("en-gb"):
        assert at_place("Le Vigan") == "at Le Vigan"


# --- Sites ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "at", "of"),
    [
        (
            "Médiathèque Émile-Zola",
            "à la médiathèque Émile-Zola",
            "de la médiathèque Émile-Zola",
        ),
        ("Bibliothèque du Vigan", "à la bibliothèque du Vigan", "de la bibliothèque du Vigan"),
        (
            "Espace France services de Lodève",
            "à l'espace France services de Lodève",
            "de l'espace France services de Lodève",
        ),
        ("Point lecture", "au point lecture", "du point lecture"),
        ("Centre social du Lodévois", "au centre social du Lodévois", None),
        ("CCAS de Lodève", "au CCAS de Lodève", "du CCAS de Lodève"),
        ("Mairie de Lodève", "à la mairie de Lodève", "de la mairie de Lodève"),
        ("Maison France services", "à la maison France services", None),
        ("Agence postale communale", "à l'agence postale communale", None),
        ("Permanence numérique", "à la permanence numérique", None),
        ("Antenne de Lodève", "à l'antenne de Lodève", None),
        ("Sous-préfecture de Lodève", "à la sous-préfecture de Lodève", None),
        ("Tiers-lieu La Fabrique", "au tiers-lieu La Fabrique", None),
        ("Hôtel de ville", "à l'hôtel de ville", "de l'hôtel de ville"),
        (
            "Centre communal d'action sociale (CCAS) de Lodève",
            "au centre communal d'action sociale (CCAS) de Lodève",
            None,
        ),
        ("médiathèque des Tisserands", "à la médiathèque des Tisserands", None),
        # Plural of a known noun.
        (
            "Médiathèques du Lodévois et Larzac",
            "aux médiathèques du Lodévois et Larzac",
            "des médiathèques du Lodévois et Larzac",
        ),
        # Acronyms and institutions keep their capitals.
        ("CAF de l'Hérault", "à la CAF de l'Hérault", "de la CAF de l'Hérault"),
        ("Caf de l'Hérault", "à la Caf de l'Hérault", None),
        ("EPN de Lodève", "à l'EPN de Lodève", "de l'EPN de Lodève"),
        ("MSA Languedoc", "à la MSA Languedoc", None),
        (
            "Assurance Maladie de l'Hérault",
            "à l'Assurance Maladie de l'Hérault",
            "de l'Assurance Maladie de l'Hérault",
        ),
        # A name with its own article contracts like a place, keeping its capital.
        ("Le Kiosque", "au Kiosque", "du Kiosque"),
        ("La Fabrique", "à La Fabrique", "de La Fabrique"),
        ("L'Atelier", "à L'Atelier", "de L'Atelier"),
        ("Les Halles", "aux Halles", "des Halles"),
        # Anything else: a proper name, as written, without article.
        ("France services Lodévois et Larzac", "à France services Lodévois et Larzac", None),
        ("France Travail Lodève", "à France Travail Lodève", "de France Travail Lodève"),
        ("Emmaüs Connect", "à Emmaüs Connect", "d'Emmaüs Connect"),
        ("Pointe-Courte", "à Pointe-Courte", "de Pointe-Courte"),  # not "point"
    ],
)
def test_a_site_after_a_preposition(name, at, of):
    assert at_site(name) == at
    if of is not None:
        assert of_site(name) == of
        assert near_site(name) == f"près {of}"


@pytest.mark.parametrize(
    ("name", "the"),
    [
        ("Médiathèque Émile-Zola", "la médiathèque Émile-Zola"),
        ("CCAS de Lodève", "le CCAS de Lodève"),
        ("Espace France services", "l'espace France services"),
        ("Médiathèques du Lodévois", "les médiathèques du Lodévois"),
        ("Le Kiosque", "Le Kiosque"),
        ("France Travail", "France Travail"),
        ("", ""),
    ],
)
def test_a_site_with_its_article_for_vers_pour_chez(name, the):
    assert the_site(name) == the
    with english():
        assert the_site(name) == name


def test_a_site_in_english_keeps_its_name_as_on_the_sign():
    with english():
        assert at_site("Médiathèque Émile-Zola") == "at Médiathèque Émile-Zola"
        assert of_site("CCAS de Lodève") == "of CCAS de Lodève"
        assert near_site("Le Kiosque") == "near Le Kiosque"


# --- Dates and times ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2027, 4, 1), "1er avril"),
        (datetime.date(2027, 4, 2), "2 avril"),
        (datetime.date(2027, 1, 13), "13 janvier"),
        (datetime.date(2027, 12, 31), "31 décembre"),
        (datetime.date(2026, 12, 1), "1er décembre 2026"),
        (datetime.date(2028, 2, 29), "29 février 2028"),
    ],
)
def test_day_month(day, text):
    assert day_month(day, today=TODAY) == text


def test_the_weekday_variant():
    assert weekday_day_month(datetime.date(2026, 4, 1), today=datetime.date(2026, 3, 1)) == (
        "mercredi 1er avril"
    )
    assert day_month(datetime.date(2026, 4, 1), TODAY, weekday=True) == "mercredi 1er avril 2026"
    assert weekday_day_month(datetime.date(2027, 1, 18), TODAY) == "lundi 18 janvier"


def test_an_aware_datetime_is_read_in_local_time():
    late_utc = datetime.datetime(2027, 3, 31, 22, 30, tzinfo=datetime.UTC)  # 00:30 in Paris
    assert day_month(late_utc, TODAY) == "1er avril"
    assert hour_minute(late_utc) == "0 h 30"
    assert day_month(datetime.datetime(2027, 4, 1, 9, 0), TODAY) == "1er avril"  # naive


def test_without_today_the_year_is_the_local_date_of_the_frozen_clock():
    year = timezone.localdate().year
    assert day_month(datetime.date(year, 4, 1)) == "1er avril"
    assert day_month(datetime.date(year + 1, 4, 1)) == f"1er avril {year + 1}"
    aware_today = datetime.datetime(2027, 6, 1, 12, tzinfo=PARIS)
    assert day_month(datetime.date(2027, 4, 1), aware_today) == "1er avril"


@pytest.mark.parametrize(
    ("time", "text"),
    [
        (datetime.time(9), "9 h"),
        (datetime.time(9, 30), "9 h 30"),
        (datetime.time(9, 5), "9 h 05"),
        (datetime.time(17), "17 h"),
        (datetime.time(8, 30, 59), "8 h 30"),
        (datetime.time(0, 0), "0 h"),
        (datetime.time(23, 59), "23 h 59"),
    ],
)
def test_hour_minute(time, text):
    assert hour_minute(time) == text


def test_dates_and_times_in_english():
    with english():
        assert day_month(datetime.date(2027, 4, 1), TODAY) == "1 April"
        assert day_month(datetime.date(2026, 4, 1), TODAY) == "1 April 2026"
        assert weekday_day_month(datetime.date(2026, 4, 1), datetime.date(2027, 1, 1)) == (
            "Wednesday 1 April 2026"
        )
        assert weekday_day_month(datetime.date(2027, 4, 1), TODAY) == "Thursday 1 April"
        assert hour_minute(datetime.time(8, 30)) == "8:30"
        assert hour_minute(datetime.time(17)) == "17:00"
        assert hour_minute(datetime.time(9, 5)) == "9:05"


# --- Template filters -----------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template("{% load french %}" + source).render(Context(context))


def test_filters_take_a_name_or_an_object_with_a_name():
    commune = SimpleNamespace(name="Le Caylar", insee_code="34064")
    site = SimpleNamespace(name="Médiathèque Émile-Zola")
    assert render("{{ c|near_place }}", c=commune) == "près du Caylar"
    assert render("{{ c|near_place }}", c="Caylar (Le)") == "près du Caylar"
    assert render("{{ c|place_name }}", c="Caylar (Le)") == "Le Caylar"
    assert render("{{ c|at_place }} · {{ c|of_place }}", c=commune) == "au Caylar · du Caylar"
    assert render("{{ s|at_site }}", s=site) == "à la médiathèque Émile-Zola"
    assert render("{{ s.name|of_site }}", s=site) == "de la médiathèque Émile-Zola"
    assert render("{{ s|near_site }}", s="Le Kiosque") == "près du Kiosque"
    assert render("vers {{ s|the_site }}", s=site) == "vers la médiathèque Émile-Zola"


def test_filters_escape_like_any_variable():
    assert render("{{ c|of_place }}", c="Aniane") == "d&#x27;Aniane"
    assert render("{{ c|of_place }}", c="<b>Lodève</b>") == "de &lt;b&gt;Lodève&lt;/b&gt;"
    assert render("{% autoescape off %}{{ c|of_place }}{% endautoescape %}", c="Aniane") == (
        "d'Aniane"
    )


def test_date_filters():
    day = datetime.date(2027, 4, 1)
    assert render("{{ d|day_month:today }}", d=day, today=TODAY) == "1er avril"
    assert render("{{ d|day_month:today }}", d=day, today=datetime.date(2026, 5, 5)) == (
        "1er avril 2027"
    )
    assert render("{{ d|weekday_day_month:today }}", d=day, today=TODAY) == "jeudi 1er avril"
    moment = datetime.datetime(2027, 4, 1, 6, 30, tzinfo=datetime.UTC)  # 8:30 in Paris
    assert render("{{ m|hour_minute }}", m=moment) == "8 h 30"
    assert render("{{ m|hour_minute }}", m=datetime.time(17)) == "17 h"
    year = timezone.localdate().year
    assert render("{{ d|day_month }}", d=datetime.date(year, 4, 2)) == "2 avril"


def test_filters_of_nothing_give_nothing():
    nothing = "[{{ x|near_place }}{{ x|the_site }}{{ x|day_month }}{{ x|hour_minute }}]"
    assert render(nothing, x=None) == "[]"
    assert render(nothing, x="") == "[]"


def test_filters_follow_the_active_language():
    with english():
        assert render("{{ c|near_place }}", c="Caylar (Le)") == "near Le Caylar"
        assert render("{{ d|day_month:today }}", d=datetime.date(2027, 4, 1), today=TODAY) == (
            "1 April"
        )
        assert render("{{ t|hour_minute }}", t=datetime.time(8, 30)) == "8:30"


# --- The communes file: every name with an article ------------------------------------

needs_communes = pytest.mark.skipif(
    not COMMUNES_CSV.exists(), reason=f"reference data absent: {COMMUNES_CSV}"
)


@pytest.fixture(scope="module")
def communes() -> list[dict[str, str]]:
    """The rows of communes-2024.csv: ``commune`` is the name without its article,
    ``commune_article`` the official name with it ("Caylar", "Le Caylar")."""
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def article_of(official: str) -> str | None:
    """The article an official name starts with, read by hand (not by the module)."""
    for article in ("Le ", "La ", "Les ", "L'"):
        if official.startswith(article):
            return article.strip()
    return None


def without_article(official: str, article: str) -> str:
    return official.removeprefix(article).lstrip()


@needs_communes
def test_every_commune_with_an_article_contracts(communes):
    counts = Counter()
    failures = []
    for row in communes:
        official = row["commune_article"]
        article = article_of(official)
        if article is None:
            continue
        body = without_article(official, article)
        counts[article] += 1
        of, at, near = (form.format(body) for form in CONTRACTIONS[article])
        got = (of_place(official), at_place(official), near_place(official))
        if got != (of, at, near):
            failures.append((official, got))
        separated = f"{body} ({article})"  # as files sorted by name write it
        if (of_place(separated), at_place(separated), place_name(separated)) != (
            of,
            at,
            official,
        ):
            failures.append((separated, of_place(separated)))
        if article == "L'":
            typographic = official.replace("'", APOSTROPHE, 1)
            if of_place(typographic) != f"de {typographic}":
                failures.append((typographic, of_place(typographic)))
    assert failures == []
    # communes-2024.csv: 36,208 rows (communes, delegated communes, arrondissements).
    assert counts == {"La": 1107, "Le": 805, "Les": 353, "L'": 83}
    assert sum(counts.values()) == 2348


@needs_communes
def test_the_file_cuts_the_article_off_but_once(communes):
    """Its ``commune`` column is the name without its article: the same body as ours,
    except one row that kept it. (So importing that column loses every article.)"""
    kept = {
        row["commune_article"]
        for row in communes
        if (article := article_of(row["commune_article"]))
        and without_article(row["commune_article"], article) != row["commune"]
    }
    assert kept == {"Le Vernet-Chaméane"}


@needs_communes
def test_every_commune_without_an_article_takes_a_or_de(communes):
    checked = 0
    for row in communes:
        official = row["commune_article"]
        if article_of(official) is not None or official.startswith("Aux "):
            continue
        checked += 1
        assert at_place(official) == f"à {official}"
        assert of_place(official) in (f"de {official}", f"d'{official}")
        assert near_place(official) == f"près {of_place(official)}"
        if official[0] in "AEIOUÉÈÊÎÔŒ":
            assert of_place(official) == f"d'{official}", official
        if official[0] in "BCDFGJKLMNPQRSTVWXZ":
            assert of_place(official) == f"de {official}", official
    assert checked == 36_208 - 2348 - 1


@needs_communes
def test_the_two_communes_with_another_article(communes):
    """The file has one name with "Aux" and one with "Los" (COG TNCC 6 and 8)."""
    others = {
        row["commune_article"]
        for row in communes
        if row["commune_article"] != row["commune"] and article_of(row["commune_article"]) is None
    }
    assert others == {"Aux Marais", "Los Masos"}
    assert of_place("Aux Marais") == "des Marais"
    assert of_place("Los Masos") == "de Los Masos"


@needs_communes
def test_our_territory_in_the_file(communes):
    names = {row["insee_com"]: row["commune_article"] for row in communes}
    assert near_place(names["34064"]) == "près du Caylar"
    assert at_place(names["30350"]) == "au Vigan"
    assert at_place(names["34154"]) == "à Mauguio"
    assert of_place(names["12115"]) == "de L'Hospitalet-du-Larzac"
    assert of_place(names["34119"]) == "d'Hérépian"
    assert of_place(names["43268"]) == "d'Yssingeaux"
    assert of_place(names["59309"]) == "de Hondschoote"


# --- Properties -----------------------------------------------------------------------

LOWER = "abcdefghijklmnopqrstuvwxyzéèêëàâîïôöûüùç"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈÊÎÔŒ"
bodies = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(UPPER),
    st.text(alphabet=LOWER + "-'\u2019", max_size=25),
).filter(lambda body: not re.match(r"(?i)l['\u2019]", body))


@PROPERTIES
@given(body=bodies, article=st.sampled_from(sorted(CONTRACTIONS)))
def test_any_name_with_an_article_contracts(body, article):
    name = f"{article}{body}" if article == "L'" else f"{article} {body}"
    expected = tuple(form.format(body) for form in CONTRACTIONS[article])
    assert (of_place(name), at_place(name), near_place(name)) == expected
    separated = f"{body} ({article})"
    assert (of_place(separated), at_place(separated), near_place(separated)) == expected
    assert place_name(separated) == name
    with english():
        assert near_place(separated) == f"near {name}"


@PROPERTIES
@given(body=bodies)
def test_any_name_without_an_article_is_kept_whole(body):
    assert at_place(body) == f"à {body}"
    assert of_place(body) == (f"d'{body}" if elides(body) else f"de {body}")
    assert near_place(body) == f"près {of_place(body)}"
    assert at_site(body).endswith(body[1:])  # a known noun only changes its first letter


MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DAY_MONTH = re.compile(
    r"^(?:(?P<weekday>[a-z]+) )?(?P<day>1er|\d{1,2}) (?P<month>\S+)(?: (?P<year>\d{4}))?$"
)


@PROPERTIES
@given(
    day=st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)),
    today=st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)),
    weekday=st.booleans(),
)
def test_any_date_reads_back(day, today, weekday):
    text = day_month(day, today, weekday=weekday)
    match = DAY_MONTH.match(text)
    assert match, text
    assert match["day"] == ("1er" if day.day == 1 else str(day.day))
    assert MONTHS_FR.index(match["month"]) + 1 == day.month
    assert match["year"] == (None if day.year == today.year else str(day.year))
    assert (match["weekday"] is not None) == weekday


@PROPERTIES
@given(time=st.times())
def test_any_time_reads_back(time):
    text = hour_minute(time)
    hours, _, minutes = text.partition(" h")
    assert int(hours) == time.hour
    assert minutes == ("" if time.minute == 0 else f" {time.minute:02d}")
    with english():
        assert hour_minute(time) == f"{time.hour}:{time.minute:02d}"
