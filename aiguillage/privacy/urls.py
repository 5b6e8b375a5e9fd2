"""The privacy pages of a network's staff, under /r/<network>/donnees/.

Each part keeps its own URL module (journal, retention settings, rights requests and
the record of processing activities) so they grow apart.
"""

from aiguillage.privacy.urls_journal import urlpatterns as journal
from aiguillage.privacy.urls_retention import urlpatterns as retention
from aiguillage.privacy.urls_rights import urlpatterns as rights

app_name = "privacy"

urlpatterns = [*journal, *retention, *rights]
