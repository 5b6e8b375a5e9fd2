"""URLs of the network's rights pages (mounted under /r/<network>/donnees/)."""

urlpatterns: list = []
