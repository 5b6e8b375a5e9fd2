"""Staff pages of the orientation desk, under /r/<network_slug>/orientation/."""

from django.urls import include, path

from aiguillage.orientation.views import desk, today

app_name = "orientation"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("clore/", desk.desk_close, name="desk_close"),
    path("creneaux/<int:slot_id>/reserver/", desk.desk_book, name="desk_book"),
    path("ateliers/<int:workshop_id>/inscrire/", desk.desk_register, name="desk_register"),
    path("c-est-fait/", desk.desk_done, name="desk_done"),
    path("aujourdhui/", today.today, name="today"),
    path(
        "aujourdhui/rendez-vous/<int:appointment_id>/",
        today.today_appointment,
        name="today_appointment",
    ),
    path(
        "aujourdhui/seances/<int:session_id>/inscriptions/<int:registration_id>/",
        today.today_session_person,
        name="today_session_person",
    ),
    path(
        "aujourdhui/seances/<int:session_id>/sans-inscription/",
        today.today_session_walk_in,
        name="today_session_walk_in",
    ),
    path(
        "aujourdhui/creneaux/<int:slot_id>/sans-rendez-vous/",
        today.today_slot_walk_in,
        name="today_slot_walk_in",
    ),
    path("charte/", include("aiguillage.orientation.charter_urls")),
    path("fiche/", include("aiguillage.orientation.slip_urls")),
]
