"""Where a case may go: the agencies a referral's destination proposes, and the organs a receiver may forward to.
The forms offer these lists and the workflows check against them (a hand-made POST gets no further)."""

from agencies.models import Agency, Region

from .models import Lead, Referral

# Which kind of agency each destination of 鄂尔多斯 第十一条 / 宣恩 二(四)1 means. JOINT proposes every kind.
DESTINATION_KINDS = {
    Referral.Destination.SUPERVISORY: {Agency.Kind.SUPERVISORY},
    Referral.Destination.FINANCE: {Agency.Kind.FINANCE},
    Referral.Destination.COMPREHENSIVE: {Agency.Kind.COMPREHENSIVE, Agency.Kind.COMMITTEE},
    Referral.Destination.POLICE: {Agency.Kind.POLICE},
    Referral.Destination.PROCURATORATE_PIL: {Agency.Kind.PROCURATORATE},
    Referral.Destination.DISCIPLINE: {Agency.Kind.DISCIPLINE},
}


def receivers_for(lead: Lead, destination: str | None):
    """The agencies a lead may be referred to: the other active agencies of its region and of the regions above
    it (the competent organ may sit a level up), of the kind the destination names."""
    regions, region = [], lead.agency.region
    while region is not None:
        regions.append(region.pk)
        region = region.parent
    agencies = Agency.objects.active().filter(region_id__in=regions).exclude(pk=lead.agency_id)
    if kinds := DESTINATION_KINDS.get(destination):
        agencies = agencies.filter(kind__in=kinds)
    return agencies.select_related("region").in_kind_order()


def forward_candidates(referral: Referral):
    """属本部门职责但不属本级管辖: the competent organ is an active agency of the receiver's own kind at another level
    of its region tree (a region above the receiver's, or one below it), neither the receiver nor the sender."""
    ancestors, region = [], referral.receiver.region.parent
    while region is not None:
        ancestors.append(region.pk)
        region = region.parent
    below = Region.objects.subtree_ids([referral.receiver.region_id]) - {referral.receiver.region_id}
    return (
        Agency.objects.active()
        .filter(kind=referral.receiver.kind, region_id__in=[*ancestors, *below])
        .exclude(pk__in=[referral.receiver_id, referral.sender_id])
        .select_related("region")
        .order_by("region__code", "name")
    )
