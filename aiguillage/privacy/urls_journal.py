"""URLs of the network's journal pages (mounted under /r/<network>/donnees/)."""

from django.urls import path

from aiguillage.privacy.views import journal

urlpatterns: list = [
    path("journal/", journal.journal_page, name="journal"),
    path("journal/verifier/", journal.journal_verify, name="journal_verify"),
    path("journal/export.csv", journal.journal_export, name="journal_export"),
]
