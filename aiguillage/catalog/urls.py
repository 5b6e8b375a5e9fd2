from django.urls import path

from aiguillage.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("recherche/", views.search_results, name="search"),
    path("besoins/<slug:slug>/", views.need_detail, name="need_detail"),
]
