from aiguillage.compliance.models.notices import HabilitationNotice, InactivityNotice
from aiguillage.compliance.models.proofs import ContactProof, ProofChannel
from aiguillage.compliance.models.settings import PrivacySettings

__all__ = [
    "ContactProof",
    "HabilitationNotice",
    "InactivityNotice",
    "PrivacySettings",
    "ProofChannel",
]
