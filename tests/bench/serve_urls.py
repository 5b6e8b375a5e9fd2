"""The project's URLs plus one minimal view, for the desk throughput benchmark only.

The minimal view is the floor of a request through this stack (gunicorn, the whole
middleware chain, a session cookie sent and never read, an ``HttpResponse``): the
desk's requests per second are reported as a ratio to it. It is never part of the
project's URLs (see ``serve_settings.py``).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

MINIMAL_PATH = "/bench/minimal/"


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(MINIMAL_PATH.strip("/") + "/", minimal, name="bench_minimal")]
urlpatterns += project_urlpatterns
