from .actions import CaseAction
from .assistance import AssistanceRequest
from .complaints import Complaint
from .criminal import CriminalReferral
from .leads import Approval, Evidence, Lead, LeadParty, TradingProject, Verification
from .referrals import Material, Referral

__all__ = [
    "Approval",
    "AssistanceRequest",
    "CaseAction",
    "Complaint",
    "CriminalReferral",
    "Evidence",
    "Lead",
    "LeadParty",
    "Material",
    "Referral",
    "TradingProject",
    "Verification",
]
