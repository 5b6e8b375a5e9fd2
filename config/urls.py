from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from aiguillage.public.views.manage import short_link

urlpatterns = [
    path("", include("aiguillage.core.urls")),
    path("", include("aiguillage.accounts.workspace_urls")),
    path("comptes/", include("aiguillage.accounts.urls")),
    path("catalogue/", include("aiguillage.catalog.urls")),
    path("r/<slug:network_slug>/annuaire/", include("aiguillage.directory.urls")),
    path("r/<slug:network_slug>/annuaire/", include("aiguillage.reporting.urls")),
    path("r/<slug:network_slug>/agenda/", include("aiguillage.agenda.urls")),
    path("r/<slug:network_slug>/orientation/", include("aiguillage.orientation.urls")),
    path("r/<slug:network_slug>/donnees/", include("aiguillage.compliance.urls")),
    path("p/<slug:network_slug>/confidentialite/", include("aiguillage.public.privacy_urls")),
    path("p/<slug:network_slug>/", include("aiguillage.public.urls")),
    path("v/", include("aiguillage.public.proof_urls")),  # one-time links, short for SMS
    path("g/<str:code>/", short_link, name="short_manage"),  # a manage link, short for SMS
    path("api/v1/", include("aiguillage.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:  # uploaded logos in development; a web server serves them in production
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database outage is a 503 with Retry-After, never a 500 (aiguillage/core/outage.py).
handler500 = "aiguillage.core.outage.server_error"
