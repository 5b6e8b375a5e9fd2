"""URLs of the network's retention pages (mounted under /r/<network>/donnees/)."""

from django.urls import path

from aiguillage.privacy.views.retention import retention_settings

urlpatterns: list = [
    path("conservation/", retention_settings, name="retention"),
]
