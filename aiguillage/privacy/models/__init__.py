from aiguillage.privacy.models.journal import JournalAction, JournalEntry, JournalHead

__all__ = ["JournalAction", "JournalEntry", "JournalHead"]
