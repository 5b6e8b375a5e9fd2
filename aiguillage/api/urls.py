from django.urls import path

from aiguillage.api.v1 import api

urlpatterns = [path("", api.urls)]
