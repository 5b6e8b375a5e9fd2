"""The one-time link sent to a contact (``aiguillage.compliance.proofs``): ``/v/<code>/``,
outside any network's path so that it fits a text message."""

from django.urls import path

from aiguillage.public.views.my_data import proof_open

app_name = "proof"

urlpatterns: list = [
    path("<str:code>/", proof_open, name="open"),
]
