"""Where a case may go: the agencies a referral's destination proposes, and the organs a receiver may forward to.
The forms offer these lists and the workflows check against them (a hand-made POST gets no further)."""

from django.db.models import Prefetch

from agencies.models import Agency, DutyItem, Region

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


def _regions_up(lead: Lead) -> list[int]:
    """The lead's agency's region and the regions above it."""
    regions, region = [], lead.agency.region
    while region is not None:
        regions.append(region.pk)
        region = region.parent
    return regions


def receivers_for(lead: Lead, destination: str | None):
    """The agencies a lead may be referred to: the other active agencies of its region and of the regions above
    it (the competent organ may sit a level up), of the kind the destination names. A lead whose competent agency
    the coordinator designated goes there next, whatever the destination (the form says if the kind differs)."""
    if (designated := lead.designated_receiver_id()) is not None:
        return Agency.objects.filter(pk=designated).select_related("region")
    agencies = Agency.objects.active().filter(region_id__in=_regions_up(lead)).exclude(pk=lead.agency_id)
    if kinds := DESTINATION_KINDS.get(destination):
        agencies = agencies.filter(kind__in=kinds)
    return agencies.select_related("region").in_kind_order()


def destination_for(agency: Agency) -> str:
    """The first destination whose kind is the agency's (the referral form's proposal for a designated agency)."""
    for destination, kinds in DESTINATION_KINDS.items():
        if agency.kind in kinds:
            return destination
    return Referral.Destination.JOINT  # proposes every kind


def designation_candidates(lead: Lead, region_ids):
    """The agencies a coordinator may designate as competent for a lead (指定管辖): the active agencies of the
    lead's region and the regions above it that lie in `region_ids` (the regions the coordinator supervises),
    except the lead's own agency."""
    regions = set(_regions_up(lead)) & set(region_ids)
    return (
        Agency.objects.active()
        .filter(region_id__in=regions)
        .exclude(pk=lead.agency_id)
        .select_related("region")
        .in_kind_order()
    )


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


# Words that show an agency oversees a category of trading (in its name or its published duty items).
CATEGORY_WORDS = {
    "construction": ["住房", "建设", "交通", "水利", "工程"],
    "procurement": ["财政", "政府采购"],
    "land_mining": ["自然资源", "国土", "土地", "矿"],
    "state_assets": ["国有资产", "国资", "国有产权"],
    "other": [],
}


def competent_candidates(complaint) -> list:
    """The departments a complaint outside the receiver's remit may belong to: the other active supervisory,
    finance and comprehensive departments of its region and the regions above, those whose name or duty list
    speaks of the complaint's category first (the proposal), then the rest by name."""
    regions, region = [], complaint.agency.region
    while region is not None:
        regions.append(region.pk)
        region = region.parent
    kinds = [Agency.Kind.SUPERVISORY, Agency.Kind.FINANCE, Agency.Kind.COMPREHENSIVE, Agency.Kind.COMMITTEE]
    agencies = list(
        Agency.objects.active()
        .filter(region_id__in=regions, kind__in=kinds)
        .exclude(pk=complaint.agency_id)
        .select_related("region")
        .prefetch_related(Prefetch("duty_items", queryset=DutyItem.objects.published()))
        .order_by("region__code", "name")
    )
    words = CATEGORY_WORDS.get(complaint.category, [])

    def matches(agency) -> bool:
        text = agency.name + "".join(item.name for item in agency.duty_items.all())
        return any(word in text for word in words)

    return sorted(agencies, key=lambda agency: not matches(agency))
