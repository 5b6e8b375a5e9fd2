"""Every free-text field of the application is guarded, or says why it is not.

* The walk: every form class of the ``aiguillage`` package is found (all its modules
  imported); each of its text fields (a ``CharField`` or a ``Textarea``) must be
  guarded (``guarded_fields`` of ``SensitiveDataFormMixin``), or exempt with a reason
  (``guard_exempt`` on the form, a type or widget below, or ``EXEMPT`` below for forms
  that take no free text). A new text field that is neither fails here.
* Each guarded form refuses a NIR in each guarded field, says what was found, and keeps
  what was typed; health words warn once, then a confirmation lets the text through.
* The services that write without a form (bookings through the API, the desk's
  mandate reference) refuse too.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

import aiguillage
from aiguillage.agenda.contact import Visitor, checked_visitor
from aiguillage.agenda.forms import (
    CancelOccurrenceForm,
    ClosureForm,
    DeskBookingForm,
    PermanenceForm,
    WorkshopForm,
)
from aiguillage.agenda.models import Appointment, Workshop
from aiguillage.agenda.services.permanences import materialise
from aiguillage.agenda.visitor_form import VisitorForm
from aiguillage.catalog.models import Need, Theme
from aiguillage.compliance.forms import RetentionForm
from aiguillage.directory.forms import PartnerContactForm, PartnershipForm, StructureForm
from aiguillage.orientation.interactions import record_interaction
from aiguillage.orientation.models import Interaction, Mode, Outcome
from aiguillage.orientation.situation import Situation
from aiguillage.privacy.validators import (
    HEALTH_CONFIRM_LABEL,
    HEALTH_CONFIRM_SUFFIX,
    SensitiveDataFormMixin,
    check_text,
)
from aiguillage.public.forms import BookingForm
from tests.accounts.factories import HabilitationFactory, MembershipFactory
from tests.agenda.factories import PermanenceFactory, in_days
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

NIR = "2 95 10 99 126 111 93"
NIR_MESSAGE = "Ce texte semble contenir un numéro de sécurité sociale"

# Text fields that are no free text, by type or widget.
EXEMPT_TYPES = {
    forms.EmailField: "an e-mail address is its purpose, checked as one",
    forms.URLField: "a web address, checked as one",
    forms.SlugField: "letters, digits and dashes only",
}
EXEMPT_WIDGETS = {
    forms.PasswordInput: "a password typed to be checked against its hash, never stored",
    forms.HiddenInput: "carried from an earlier step, not typed here",
}
# Text fields of forms without the mixin: the form, the field, and why it is not guarded.
EXEMPT = {
    "aiguillage.accounts.forms.EmailAuthenticationForm.password": (
        "the staff member's own password at login, checked against its hash"
    ),
    "aiguillage.accounts.forms.EnrolmentForm.code": "a one-time code, checked and forgotten",
    "aiguillage.accounts.forms.VerificationForm.code": "a one-time code, checked and forgotten",
    "aiguillage.orientation.forms.desk.DeskForm.q": "the words of a search, never stored",
    "aiguillage.directory.forms.DirectorySearchForm.commune": "a search, never stored",
    "aiguillage.public.orientation_forms.SearchForm.demarche": "a search, never stored",
    "aiguillage.public.orientation_forms.SearchForm.lieu": "a search, never stored",
    "aiguillage.public.orientation_forms.ResultsForm.commune": "a search, never stored",
    "aiguillage.compliance.rights_forms.ContactForm.email": (
        "the contact a person gave, to find their bookings: contact is its purpose"
    ),
    "aiguillage.compliance.rights_forms.ContactForm.phone": (
        "the contact a person gave, to find their bookings: contact is its purpose"
    ),
}


def _import_everything() -> None:
    for module in pkgutil.walk_packages(aiguillage.__path__, "aiguillage."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def application_forms() -> list[type[forms.BaseForm]]:
    _import_everything()
    return sorted(
        (c for c in _subclasses(forms.BaseForm) if c.__module__.startswith("aiguillage.")),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def is_text(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) or isinstance(field.widget, forms.Textarea)


def why_unguarded(form_class: type, name: str, field: forms.Field) -> str | None:
    """The reason a text field is not guarded, or None when it is guarded."""
    if issubclass(form_class, SensitiveDataFormMixin) and name in form_class.guarded_fields:
        return None
    for kind, reason in EXEMPT_TYPES.items():
        if isinstance(field, kind):
            return reason
    for kind, reason in EXEMPT_WIDGETS.items():
        if isinstance(field.widget, kind):
            return reason
    for cls in form_class.__mro__:
        if name in getattr(cls, "guard_exempt", {}):
            return cls.guard_exempt[name]
        if f"{cls.__module__}.{cls.__qualname__}.{name}" in EXEMPT:
            return EXEMPT[f"{cls.__module__}.{cls.__qualname__}.{name}"]
    return ""  # neither: the test fails


def test_every_text_field_of_every_form_is_guarded_or_exempt_with_a_reason():
    classes = application_forms()
    assert WorkshopForm in classes and VisitorForm in classes  # the walk finds them
    unguarded = [
        f"{c.__module__}.{c.__qualname__}.{name}"
        for c in classes
        for name, field in c.base_fields.items()
        if is_text(field) and why_unguarded(c, name, field) == ""
    ]
    assert unguarded == [], (
        "Text fields neither guarded nor exempt: add them to the form's guarded_fields "
        "(aiguillage.privacy.validators.SensitiveDataFormMixin) or say why not"
    )


def test_a_guarded_field_is_a_field_of_its_form():
    for form_class in application_forms():
        if issubclass(form_class, SensitiveDataFormMixin):
            stray = set(form_class.guarded_fields) - set(form_class.base_fields)
            assert not stray, f"{form_class.__qualname__}: {stray}"


# --- each guarded form refuses a NIR and keeps the text -------------------------------


def _with_network(form_class):
    return lambda data, network: form_class(data, network=network)


BUILDERS = {
    PermanenceForm: _with_network(PermanenceForm),
    WorkshopForm: _with_network(WorkshopForm),
    CancelOccurrenceForm: lambda data, network: CancelOccurrenceForm(data),
    ClosureForm: lambda data, network: ClosureForm(
        data, network=network, today=datetime.date(2027, 1, 4)
    ),
    VisitorForm: lambda data, network: VisitorForm(data),
    DeskBookingForm: lambda data, network: DeskBookingForm(data, needs=[]),
    BookingForm: lambda data, network: BookingForm(data, needs=[]),
    StructureForm: lambda data, network: StructureForm(data),
    PartnershipForm: lambda data, network: PartnershipForm(data),
    PartnerContactForm: lambda data, network: PartnerContactForm(data),
    RetentionForm: lambda data, network: RetentionForm(data),
}


def guarded_cases():
    return [
        pytest.param(form_class, name, id=f"{form_class.__name__}.{name}")
        for form_class in BUILDERS
        for name in form_class.guarded_fields
    ]


def test_every_guarded_form_is_tested_here():
    guarded = {
        c for c in application_forms() if issubclass(c, SensitiveDataFormMixin) and c.guarded_fields
    }
    assert guarded == set(BUILDERS)


@pytest.mark.parametrize("form_class, name", guarded_cases())
def test_a_nir_is_refused_with_its_reason_and_the_text_is_kept(form_class, name):
    network = NetworkFactory()
    typed = f"Pour {NIR} voir"
    form = BUILDERS[form_class]({name: typed}, network)
    assert not form.is_valid()
    assert form.has_error(name, code="sensitive_nir")
    message = " ".join(form.errors[name])
    assert NIR_MESSAGE in message and "RGPD" in message
    assert NIR not in message and "126" not in message
    assert form[name].value() == typed


@pytest.mark.parametrize("form_class, name", guarded_cases())
def test_a_plain_text_passes_the_guard(form_class, name):
    form = BUILDERS[form_class]({name: "Mardi 14h30"}, NetworkFactory())
    form.is_valid()
    assert not [e for e in form.errors.get(name, []) if "semble contenir" in e]


def test_contact_data_is_refused_where_the_field_must_hold_none():
    form = PartnershipForm({"notes": "Appeler Mme X au 06 12 34 56 78"})
    assert form.has_error("notes", code="sensitive_phone")
    form = VisitorForm({"first_name": "jean@example.org", "email": "jean@example.org"})
    assert form.has_error("first_name", code="sensitive_email")
    assert not form.has_error("email")


def test_contact_data_passes_where_the_field_may_hold_it():
    structure = StructureForm({"description": "Accueil au 04 67 88 86 10, accueil@example.org"})
    structure.is_valid()
    assert "description" not in structure.errors
    cancel = CancelOccurrenceForm(
        {"reason": "Agent absent, rappeler la médiathèque au 04 67 88 86 10"}
    )
    assert cancel.is_valid(), cancel.errors


def test_several_kinds_give_one_message_each_never_the_values():
    form = PartnershipForm({"notes": f"mdp : Soleil2024! et NIR {NIR} et encore {NIR}"})
    codes = [e.code for e in form.errors.as_data()["notes"]]
    assert codes == ["sensitive_password", "sensitive_nir"]  # in the order of the text
    text = " ".join(form.errors["notes"])
    assert "mot de passe ne s'écrit jamais" in text and "Soleil" not in text


# --- health words: a warning, once ---------------------------------------------------------


def test_health_words_warn_then_a_confirmation_lets_the_text_through():
    note = "Atelier reporté : l'intervenant est hospitalisé."
    form = PartnershipForm({"notes": note, "status": "active"})
    assert not form.is_valid()
    assert form.has_error("notes", code="sensitive_health")
    assert "information de santé" in " ".join(form.errors["notes"])
    html = str(form["notes"])
    assert escape(note) in html
    checkbox = f'name="notes-{HEALTH_CONFIRM_SUFFIX}"'
    assert checkbox in html and str(HEALTH_CONFIRM_LABEL) in html
    box_id = re.search(r'<input type="checkbox" [^>]*id="([^"]+)"', html)[1]
    assert f'<label for="{box_id}">' in html

    confirmed = PartnershipForm(
        {"notes": note, "status": "active", f"notes-{HEALTH_CONFIRM_SUFFIX}": "1"}
    )
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.cleaned_data["notes"] == note


def test_a_refusal_is_not_confirmed_away():
    form = PartnershipForm(
        {"notes": f"cancer, NIR {NIR}", "status": "active", f"notes-{HEALTH_CONFIRM_SUFFIX}": "1"}
    )
    assert not form.is_valid()
    assert form.has_error("notes", code="sensitive_nir")


def test_a_prefixed_form_reads_its_own_confirmation():
    visitor = VisitorForm(
        {"v-first_name": "Rose", "v-phone": "06 12 34 56 78", "v-accessibility_needs": "diabète"},
        prefix="v",
    )
    assert visitor.has_error("accessibility_needs", code="sensitive_health")
    confirmed = VisitorForm(
        {
            "v-first_name": "Rose",
            "v-phone": "06 12 34 56 78",
            "v-accessibility_needs": "diabète",
            f"v-accessibility_needs-{HEALTH_CONFIRM_SUFFIX}": "on",
        },
        prefix="v",
    )
    assert confirmed.is_valid(), confirmed.errors


# --- the pages ---------------------------------------------------------------------------


def _workshop_post(site, description, **extra):
    day = in_days(7).isoformat()
    return {
        "title": "Se protéger des arnaques",
        "description": description,
        "level": "beginner",
        "site": site.pk,
        "capacity": "8",
        "waitlist_capacity": "0",
        "desk_registration": "on",
        "status": "published",
        "seances-TOTAL_FORMS": "1",
        "seances-INITIAL_FORMS": "0",
        "seances-MIN_NUM_FORMS": "0",
        "seances-MAX_NUM_FORMS": "30",
        "seances-0-day": day,
        "seances-0-start": "14:00",
        "seances-0-end": "16:00",
        **extra,
    }


def test_the_workshop_page_refuses_a_nir_and_shows_the_text_again(client):
    site = SiteFactory()
    mediator = MembershipFactory(network=site.network, mediator=True)
    client.force_login(mediator.user)
    new = reverse("agenda:workshop_new", kwargs={"network_slug": site.network.slug})
    typed = f"Apportez votre carte Vitale ({NIR})."
    response = client.post(new, _workshop_post(site, typed))
    assert response.status_code == 200
    assert NIR_MESSAGE in response.text
    assert typed in response.text
    assert not Workshop.objects.exists()


def test_the_workshop_page_warns_once_about_health_words(client):
    site = SiteFactory()
    mediator = MembershipFactory(network=site.network, mediator=True)
    client.force_login(mediator.user)
    new = reverse("agenda:workshop_new", kwargs={"network_slug": site.network.slug})
    text = "Pour les personnes diabétiques : suivre ses remboursements sur Ameli."
    response = client.post(new, _workshop_post(site, text))
    assert response.status_code == 200
    assert "information de santé" in response.text
    assert f'name="description-{HEALTH_CONFIRM_SUFFIX}"' in response.text
    assert not Workshop.objects.exists()
    response = client.post(
        new, _workshop_post(site, text, **{f"description-{HEALTH_CONFIRM_SUFFIX}": "1"})
    )
    assert response.status_code == 302
    assert Workshop.objects.get().description == text


# --- services without a form --------------------------------------------------------------


def test_check_text_refuses_with_the_field_named():
    with pytest.raises(ValidationError) as refused:
        check_text(f"n° {NIR}", field="notes")
    assert list(refused.value.message_dict) == ["notes"]
    check_text("Rien de sensible, 14h30, 34700.")
    check_text("Le patient est diabétique")  # health words: services only refuse


def test_the_booking_api_refuses_a_nir_in_a_first_name(client, settings):
    settings.API_WRITE_RATE_LIMIT = 1000
    settings.API_RATE_LIMIT = 0
    settings.PUBLIC_RATE_LIMIT = 1000
    today = timezone.localdate()
    permanence = PermanenceFactory(
        rrule="FREQ=DAILY",
        starts_on=today,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 0),
    )
    materialise(permanence=permanence, today=today, window_days=10)
    later = timezone.now() + datetime.timedelta(days=2)
    slot = permanence.slots.filter(starts_at__gt=later).order_by("starts_at").first()
    body = {"slot": slot.pk, "first_name": NIR, "email": "rose@example.org"}
    response = client.post("/api/v1/appointments", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["first_name"]
    assert NIR_MESSAGE in errors["first_name"][0] and "126" not in errors["first_name"][0]
    assert not Appointment.objects.exists()


def test_bookings_through_the_api_go_through_the_guard():
    """``checked_visitor`` is what the API's booking and registration call."""
    with pytest.raises(ValidationError) as refused:
        checked_visitor(
            Visitor(
                first_name=NIR,
                email="rose@example.org",
                accessibility_needs="iban FR76 3000 6000 0112 3456 7890 189",
                language="mdp : Soleil2024!",
            )
        )
    errors = refused.value.error_dict
    assert {name: [e.code for e in errors[name]] for name in errors} == {
        "first_name": ["sensitive_nir"],
        "accessibility_needs": ["sensitive_iban"],
        "language": ["sensitive_password"],
    }
    ok = checked_visitor(Visitor(first_name="Rose", email="rose@example.org", language="dari"))
    assert ok.first_name == "Rose"


def test_a_nir_is_no_mandate_reference():
    site = SiteFactory()
    mediator = MembershipFactory(network=site.network, mediator=True)
    HabilitationFactory(membership=mediator, themes=[Theme.objects.get(slug="social-sante")])

    def close(reference):
        return record_interaction(
            network=site.network,
            site=site,
            membership=mediator,
            need=Need.objects.get(slug="demander-rsa"),
            situation=Situation(),
            modes_proposed=[Mode.ACT_FOR],
            outcome=Outcome.DONE_FOR,
            mandate_reference=reference,
            closed_at=timezone.now(),
        )

    with pytest.raises(ValidationError, match="numéro de sécurité sociale") as refused:
        close("295109912611193")
    assert refused.value.error_list[0].code == "sensitive_nir"
    with pytest.raises(ValidationError, match="jamais le nom"):
        close("Jean Dupont")  # the format check stays as it was
    assert not Interaction.objects.exists()
    assert close("AC-2024-00042").mandate_reference == "AC-2024-00042"
