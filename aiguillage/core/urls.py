from django.urls import path

from aiguillage.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("r/<slug:network_slug>/", views.network_home, name="network_home"),
    path("r/<slug:network_slug>/sites/<slug:site_slug>/", views.site_detail, name="site_detail"),
]
