"""The staff's data-protection pages of a network, under /r/<network>/donnees/: the
journal, the retention settings, people's requests and the record of processing
activities. The visitors' pages (notice, "Mes données", one-time links) are the public
portal's (aiguillage/public/privacy_urls.py and proof_urls.py)."""

from django.urls import path

from aiguillage.compliance.views import journal
from aiguillage.compliance.views.register import register_page, register_pdf
from aiguillage.compliance.views.retention import retention_settings
from aiguillage.compliance.views.rights import rights_erase, rights_request

app_name = "compliance"

urlpatterns: list = [
    path("journal/", journal.journal_page, name="journal"),
    path("journal/verifier/", journal.journal_verify, name="journal_verify"),
    path("journal/export.csv", journal.journal_export, name="journal_export"),
    path("conservation/", retention_settings, name="retention"),
    path("demandes/", rights_request, name="rights"),
    path("demandes/effacer/", rights_erase, name="rights_erase"),
    path("registre/", register_page, name="register"),
    path("registre/pdf/", register_pdf, name="register_pdf"),
]
