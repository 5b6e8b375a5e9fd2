"""Public privacy pages of a network, under /p/<network>/confidentialite/.

The notice anyone may read, and "Mes données" reached from a manage link: the link's
token is in the path, as on the manage page; never an e-mail or a phone.
"""

from django.urls import path

from aiguillage.privacy.views.notice import notice
from aiguillage.privacy.views.visitor import my_data, my_data_erase, my_data_export

app_name = "privacy_public"

urlpatterns: list = [
    path("", notice, name="notice"),
    path("mes-donnees/<str:token>/", my_data, name="my_data"),
    path("mes-donnees/<str:token>/donnees.json", my_data_export, name="my_data_export"),
    path("mes-donnees/<str:token>/effacer/", my_data_erase, name="my_data_erase"),
]
