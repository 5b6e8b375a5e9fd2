"""The orientation slip, under /r/<network>/orientation/fiche/ (any member prints it).

No URL parameter besides the network: what to print is in the query, ids only
(``need``, ``kind``, ``id``, ``site``, ``format``, ``booked``).
"""

from django.urls import path

from aiguillage.orientation.views import slip

urlpatterns: list = [
    path("", slip.slip, name="slip"),
    path("pdf/", slip.slip_pdf, name="slip_pdf"),
]
