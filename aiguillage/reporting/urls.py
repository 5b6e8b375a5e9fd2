from django.urls import path

from aiguillage.reporting import views

app_name = "reporting"

# Mounted beside the directory's pages (r/<network>/annuaire/): the paths did not change
# when the pages moved here.
urlpatterns = [
    path("couverture/", views.coverage_page, name="coverage"),
    path("partenaires/trouver/", views.partner_finder, name="partner_finder"),
]
