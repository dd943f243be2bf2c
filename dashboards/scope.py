"""Whose clocks a person watches on the board: a supervisor (督办) the agencies of the regions they supervise, an
agency head their own agency. Everyone else has no board (403)."""

from dataclasses import dataclass

from agencies.models import Agency, Membership, Region
from agencies.people import roles_of
from agencies.querysets import supervised_region_ids


@dataclass(frozen=True)
class Scope:
    agencies: tuple[Agency, ...]  # in the order a reader expects: coordinators first, then departments
    jurisdiction: bool  # True for a supervisor's regions, False for a head's own agencies

    @property
    def ids(self) -> list[int]:
        return [agency.pk for agency in self.agencies]

    def __contains__(self, agency_id) -> bool:
        return agency_id in self.ids


def board_scope(user) -> Scope | None:
    """The agencies on the user's board, or None when the user has none (neither supervisor nor head)."""
    if user.is_superuser:
        return Scope(tuple(Agency.objects.active().in_kind_order()), jurisdiction=True)
    regions = supervised_region_ids(user)
    headed = [agency_id for agency_id, roles in roles_of(user).items() if Membership.Role.HEAD in roles]
    if not regions and not headed:
        return None
    agencies = Agency.objects.active().filter(region_id__in=regions) | Agency.objects.filter(id__in=headed)
    return Scope(
        tuple(agencies.in_kind_order().only("id", "name", "short_name", "kind")), jurisdiction=bool(regions)
    )


def agency_scope_of(agency: Agency, roles: set[str]) -> Scope | None:
    """The scope an agency reports on: a supervisor's (督办) agency its region and every region below it, a head
    their own agency (a monthly report is issued by one agency, in one role)."""
    if Membership.Role.SUPERVISOR in roles:
        regions = Region.objects.subtree_ids([agency.region_id])
        agencies = Agency.objects.active().filter(region_id__in=regions).in_kind_order()
        return Scope(tuple(agencies.only("id", "name", "short_name", "kind")), jurisdiction=True)
    if Membership.Role.HEAD in roles:
        return Scope((agency,), jurisdiction=False)
    return None
