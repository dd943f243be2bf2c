from .actions import CaseAction
from .leads import Approval, Evidence, Lead, LeadParty, TradingProject, Verification
from .referrals import Material, Referral

__all__ = [
    "Approval",
    "CaseAction",
    "Evidence",
    "Lead",
    "LeadParty",
    "Material",
    "Referral",
    "TradingProject",
    "Verification",
]
