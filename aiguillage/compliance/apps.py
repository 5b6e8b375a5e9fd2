from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """The GDPR's duties across the domains: retention and its purge, people's rights,
    the record of processing activities, the privacy settings and the notices. Sits
    above the domains it purges and exports; the public pages sit above it."""

    name = "aiguillage.compliance"
    label = "compliance"
    verbose_name = _("Conformité : conservation, droits, registre")
