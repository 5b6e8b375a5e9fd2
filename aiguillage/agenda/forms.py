"""Forms of the staff agenda pages: thin, the rules live in the services.

The permanence form offers the recurrence presets the desk uses (every week, every
other week, the n-th weekday of the month, every working day) and a raw RFC 5545
rule for experts; it turns them into the rule the model stores.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.db import models
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aiguillage.agenda import staff_selectors
from aiguillage.agenda.models import Permanence, PermanenceKind, Workshop
from aiguillage.agenda.recurrence import (
    WEEKDAYS,
    InvalidRule,
    Window,
    every_weekday_in_range,
    monthly_nth_weekday,
    validate_rule,
    weekly,
)
from aiguillage.agenda.visitor_form import VisitorForm
from aiguillage.catalog.models import Need
from aiguillage.core.formfields import ModelMultipleChoiceField
from aiguillage.core.models import Network
from aiguillage.core.validators import single_line
from aiguillage.privacy.validators import CONTACT_ALLOWED, GUARDED, Guard, SensitiveDataFormMixin

WEEKDAY_NAMES = (
    _("lundi"),
    _("mardi"),
    _("mercredi"),
    _("jeudi"),
    _("vendredi"),
    _("samedi"),
    _("dimanche"),
)
NTH_NAMES = {1: _("1er"), 2: _("2e"), 3: _("3e"), 4: _("4e"), -1: _("dernier")}
WORKING_DAYS = "MO,TU,WE,TH,FR"
DATE_WIDGET = {"type": "date"}
TIME_WIDGET = {"type": "time"}


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Chaque semaine")
    BIWEEKLY = "biweekly", _("Une semaine sur deux")
    MONTHLY = "monthly", _("Un jour donné du mois (par exemple le 2e mercredi)")
    WORKING_DAYS = "working_days", _("Tous les jours ouvrés, du lundi au vendredi")
    CUSTOM = "custom", _("Règle RFC 5545 (pour les expert·es)")


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip().removeprefix("RRULE:")
    return dict(part.split("=", 1) for part in text.split(";") if "=" in part)


def preset_of(rule: str) -> tuple[str, int | None, int | None]:
    """(preset, weekday, nth) of a stored rule; a rule no preset writes is CUSTOM."""
    parts = _parts(rule)
    keys, freq = set(parts), parts.get("FREQ")
    interval, byday = parts.get("INTERVAL", "1"), parts.get("BYDAY", "")
    if freq == "WEEKLY" and keys <= {"FREQ", "INTERVAL", "BYDAY"}:
        if byday in WEEKDAYS and interval in ("1", "2"):
            preset = Recurrence.WEEKLY if interval == "1" else Recurrence.BIWEEKLY
            return preset, WEEKDAYS.index(byday), None
        if byday == WORKING_DAYS and interval == "1":
            return Recurrence.WORKING_DAYS, None, None
    match = re.fullmatch(r"(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)", byday)
    if freq == "MONTHLY" and keys == {"FREQ", "BYDAY"} and match:
        return Recurrence.MONTHLY, WEEKDAYS.index(match[2]), int(match[1])
    return Recurrence.CUSTOM, None, None


def describe_rule(rule: str) -> str:
    """The rule in plain French: « chaque mardi », « le 2e mercredi du mois »…"""
    preset, weekday, nth = preset_of(rule)
    if preset == Recurrence.WEEKLY:
        return _t("chaque %(day)s") % {"day": WEEKDAY_NAMES[weekday]}
    if preset == Recurrence.BIWEEKLY:
        return _t("un %(day)s sur deux") % {"day": WEEKDAY_NAMES[weekday]}
    if preset == Recurrence.MONTHLY:
        return _t("le %(nth)s %(day)s du mois") % {
            "nth": NTH_NAMES[nth],
            "day": WEEKDAY_NAMES[weekday],
        }
    if preset == Recurrence.WORKING_DAYS:
        return _t("du lundi au vendredi")
    return _t("règle %(rule)s") % {"rule": rule}


class NeedChoices(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Need) -> str:
        return obj.name


class NamedChoice(forms.ModelChoiceField):
    """A choice labelled by a name, never by a model's __str__ (which may say more)."""

    def __init__(self, *args, label_of, **kwargs) -> None:
        self._label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return self._label_of(obj)


