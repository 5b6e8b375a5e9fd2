from aiguillage.privacy.models.journal import JournalAction, JournalEntry, JournalHead
from aiguillage.privacy.models.notices import HabilitationNotice, InactivityNotice
from aiguillage.privacy.models.proofs import ContactProof, ProofChannel
from aiguillage.privacy.models.settings import PrivacySettings

__all__ = [
    "ContactProof",
    "HabilitationNotice",
    "InactivityNotice",
    "JournalAction",
    "JournalEntry",
    "JournalHead",
    "PrivacySettings",
    "ProofChannel",
]
