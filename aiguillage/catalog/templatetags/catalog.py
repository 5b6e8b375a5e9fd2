"""``{{ need.name|catalog }}``: a catalog text in the language of the page."""

from django import template

from aiguillage.catalog.texts import catalog_text

register = template.Library()


@register.filter(name="catalog")
def catalog_filter(value: str) -> str:
    return catalog_text(str(value)) if value else ""
