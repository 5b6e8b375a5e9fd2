from aiguillage.privacy.models.journal import JournalAction, JournalEntry, JournalHead
from aiguillage.privacy.models.settings import PrivacySettings

__all__ = ["JournalAction", "JournalEntry", "JournalHead", "PrivacySettings"]
