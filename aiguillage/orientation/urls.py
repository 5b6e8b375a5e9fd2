"""Staff pages of the orientation desk, under /r/<network_slug>/orientation/."""

from django.urls import include, path

from aiguillage.orientation.views import desk

app_name = "orientation"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("clore/", desk.desk_close, name="desk_close"),
    path("creneaux/<int:slot_id>/reserver/", desk.desk_book, name="desk_book"),
    path("ateliers/<int:workshop_id>/inscrire/", desk.desk_register, name="desk_register"),
    path("c-est-fait/", desk.desk_done, name="desk_done"),
    path("charte/", include("aiguillage.orientation.charter_urls")),
    path("fiche/", include("aiguillage.orientation.slip_urls")),
]
