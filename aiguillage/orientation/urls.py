"""Staff pages of the orientation desk, under /r/<network_slug>/orientation/."""

from django.urls import include, path

app_name = "orientation"

urlpatterns = [
    path("charte/", include("aiguillage.orientation.charter_urls")),
]
