from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aiguillage.api"
    label = "api"
    verbose_name = "API"
