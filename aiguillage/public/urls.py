"""Public pages of a network, under /p/<network_slug>/ (no login)."""

from django.urls import path

from aiguillage.public.views import booking, feeds, manage, orientation, partner, portal

app_name = "public"

urlpatterns = [
    path("", portal.home, name="home"),
    path("ou-aller/", orientation.orientation, name="orientation"),
    path("ou-aller/fiche/", orientation.orientation_slip, name="orientation_slip"),
    path("sites/<slug:site_slug>/", portal.site, name="site"),
    path("sites/<slug:site_slug>/agenda.ics", feeds.site_feed, name="site_feed"),
    path("ateliers/<int:workshop_id>/", booking.workshop, name="workshop"),
    path("permanences/<int:permanence_id>/", booking.permanence, name="permanence"),
    path(
        "permanences/<int:permanence_id>/agenda.ics",
        feeds.permanence_feed,
        name="permanence_feed",
    ),
    path("creneaux/<int:slot_id>/reserver/", booking.book, name="book"),
    path("gerer/<str:token>/", manage.manage, name="manage"),
    path("gerer/<str:token>/annuler/", manage.manage_cancel, name="manage_cancel"),
    path("gerer/<str:token>/changer/", manage.manage_move, name="manage_move"),
    path("gerer/<str:token>/agenda.ics", manage.manage_calendar, name="manage_calendar"),
    path("calendrier/<str:token>.ics", feeds.staff_feed, name="staff_feed"),
    path("partenaire/<str:token>/", partner.partner_day, name="partner_day"),
]
