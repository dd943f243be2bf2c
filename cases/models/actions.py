"""The audit actions of cases, with their labels for the timeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseAction(models.TextChoices):
    """The audit actions of cases (labels for the timeline)."""

    LEAD_FILED = "lead_filed", _("Lead filed")
    LEAD_VERIFIED = "lead_verified", _("Verified")
    LEAD_SUBMITTED = "lead_submitted", _("Report submitted to the head")
    LEAD_APPROVED = "lead_approved", _("Referral approved")
    LEAD_SENT_BACK = "lead_sent_back", _("Sent back for more verification")
    EVIDENCE_DOWNLOADED = "evidence_downloaded", _("Evidence downloaded")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_RECEIVED = "referral_received", _("Signed for")
    REFERRAL_ACCEPTED = "referral_accepted", _("Accepted")
    REFERRAL_ACCEPTANCE_NOTIFIED = "referral_acceptance_notified", _("Acceptance reported")
    REFERRAL_RETURNED = "referral_returned", _("Returned with reasons")
    REFERRAL_FORWARDED = "referral_forwarded", _("Forwarded to the competent organ")
    REFERRAL_CONCLUDED = "referral_concluded", _("Handling concluded")
    REFERRAL_RESULT_NOTIFIED = "referral_result_notified", _("Result reported")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    COMPLAINT_ACCEPTED = "complaint_accepted", _("Accepted as a lead")
    COMPLAINT_DECLINED = "complaint_declined", _("Complainant told where to complain")
    ASSISTANCE_SENT = "assistance_sent", _("Assistance letter sent")
    ASSISTANCE_RETURNED = "assistance_returned", _("Assistance letter returned with reasons")
    ASSISTANCE_GIVEN = "assistance_given", _("Assistance given, feedback sent")
