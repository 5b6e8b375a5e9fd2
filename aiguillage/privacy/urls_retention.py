"""URLs of the network's retention pages (mounted under /r/<network>/donnees/)."""

urlpatterns: list = []
