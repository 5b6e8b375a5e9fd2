"""The public privacy notice of a network (/p/<network>/confidentialite/).

Written for the public, in plain words, and built from the same facts as the record
of processing activities (``aiguillage.compliance.register``): the network's retention
durations, who answers (controller and data protection officer), who sees a booking
(the roles of the permission table), which cookies exist, whether text messages are
sent. Nothing personal: it is a public page like the portal's others.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from aiguillage.compliance import register
from aiguillage.compliance.models import PrivacySettings
from aiguillage.public.decorators import public_view
from aiguillage.public.selectors import public_sites_of


@public_view
def notice(request, network) -> HttpResponse:
    kept = PrivacySettings.for_network(network)
    _sender, sends_sms = register.sms_sender()
    context = {
        "network": network,
        "kept": kept,
        "controller": kept.controller_name or network.name,
        "viewers": register.contact_viewers(),
        "cookies": register.cookies(),
        "sends_sms": sends_sms,
        "sites": list(public_sites_of(network)),
    }
    return render(request, "public/privacy/notice.html", context)
