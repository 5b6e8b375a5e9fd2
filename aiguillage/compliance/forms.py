"""The retention settings form: it reads what the coordinator typed, the service judges.

``set_privacy_settings`` holds the bounds and says in plain French what it refuses;
the form parses the fields and puts each refusal next to its field
(``add_service_error``), so that nothing typed is lost.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext

from aiguillage.compliance.models import PrivacySettings
from aiguillage.compliance.models.settings import RETENTION_BOUNDS
from aiguillage.compliance.services import DURATION_FIELDS, RESPONSIBLE_FIELDS
from aiguillage.privacy.validators import Guard, SensitiveDataFormMixin

# Who answers for the data: an organisation, a service or a person's professional name,
# published in the privacy notice; never a note about someone, so no health warning.
PUBLISHED = Guard(allow_contact=False, health=False)


def _label(name: str) -> str:
    return capfirst(PrivacySettings._meta.get_field(name).verbose_name)


def _model_field(name: str) -> forms.Field:
    form_field = PrivacySettings._meta.get_field(name).formfield()
    form_field.label = _label(name)
    return form_field


class RetentionForm(SensitiveDataFormMixin, forms.Form):
    guarded_fields = {
        "controller_name": PUBLISHED,
        "dpo_name": PUBLISHED,
        "dpo_address": PUBLISHED,
    }
    guard_exempt = {
        "dpo_email": "an e-mail field: the DPO's professional address, published by law",
    }
    # Declared here so that the guard (added at init) finds them; the durations are
    # added at init, their help in the reader's language.
    controller_name = _model_field("controller_name")
    dpo_name = _model_field("dpo_name")
    dpo_email = _model_field("dpo_email")
    dpo_address = _model_field("dpo_address")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in DURATION_FIELDS:
            bounds = RETENTION_BOUNDS[name]
            model_field = PrivacySettings._meta.get_field(name)
            # Set here, not at import: the bounds go into the text in the reader's language.
            help_text = gettext(
                "%(help)s Entre %(minimum)s et %(maximum)s jours ; par défaut %(default)s."
            ) % {
                "help": model_field.help_text,
                "minimum": bounds.minimum,
                "maximum": bounds.maximum,
                "default": bounds.default,
            }
            # No browser validation (the form is ``novalidate``): the service's message
            # is clearer, and says the bounds.
            self.fields[name] = forms.IntegerField(
                label=_label(name),
                help_text=help_text,
                widget=forms.NumberInput(
                    attrs={"min": bounds.minimum, "max": bounds.maximum, "inputmode": "numeric"}
                ),
            )

    @classmethod
    def of(cls, settings: PrivacySettings) -> RetentionForm:
        names = (*DURATION_FIELDS, *RESPONSIBLE_FIELDS)
        return cls(initial={name: getattr(settings, name) for name in names})

    @property
    def duration_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DURATION_FIELDS]

    @property
    def responsible_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in RESPONSIBLE_FIELDS]

    def add_service_error(self, error: ValidationError) -> None:
        """Each of the service's messages next to its field (the others on top)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error)
