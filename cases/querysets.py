from django.db import models

from agencies.querysets import agency_scope, in_agency_scope


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Leads of the agencies the user works in or supervises, and leads referred to those agencies."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Referral

        # Correlated EXISTS, not pk IN (…): a million referrals are too many to hash, and the planner then costs
        # the IN as a scan per row (bench/cases.py).
        referred_to_mine = Referral.objects.filter(agency_scope(user, "receiver"), lead=models.OuterRef("pk"))
        return self.filter(agency_scope(user) | models.Exists(referred_to_mine))


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals the user's agencies sent or received, every referral of a lead of theirs (the origin follows its
        lead along a forwarding chain), and those of the regions they supervise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            agency_scope(user, "sender") | agency_scope(user, "receiver") | agency_scope(user, "lead__agency")
        )

    def of_leads_visible_to(self, user, leads):
        """The referrals `user` sees (visible_to) of `leads`, (lead id, its agency's id, that agency's region id)
        triples. Every referral of a lead in the user's agency scope is theirs to see (visible_to's last
        condition), so only the other leads' referrals take the conditions: their four joins cost PostgreSQL more
        to plan than the query takes to run (0.9 ms against 0.2 on a list page)."""
        if not user.is_authenticated:
            return self.none()
        whole, others = [], []
        for lead_id, agency_id, region_id in leads:
            (whole if in_agency_scope(user, agency_id, region_id) else others).append(lead_id)
        if user.is_superuser or not others:
            return self.filter(lead__in=whole + others)
        return self.filter(lead__in=whole) | self.visible_to(user).filter(lead__in=others)


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Complaints received by the user's agencies, and those of the regions they supervise (the complainant's
        identity stays the receiving agency's: Complaint.identity_visible_to)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user))


class AssistanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Assistance letters the user's agencies sent or were asked, and those of the regions they supervise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user, "requester") | agency_scope(user, "assistant"))


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Files of the leads and assistance letters the user sees, and the attachments of complaints their own
        agencies received (attachments may show who complained, so not the supervisors'). A special team's written
        report on a suspected crime (Decree 310) is filed among its lead's evidence, but only the agency that
        deliberates sees it: not the region's supervisors nor the agencies the lead was referred to, from whom
        CriminalReferral.visible_to keeps that deliberation too."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from agencies.querysets import member_agency_ids

        from .models import AssistanceRequest, Lead

        mine = member_agency_ids(user)
        # Correlated EXISTS, not IN: beside the other conditions, PostgreSQL ran an IN as a hashed subplan that
        # read every lead the user sees for one file (27 ms at 100,000 leads; an EXISTS looks up the file's own).
        return self.filter(
            models.Exists(Lead.objects.visible_to(user).filter(pk=models.OuterRef("lead_id")))
            | models.Q(complaint__agency_id__in=mine)
            | models.Exists(
                AssistanceRequest.objects.visible_to(user).filter(pk=models.OuterRef("assistance_id"))
            )
        )._without_others_reports(mine)

    def of_a_visible_lead(self, user):
        """The files of one lead the caller has found visible to the user: of visible_to's conditions only the last
        is left to test, since a lead's files are visible with it (0.6 ms instead of 2 at 100,000 leads). For the
        lead's page only (cases.pages.lead_page_context), whose callers reach the lead through Lead.visible_to or
        through a referral of it the user sees (its sender or receiver, who see the lead); a test compares the two
        for every persona."""
        if user.is_superuser:
            return self.all()
        from agencies.querysets import member_agency_ids

        return self._without_others_reports(member_agency_ids(user))

    def _without_others_reports(self, mine):
        from .models import CriminalReferral

        # report not null: NOT IN over a set holding a NULL would keep nothing at all.
        others_reports = CriminalReferral.objects.filter(report__isnull=False).exclude(agency_id__in=mine)
        return self.exclude(pk__in=others_reports.values("report_id"))


class CriminalReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Criminal referrals (Decree 310) of the user's agencies; those transferred to the user's police agency; those
        whose supervision the user's procuratorate was asked for. Not the supervisors of the region: the same case is
        visible to both sides only (issue 6), and the police see nothing of the agency's deliberation before the
        transfer (a refused transfer stays the agency's)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from agencies.querysets import member_agency_ids

        mine = member_agency_ids(user)
        return self.filter(
            models.Q(agency_id__in=mine)
            | models.Q(police_id__in=mine, transferred_at__isnull=False)
            | models.Q(procuratorate_id__in=mine)
        )
