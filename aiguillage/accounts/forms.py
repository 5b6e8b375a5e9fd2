from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with an e-mail address; the browser may fill it in."""

    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EnrolmentForm(forms.Form):
    """The first code of a new authenticator: it proves the phone holds the secret."""

    code = forms.CharField(
        label=_("Code à 6 chiffres affiché par l'application"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class VerificationForm(forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"),
        help_text=_(
            "Les 6 chiffres affichés par votre application d'authentification, "
            "ou l'un de vos codes de secours."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ConfirmPasswordForm(forms.Form):
    """Asked again before a change that weakens the account's protection."""

    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailPasswordResetForm(PasswordResetForm):
    """The same words as the login form ("Adresse e-mail")."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
