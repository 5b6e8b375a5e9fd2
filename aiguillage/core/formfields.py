"""Form fields every app shares."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The database's integer ids: a 64-bit signed integer (BigAutoField).
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id past 64 bits as an invalid choice.

    Django asks the database for the chosen rows with ``pk IN (...)``, and SQLite cannot
    even bind an integer past 64 bits: a posted ``needs=9223372036854775808`` was a
    server error there (found by tests/fuzz). A single choice is safe (Django answers
    "no such row" for an exact lookup out of range).
    """

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # not a number: Django refuses it as it is
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
