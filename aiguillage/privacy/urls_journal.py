"""URLs of the network's journal pages (mounted under /r/<network>/donnees/)."""

urlpatterns: list = []
