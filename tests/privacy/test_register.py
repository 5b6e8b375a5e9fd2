"""The record of processing activities follows the configuration: the network's
retention and who answers, the roles of the permission table, the security settings
the instance runs with; the PDF says the same (read back with pdftotext)."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import Action, roles_for
from aiguillage.compliance.models import PrivacySettings
from aiguillage.compliance.register import build_register, contact_viewers, cookies
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory

pytestmark = pytest.mark.django_db

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
CSP = "csp.middleware.CSPMiddleware"


@pytest.fixture
def network():
    return NetworkFactory(name="Médiathèques du Pic", slug="pic")


def processing(register, slug):
    return next(p for p in register.processings if p.slug == slug)


def measure(register, name):
    return next(m for m in register.security if m.name == name)


def flat(text: str) -> str:
    return " ".join(text.split())


class TestRetentionAndWhoAnswers:
    def test_the_defaults_and_what_is_left_to_complete(self, network):
        register = build_register(network)
        assert register.network_name == "Médiathèques du Pic"
        assert register.controller == "" and register.dpo_name == ""
        assert [p.slug for p in register.processings] == [
            "desk",
            "bookings",
            "staff",
            "journal",
            "directory",
        ]
        bookings = processing(register, "bookings")
        assert "Coordonnées : effacées 30 jours après la date du rendez-vous ou de l'atelier" in (
            bookings.retention
        )
        assert "Réservation annulée : effacée 7 jours après l'annulation" in bookings.retention
        todo = " ".join(register.to_complete)
        assert "responsable du traitement" in todo and "délégué" in todo
        assert "hébergeur" in todo

    def test_values_follow_the_networks_settings(self, network):
        PrivacySettings.objects.create(
            network=network,
            contact_days=12,
            cancelled_days=1,
            journal_days=400,
            inactive_staff_days=90,
            free_text_days=60,
            controller_name="Communauté de communes du Pic",
            dpo_name="Camille Martin",
            dpo_email="dpo@pic.example",
        )
        register = build_register(network)
        assert (register.controller, register.dpo_name, register.dpo_email) == (
            "Communauté de communes du Pic",
            "Camille Martin",
            "dpo@pic.example",
        )
        assert processing(register, "bookings").retention[:2] == (
            "Coordonnées : effacées 12 jours après la date du rendez-vous ou de l'atelier",
            "Réservation annulée : effacée 1 jour après l'annulation",
        )
        assert processing(register, "journal").retention[0].startswith("400 jours")
        assert (
            processing(register, "staff")
            .retention[0]
            .startswith("Compte désactivé après 90 jours sans connexion")
        )
        assert "Notes libres : 60 jours" in processing(register, "desk").retention[1]
        todo = " ".join(register.to_complete)
        assert "responsable du traitement" not in todo and "délégué" not in todo

    def test_the_recipients_are_the_roles_that_see_contacts(self, network):
        register = build_register(network)
        labels = [str(role.label) for role in Role if role in roles_for(Action.CONTACT_VIEW)]
        assert contact_viewers() == labels
        assert processing(register, "bookings").recipients[0] == (
            "L'équipe du réseau : " + ", ".join(labels)
        )

    def test_senders_follow_the_settings(self, network, settings):
        settings.SMS_BACKEND = "aiguillage.agenda.sms.LogBackend"
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "localhost"
        register = build_register(network)
        recipients = processing(register, "bookings").recipients
        assert "aucun SMS n'est envoyé (aucun prestataire choisi)" in recipients
        assert "le serveur d'envoi des e-mails (localhost)" in recipients
        assert not any("SMS" in item or "e-mails" in item for item in register.to_complete)

        settings.SMS_BACKEND = "operator.sms.Backend"
        settings.EMAIL_HOST = "smtp.prestataire.example"
        todo = " ".join(build_register(network).to_complete)
        assert "prestataire des SMS" in todo and "operator.sms.Backend" in todo
        assert "smtp.prestataire.example" in todo


class TestSecurityMeasures:
    def test_passwords(self, network, settings):
        settings.PASSWORD_HASHERS = [ARGON2, MD5]
        found = measure(build_register(network), "Mots de passe")
        assert found.in_place and found.state == "hachés avec Argon2, 12 caractères au moins"
        settings.PASSWORD_HASHERS = [MD5]
        found = measure(build_register(network), "Mots de passe")
        assert not found.in_place and "md5" in found.state

    def test_two_factor(self, network, settings):
        settings.AIGUILLAGE_REQUIRE_2FA = True
        found = measure(build_register(network), "Double authentification")
        assert found.in_place
        assert found.state.startswith("code à usage unique (TOTP) exigé après le mot de passe")
        assert "coordinateur·rice" in found.state
        settings.AIGUILLAGE_REQUIRE_2FA = False
        found = measure(build_register(network), "Double authentification")
        assert not found.in_place and "AIGUILLAGE_REQUIRE_2FA" in found.state

    def test_lockout(self, network, settings):
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 5
        settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
        found = measure(build_register(network), "Blocage après des échecs de connexion")
        assert (found.in_place, found.state) == (
            True,
            "connexion bloquée après 5 échecs, pendant 30 minutes",
        )
        settings.AXES_ENABLED = False
        found = measure(build_register(network), "Blocage après des échecs de connexion")
        assert (found.in_place, found.state) == (False, "non configuré")

    def test_https_and_sessions(self, network, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
        settings.SECURE_HSTS_SECONDS = 31_536_000
        found = measure(build_register(network), "Chiffrement des échanges (HTTPS)")
        assert found.in_place and "HSTS 365 jours" in found.state
        settings.SECURE_HSTS_SECONDS = 0
        assert not measure(build_register(network), "Chiffrement des échanges (HTTPS)").in_place
        settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
        settings.SESSION_COOKIE_AGE = 8 * 3600
        found = measure(build_register(network), "Sessions de l'équipe")
        assert found.state == (
            "déconnexion après 30 minutes sans activité, et au plus tard après 8 heures"
        )

    def test_content_security_policy(self, network, settings):
        settings.MIDDLEWARE = [CSP, *[m for m in settings.MIDDLEWARE if m != CSP]]
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'"]}}
        name = "Politique de sécurité du contenu (CSP)"
        assert measure(build_register(network), name).in_place
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {"script-src": ["'self'", "'unsafe-inline'"]}
        }
        assert not measure(build_register(network), name).in_place
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSP]
        assert measure(build_register(network), name).state == "non configurée"

    def test_public_rate_limit_and_purge(self, network, settings):
        settings.PUBLIC_RATE_LIMIT = 10
        settings.PUBLIC_RATE_LIMIT_WINDOW = 3600
        register = build_register(network)
        found = measure(register, "Limite des envois du portail public")
        assert found.state == "10 envois de formulaire par adresse et par 1 heure"
        purge = measure(register, "Effacement à échéance")
        assert purge.in_place and "purge_expired" in purge.state
        settings.PUBLIC_RATE_LIMIT = 0
        assert not measure(build_register(network), found.name).in_place

    def test_cookies_follow_their_settings(self, settings):
        settings.SESSION_COOKIE_NAME = "aiguillage_session"
        settings.SESSION_COOKIE_AGE = 8 * 3600
        names = {cookie.name: cookie for cookie in cookies()}
        assert {"csrftoken", "django_language", "aiguillage_session"} <= names.keys()
        assert names["aiguillage_session"].lifetime == "8 heures"


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("CI"),
    reason="pdftotext not found (apt-get install poppler-utils)",
)


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


@needs_pdftotext
def test_the_pdf_says_what_the_page_says(client, network):
    PrivacySettings.objects.create(
        network=network, contact_days=12, controller_name="Communauté de communes du Pic"
    )
    client.force_login(MembershipFactory(network=network, coordinator=True).user)
    page = flat(client.get(reverse("compliance:register", args=["pic"])).content.decode())
    response = client.get(reverse("compliance:register_pdf", args=["pic"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="registre-pic-')
    text = flat(pdf_text(response.content))
    register = build_register(network)
    expected = [
        "Registre des activités de traitement",
        "Communauté de communes du Pic",
        "effacées 12 jours après la date",
        *(p.name for p in register.processings),
        "Mesures de sécurité communes",
        *(m.state for m in register.security),
    ]
    for said in expected:
        assert said in text, said
        assert said.replace("'", "&#x27;") in page, said
