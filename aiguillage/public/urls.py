"""Public pages of a network, under /p/<network_slug>/ (no login)."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