def _needs():
    return Need.objects.active().select_related("theme").order_by("theme__position", "name")


# --- Permanences -----------------------------------------------------------------


class SingleLineFields:
    """Fields that reach a subject, a header or a calendar line, put on one line as
    typed (a title pasted with a line break is mended, not refused)."""

    single_line_fields: tuple[str, ...] = ()

    def _clean_fields(self) -> None:
        present = [name for name in self.single_line_fields if name in self.data]
        if present:
            self.data = self.data.copy()
            for name in present:
                self.data[name] = single_line(self.data[name])
        super()._clean_fields()


class PermanenceForm(SingleLineFields, SensitiveDataFormMixin, forms.ModelForm):
    guarded_fields = {
        "title": GUARDED,
        "partner_agent": Guard(health=False),
        "custom_rule": Guard(health=False),
    }
    single_line_fields = ("title", "partner_agent")

    structure = NamedChoice(
        label=_("Structure partenaire"),
        queryset=None,
        required=False,
        label_of=lambda s: s.name,
        help_text=_("Les structures avec qui le réseau a un partenariat (actif ou à contacter)."),
    )
    staff = NamedChoice(
        label=_("Membre de l'équipe"),
        queryset=None,
        required=False,
        label_of=lambda m: m.user.full_name,
    )
    recurrence = forms.ChoiceField(
        label=_("Revient"),
        choices=Recurrence.choices,
        initial=Recurrence.WEEKLY,
        widget=forms.RadioSelect,
    )
    weekday = forms.TypedChoiceField(
        label=_("Jour de la semaine"),
        choices=[("", "—"), *enumerate(WEEKDAY_NAMES)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Pour chaque semaine, une semaine sur deux, ou un jour du mois."),
    )
    nth = forms.TypedChoiceField(
        label=_("Rang dans le mois"),
        choices=[("", "—"), *NTH_NAMES.items()],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Pour un jour du mois : 1er, 2e, 3e, 4e ou dernier."),
    )
    custom_rule = forms.CharField(
        label=_("Règle RFC 5545"),
        max_length=300,
        required=False,
        help_text=_(
            "Par exemple FREQ=MONTHLY;BYDAY=1TU,3TU (sans dates : elles se règlent plus bas)."
        ),
    )
    needs = NeedChoices(label=_("Démarches traitées"), queryset=None, required=False)

    class Meta:
        model = Permanence
        fields = [
            "title", "site", "kind", "structure", "partner_agent", "staff",
            "starts_on", "ends_on", "start_time", "end_time",
            "outside_opening_hours", "on_public_holidays",
            "slot_minutes", "seats_per_slot", "bookable_by", "booking_cutoff_hours", "needs",
        ]  # fmt: skip
        widgets = {
            "kind": forms.RadioSelect,
            "bookable_by": forms.RadioSelect,
            "starts_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
            "end_time": forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
        }
        help_texts = {
            "slot_minutes": _("Vide : sans rendez-vous, accueil libre."),
            "ends_on": _("Vide : sans fin prévue."),
        }

    def __init__(self, *args, network: Network, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        instance.network = network
        self.fields["site"].queryset = staff_selectors.sites_queryset(network)
        self.fields["site"].empty_label = None
        self.fields["structure"].queryset = staff_selectors.partner_structures(
            network, keep=instance.structure_id
        )
        self.fields["staff"].queryset = staff_selectors.staff_members(
            network, keep=instance.staff_id
        )
        self.fields["needs"].queryset = _needs()
        self.fields["kind"].choices = PermanenceKind.choices
        if instance.pk and instance.rrule:
            preset, weekday, nth = preset_of(instance.rrule)
            self.initial.update(
                recurrence=preset,
                weekday=weekday,
                nth=nth,
                custom_rule=instance.rrule if preset == Recurrence.CUSTOM else "",
            )

    def _rule(self, data) -> str | None:
        preset, weekday, nth = data.get("recurrence"), data.get("weekday"), data.get("nth")
        if preset == Recurrence.CUSTOM:
            rule = (data.get("custom_rule") or "").strip().removeprefix("RRULE:")
            if not rule:
                self.add_error("custom_rule", _("Écrivez la règle, ou choisissez un modèle."))
                return None
            return rule
        if preset == Recurrence.WORKING_DAYS:
            return every_weekday_in_range()
        if weekday is None:
            self.add_error("weekday", _("Choisissez le jour de la semaine."))
            return None
        if preset == Recurrence.MONTHLY:
            if nth is None:
                self.add_error("nth", _("Choisissez le rang dans le mois (1er, 2e…)."))
                return None
            return monthly_nth_weekday(weekday, nth)
        return weekly(weekday, interval=2 if preset == Recurrence.BIWEEKLY else 1)

    def clean(self):
        data = super().clean()
        rule = self._rule(data) if data.get("recurrence") else None
        if rule is not None:
            try:
                validate_rule(rule)
            except InvalidRule as error:
                field = "custom_rule" if data["recurrence"] == Recurrence.CUSTOM else "recurrence"
                self.add_error(field, str(error))
            else:
                self.instance.rrule = rule
        kind = data.get("kind")
        ignored = {PermanenceKind.PARTNER: "staff", PermanenceKind.STAFF: "structure"}.get(kind)
        if ignored:  # the other kind's choice does not count, even a stale one
            self._errors.pop(ignored, None)
        if kind == PermanenceKind.PARTNER:
            data["staff"] = None
            if not data.get("structure"):
                self.add_error("structure", _("Choisissez la structure partenaire."))
        elif kind == PermanenceKind.STAFF:
            data["structure"], data["partner_agent"] = None, ""
            if not data.get("staff"):
                self.add_error("staff", _("Choisissez le membre de l'équipe."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La date de fin précède la date de début."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("L'heure de fin doit suivre l'heure de début."))
        if data.get("seats_per_slot") == 0:
            self.add_error("seats_per_slot", _("Il faut au moins une place par créneau."))
        minutes = data.get("slot_minutes")
        if minutes is not None:
            if minutes < 5:
                self.add_error("slot_minutes", _("Un créneau dure au moins 5 minutes."))
            elif start and end and end > start and _minutes_between(start, end) < minutes:
                self.add_error(
                    "slot_minutes", _("Un créneau ne peut pas durer plus que la permanence.")
                )
        return data


def _minutes_between(start: datetime.time, end: datetime.time) -> int:
    day = datetime.date(2000, 1, 1)
    delta = datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
    return int(delta.total_seconds() // 60)


class CancelOccurrenceForm(SensitiveDataFormMixin, forms.Form):
    # Sent to the people who had an appointment: the library's phone may be in it.
    guarded_fields = {"reason": CONTACT_ALLOWED}

    reason = forms.CharField(
        label=_("Motif"),
        max_length=200,
        help_text=_("Il est écrit dans le message envoyé aux personnes qui avaient rendez-vous."),
    )


# --- Booking at the desk -------------------------------------------------------------


class DeskBookingForm(VisitorForm):
    """The visitor's contact, and optionally the démarche among the permanence's."""

    need = NamedChoice(
        label=_("Démarche (facultatif)"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("— sans précision —"),
        label_of=lambda n: n.name,
    )

    def __init__(self, *args, needs, **kwargs) -> None:
        kwargs.setdefault("contact_required", False)  # at the desk, a first name is enough
        super().__init__(*args, **kwargs)
        needs = list(needs)
        if needs:
            self.fields["need"].queryset = Need.objects.filter(pk__in=[n.pk for n in needs])
        else:
            del self.fields["need"]


# --- Workshops -------------------------------------------------------------------


class WorkshopForm(SingleLineFields, SensitiveDataFormMixin, forms.ModelForm):
    # A public description: the library's phone or e-mail for questions may be in it.
    guarded_fields = {
        "title": GUARDED,
        "description": CONTACT_ALLOWED,
        "what_to_bring": CONTACT_ALLOWED,
    }
    single_line_fields = ("title", "what_to_bring")

    animator = NamedChoice(
        label=_("Animateur·rice"),
        queryset=None,
        required=False,
        empty_label=_("— à préciser —"),
        label_of=lambda u: u.full_name or u.email,
    )
    needs = NeedChoices(label=_("Ce qu'on y apprend"), queryset=None, required=False)

    class Meta:
        model = Workshop
        fields = [
            "title", "description", "what_to_bring", "level", "site", "animator", "capacity",
            "waitlist_capacity", "desk_registration", "public_registration", "status", "needs",
            "outside_opening_hours", "on_public_holidays",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, network: Network, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.network = network
        self.fields["site"].queryset = staff_selectors.sites_queryset(network)
        self.fields["site"].empty_label = None
        self.fields["animator"].queryset = staff_selectors.network_users(
            network, keep=self.instance.animator_id
        )
        self.fields["needs"].queryset = _needs()

    def clean(self):
        data = super().clean()
        if data.get("capacity") == 0:
            self.add_error("capacity", _("Il faut au moins une place."))
        if data.get("desk_registration") is False and data.get("public_registration") is False:
            self.add_error(
                "desk_registration",
                _("Ouvrez les inscriptions à l'accueil, en ligne, ou les deux."),
            )
        return data


class SessionForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=_("Début"), required=False, widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Fin"), required=False, widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M")
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day is None and start is None and end is None:
            return data  # an empty row: no session
        for name, value, message in (
            ("day", day, _("Donnez la date de la séance.")),
            ("start", start, _("Donnez l'heure de début.")),
            ("end", end, _("Donnez l'heure de fin.")),
        ):
            if value is None:
                self.add_error(name, message)
        if start and end and end <= start:
            self.add_error("end", _("La séance doit finir après son début."))
        return data

    def window(self) -> Window | None:
        data = getattr(self, "cleaned_data", {})
        if not data or data.get("day") is None:
            return None
        day = data["day"]
        return Window(
            datetime.datetime.combine(day, data["start"], tzinfo=timezone.get_current_timezone()),
            datetime.datetime.combine(day, data["end"], tzinfo=timezone.get_current_timezone()),
        )


class BaseSessionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.windows():
            raise forms.ValidationError(_("Donnez au moins une séance (date, début et fin)."))

    def windows(self) -> list[Window]:
        return [w for form in self.forms if (w := form.window()) is not None]


def session_formset(*, extra: int):
    return formset_factory(SessionForm, formset=BaseSessionFormSet, extra=extra, max_num=30)


def session_initial(workshop: Workshop) -> list[dict]:
    return [
        {
            "day": session.starts_at.astimezone(timezone.get_current_timezone()).date(),
            "start": session.starts_at.astimezone(timezone.get_current_timezone()).time(),
            "end": session.ends_at.astimezone(timezone.get_current_timezone()).time(),
        }
        for session in workshop.sessions.all()
    ]


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Présent·es"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(r.pk), r.first_name) for r in registrations]

    def present_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["present"]}


# --- Exceptional closures --------------------------------------------------------------


class ClosureForm(SingleLineFields, SensitiveDataFormMixin, forms.Form):
    """A site (or the whole network) closed from one date to another, with a reason
    the public and the people whose booking is cancelled read."""

    guarded_fields = {"reason": CONTACT_ALLOWED}
    single_line_fields = ("reason",)

    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=None,
        required=False,
        empty_label=_("Tout le réseau"),
    )
    starts_on = forms.DateField(
        label=_("Du"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Au (inclus)"),
        required=False,
        help_text=_("Vide : ce jour-là seulement."),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=120,
        required=False,
        help_text=_("Par exemple « inventaire » : dit au public et dans les messages."),
    )

    def __init__(self, *args, network: Network, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["site"].queryset = staff_selectors.sites_queryset(network)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on is None:
            return data
        if ends_on is None:
            data["ends_on"] = ends_on = starts_on
        if ends_on < starts_on:
            self.add_error("ends_on", _("La fin de la fermeture est avant son début."))
        elif ends_on < self.today:
            self.add_error("ends_on", _("Cette période est passée."))
        elif (ends_on - starts_on).days > 366:
            self.add_error("ends_on", _("Une fermeture exceptionnelle dure un an au plus."))
        return data
