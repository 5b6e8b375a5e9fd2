"""Staff pages of the agenda, under /r/<network_slug>/agenda/."""

from django.urls import path

from aiguillage.agenda.views import bookings, calendar, closures, feed, permanences, workshops

app_name = "agenda"

urlpatterns = [
    path("", calendar.day, name="day"),
    path("semaine/", calendar.week, name="week"),
    path("mois/", calendar.month, name="month"),
    path("mon-calendrier/", feed.my_feed, name="my_feed"),
    path("fermetures/", closures.closures, name="closures"),
    path("permanences/", permanences.permanence_list, name="permanences"),
    path("permanences/nouvelle/", permanences.permanence_new, name="permanence_new"),
    path(
        "permanences/<int:permanence_id>/",
        permanences.permanence_detail,
        name="permanence_detail",
    ),
    path(
        "permanences/<int:permanence_id>/modifier/",
        permanences.permanence_edit,
        name="permanence_edit",
    ),
    path(
        "dates/<int:occurrence_id>/annuler/",
        permanences.occurrence_cancel,
        name="occurrence_cancel",
    ),
    path("creneaux/<int:slot_id>/reserver/", bookings.slot_book, name="slot_book"),
    path(
        "rendez-vous/<int:appointment_id>/",
        bookings.appointment_detail,
        name="appointment_detail",
    ),
    path(
        "rendez-vous/<int:appointment_id>/deplacer/",
        bookings.appointment_move,
        name="appointment_move",
    ),
    path(
        "rendez-vous/<int:appointment_id>/annuler/",
        bookings.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "rendez-vous/<int:appointment_id>/presence/",
        bookings.appointment_attendance,
        name="appointment_attendance",
    ),
    path("ateliers/", workshops.workshop_list, name="workshops"),
    path("ateliers/nouveau/", workshops.workshop_new, name="workshop_new"),
    path("ateliers/<int:workshop_id>/", workshops.workshop_detail, name="workshop_detail"),
    path("ateliers/<int:workshop_id>/modifier/", workshops.workshop_edit, name="workshop_edit"),
    path("ateliers/<int:workshop_id>/copier/", workshops.workshop_copy, name="workshop_copy"),
    path(
        "ateliers/<int:workshop_id>/inscrire/",
        workshops.workshop_register,
        name="workshop_register",
    ),
    path("ateliers/<int:workshop_id>/feuille/", workshops.workshop_sheet, name="workshop_sheet"),
    path(
        "inscriptions/<int:registration_id>/annuler/",
        workshops.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "seances/<int:session_id>/presences/",
        workshops.session_attendance,
        name="session_attendance",
    ),
]
