"""The charter pages, under /r/<network>/orientation/charte/ (coordinators edit).

No URL parameter besides the network: the rule to reset is a POST field, the site of
the examples a GET parameter.
"""

from django.urls import path

from aiguillage.orientation.views import charter

urlpatterns: list = [
    path("", charter.charter_page, name="charter"),
    path("ordre/", charter.charter_settings, name="charter_settings"),
    path("regle/", charter.charter_rule_set, name="charter_rule_set"),
    path("regle/retirer/", charter.charter_rule_reset, name="charter_rule_reset"),
]
