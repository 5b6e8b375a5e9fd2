"""Public privacy pages of a network, under /p/<network>/confidentialite/.

The notice anyone may read; "Mes données" reached from a manage link (its own
booking); and the pages of a contact, opened by a one-time link sent to it
(``/v/<code>/``, in ``proof_urls``). Tokens are in the path, as on the manage page;
never an e-mail or a phone.
"""

from django.urls import path

from aiguillage.public.views.my_data import (
    all_data,
    all_data_erase,
    all_data_export,
    my_data,
    my_data_erase,
    my_data_export,
    my_data_prove,
)
from aiguillage.public.views.privacy_notice import notice

app_name = "privacy_public"

urlpatterns: list = [
    path("", notice, name="notice"),
    path("mes-donnees/tout/<str:grant>/", all_data, name="all_data"),
    path("mes-donnees/tout/<str:grant>/donnees.json", all_data_export, name="all_data_export"),
    path("mes-donnees/tout/<str:grant>/effacer/", all_data_erase, name="all_data_erase"),
    path("mes-donnees/<str:token>/", my_data, name="my_data"),
    path("mes-donnees/<str:token>/donnees.json", my_data_export, name="my_data_export"),
    path("mes-donnees/<str:token>/effacer/", my_data_erase, name="my_data_erase"),
    path("mes-donnees/<str:token>/verifier/", my_data_prove, name="my_data_prove"),
]
