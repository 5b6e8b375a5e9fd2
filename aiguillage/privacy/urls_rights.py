"""URLs of the network's rights pages (mounted under /r/<network>/donnees/): the
requests of the people, and the record of processing activities."""

from django.urls import path

from aiguillage.privacy.views.register import register_page, register_pdf
from aiguillage.privacy.views.rights import rights_erase, rights_request

urlpatterns: list = [
    path("demandes/", rights_request, name="rights"),
    path("demandes/effacer/", rights_erase, name="rights_erase"),
    path("registre/", register_page, name="register"),
    path("registre/pdf/", register_pdf, name="register_pdf"),
]
