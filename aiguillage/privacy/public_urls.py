"""Public privacy pages of a network, under /p/<network>/confidentialite/."""

app_name = "privacy_public"

urlpatterns: list = []
