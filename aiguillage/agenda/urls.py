"""Staff pages of the agenda, under /r/<network_slug>/agenda/."""

from django.urls import path  # noqa: F401

app_name = "agenda"

urlpatterns: list = []
