from django.urls import path

from aiguillage.accounts import workspace_views as views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("r/<slug:network_slug>/", views.network_home, name="network_home"),
    path("r/<slug:network_slug>/sites/<slug:site_slug>/", views.site_detail, name="site_detail"),
]
