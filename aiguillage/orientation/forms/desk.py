"""The desk's form: the need as typed, the site, and a few situation toggles.

The same form (prefixed ``c``) travels as hidden fields with every action of the
desk (book, register, close), so that the record of the conversation is rebuilt from
what was on screen: none of it identifies the visitor.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import MAX_QUERY_LENGTH
from aiguillage.core.models import Network, Site
from aiguillage.core.selectors import sites_of_network
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import Autonomy, Lack, Situation, Support

CONVERSATION_PREFIX = "c"
# A conversation older than this is not "this" conversation any more: no duration.
MAX_OPEN_SECONDS = 6 * 3600


class DeskForm(forms.Form):
    q = forms.CharField(
        label=_("Quelle démarche ?"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        help_text=_("Quelques mots suffisent : impôts, CAF, carte grise, ameli…"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    need = forms.SlugField(required=False, widget=forms.HiddenInput)
    site = forms.ChoiceField(label=_("Site"))
    autonomy = forms.ChoiceField(
        label=_("Autonomie"),
        choices=[("", _("non précisée")), *Autonomy.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    lacks = forms.MultipleChoiceField(
        label=_("Il manque"),
        choices=Lack.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support = forms.MultipleChoiceField(
        label=_("Accompagnement spécifique"),
        choices=Support.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    french_not_mastered = forms.BooleanField(label=_("Ne maîtrise pas le français"), required=False)
    first_time = forms.BooleanField(label=_("Première fois pour cette démarche"), required=False)
    deadline = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Si la démarche doit être faite avant une date."),
    )
    opened = forms.IntegerField(required=False, widget=forms.HiddenInput)
    modes = forms.MultipleChoiceField(
        choices=Mode.choices, required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(
        self,
        *args,
        network: Network,
        initial_site: Site | None = None,
        sites: dict[str, Site] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # ``sites``: the network's sites already read by the view (one query a request).
        self.sites = sites if sites is not None else desk_sites(network)
        self.fields["site"].choices = [(slug, s.name) for slug, s in self.sites.items()]
        if initial_site is not None:
            self.fields["site"].initial = initial_site.slug

    def clean_opened(self) -> int | None:
        opened = self.cleaned_data.get("opened")
        now = int(timezone.now().timestamp())
        if opened is None or not 0 <= now - opened <= MAX_OPEN_SECONDS:
            return None
        return opened

    @property
    def chosen_site(self) -> Site:
        return self.sites[self.cleaned_data["site"]]

    @property
    def chosen_need(self) -> Need | None:
        slug = self.cleaned_data.get("need")
        if not slug:
            return None
        return Need.objects.for_search().filter(slug=slug).first()

    @property
    def situation(self) -> Situation:
        data = self.cleaned_data
        return Situation(
            autonomy=data.get("autonomy") or "",
            lacks=frozenset(data.get("lacks") or ()),
            support=frozenset(data.get("support") or ()),
            french_not_mastered=bool(data.get("french_not_mastered")),
            deadline=data.get("deadline"),
            first_time=bool(data.get("first_time")),
        )

    @property
    def opened_at(self) -> datetime.datetime | None:
        opened = self.cleaned_data.get("opened")
        if opened is None:
            return None
        return datetime.datetime.fromtimestamp(opened, tz=datetime.UTC)


def desk_sites(network: Network) -> dict[str, Site]:
    """The sites the desk may work from, by slug."""
    return {site.slug: site for site in sites_of_network(network)}


def conversation_form(data, *, network: Network, initial_site: Site | None = None) -> DeskForm:
    """The desk form as carried by an action (hidden fields, prefix ``c``)."""
    return DeskForm(data, network=network, initial_site=initial_site, prefix=CONVERSATION_PREFIX)
