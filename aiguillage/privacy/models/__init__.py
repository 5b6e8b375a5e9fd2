from aiguillage.privacy.models.journal import JournalAction, JournalEntry, JournalHead
from aiguillage.privacy.models.notices import HabilitationNotice, InactivityNotice
from aiguillage.privacy.models.settings import PrivacySettings

__all__ = [
    "HabilitationNotice",
    "InactivityNotice",
    "JournalAction",
    "JournalEntry",
    "JournalHead",
    "PrivacySettings",
]
