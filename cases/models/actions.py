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
    DESIGNATED = "designated", _("Competent agency designated by the coordinator")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    COMPLAINT_ACCEPTED = "complaint_accepted", _("Accepted as a lead")
    COMPLAINT_DECLINED = "complaint_declined", _("Complainant told where to complain")
    ASSISTANCE_SENT = "assistance_sent", _("Assistance letter sent")
    ASSISTANCE_RETURNED = "assistance_returned", _("Assistance letter returned with reasons")
    ASSISTANCE_GIVEN = "assistance_given", _("Assistance given, feedback sent")
    CRIMINAL_STARTED = "criminal_started", _("Special team appointed (suspected crime)")
    CRIMINAL_SUBMITTED = "criminal_submitted", _("Written report submitted to the head")
    CRIMINAL_APPROVED = "criminal_approved", _("Transfer to the police approved")
    CRIMINAL_REFUSED = "criminal_refused", _("Transfer not approved, reasons recorded")
    CRIMINAL_TRANSFERRED = "criminal_transferred", _("Transferred to the police")
    CRIMINAL_RECEIVED = "criminal_received", _("Signed for by the police")
    CRIMINAL_CASE_OPENED = "criminal_case_opened", _("Case opened by the police")
    CRIMINAL_DECLINED = "criminal_declined", _("Case not opened, reasons given")
    CRIMINAL_RECONSIDERATION_REQUESTED = "criminal_reconsideration_requested", _("Reconsideration requested")
    CRIMINAL_OVERTURNED = "criminal_overturned", _("Refusal overturned on reconsideration: case opened")
    CRIMINAL_UPHELD = "criminal_upheld", _("Refusal upheld on reconsideration")
    CRIMINAL_SUPERVISION_REQUESTED = "criminal_supervision_requested", _("Procuratorate asked to supervise")
    CRIMINAL_HANDED_OVER = "criminal_handed_over", _("Items and materials handed over")
    CRIMINAL_REFUSAL_ACCEPTED = "criminal_refusal_accepted", _("Refusal accepted, case closed")
