"""Place names, site names, dates and times in correct French (and English) from a template.

    {% load french %}
    {{ commune|near_place }}            près du Caylar · near Le Caylar
    {{ site.name|at_site }}             à la médiathèque Émile-Zola
    {{ slot.starts_at|weekday_day_month }}, {{ slot.starts_at|hour_minute }}
                                        mercredi 1er avril, 9 h 30

The rules live in ``aiguillage.core.french`` (docs/french.md); these filters only
unwrap what a template holds. A place or site filter takes a string or any object with
a ``name`` (a Commune, a Site, a Structure: their ``str()`` adds a code or a commune in
brackets, which must not end up after "près de"). A date filter takes a date or a
datetime (read in local time, like Django's ``date``) and, as its argument, the day
that counts as "this year" when a page shows another day than today's
(``{{ day|day_month:today }}``). An empty value gives an empty string, as ``date`` does.
The preposition is in the result: write ``{{ site|at_site }}``, never
``à {{ site|at_site }}``.
"""

from __future__ import annotations

import datetime

from django import template

from aiguillage.core import french

register = template.Library()


def _name(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) and hasattr(value, "name"):
        value = value.name
    return str(value)


@register.filter
def place_name(value) -> str:
    """ "Le Caylar" (also from "Caylar (Le)")."""
    return french.place_name(_name(value))


@register.filter
def of_place(value) -> str:
    """ "du Caylar", "de Lodève", "d'Aniane"; English "of Le Caylar"."""
    return french.of_place(_name(value))


@register.filter
def at_place(value) -> str:
    """ "au Vigan", "aux Matelles", "à L'Hospitalet-du-Larzac"; English "at Le Vigan"."""
    return french.at_place(_name(value))


@register.filter
def near_place(value) -> str:
    """ "près du Caylar", "près de Lodève"; English "near Le Caylar"."""
    return french.near_place(_name(value))


@register.filter
def the_site(value) -> str:
    """ "la médiathèque Émile-Zola", for "vers", "pour", "chez"."""
    return french.the_site(_name(value))


@register.filter
def of_site(value) -> str:
    """ "de la médiathèque Émile-Zola", "du CCAS de Lodève"."""
    return french.of_site(_name(value))


@register.filter
def at_site(value) -> str:
    """ "à la médiathèque Émile-Zola", "au point lecture", "au Kiosque"."""
    return french.at_site(_name(value))


@register.filter
def near_site(value) -> str:
    """ "près de la médiathèque Émile-Zola"."""
    return french.near_site(_name(value))


def _day(value) -> datetime.date | datetime.datetime | None:
    return value if isinstance(value, datetime.date) else None


@register.filter(expects_localtime=True)
def day_month(value, today=None) -> str:
    """ "1er avril", "1er avril 2026" in another year than ``today``'s."""
    if _day(value) is None:
        return ""
    return french.day_month(value, _day(today))


@register.filter(expects_localtime=True)
def weekday_day_month(value, today=None) -> str:
    """ "mercredi 1er avril"."""
    if _day(value) is None:
        return ""
    return french.weekday_day_month(value, _day(today))


@register.filter(expects_localtime=True)
def hour_minute(value) -> str:
    """ "9 h", "9 h 30"; English "9:00", "9:30"."""
    if not isinstance(value, datetime.time | datetime.datetime):
        return ""
    return french.hour_minute(value)
