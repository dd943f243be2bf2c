"""Who works where: a person's own memberships (once per request), an agency's people in a role, and the
supervisors over it. The last two answer for many agencies in a fixed number of queries (the deadline sweep asks
for thousands)."""

from collections import defaultdict

from .models import Agency, Membership, Region
from .querysets import memberships_of


def roles_of(user) -> dict[int, set[str]]:
    """The user's roles in each agency they actively belong to (active agencies only), in the order they joined.

    From the memberships read once per request (agencies.querysets.memberships_of): the agency middleware, the
    layout and the page all ask. Workflows check roles afresh (cases.permissions.roles_in).
    """
    roles = {}
    for agency_id, role, agency_active, _region in memberships_of(user):
        if agency_active:
            roles.setdefault(agency_id, set()).add(role)
    return roles


def members_in_role(agency_ids, role: str) -> dict[int, set[int]]:
    """Map each agency id to the ids of its active members in `role`."""
    members = defaultdict(set)
    for agency_id, user_id in (
        Membership.objects.active()
        .filter(agency_id__in=set(agency_ids), role=role, user__is_active=True)
        .values_list("agency_id", "user_id")
    ):
        members[agency_id].add(user_id)
    return members


def supervisors_over(agency_ids) -> dict[int, set[int]]:
    """Map each agency id to the ids of the supervisors (督办) of its region or of any region above it."""
    parents = dict(Region.objects.values_list("id", "parent_id"))
    by_region = defaultdict(set)
    for region_id, user_id in (
        Membership.objects.active()
        .filter(role=Membership.Role.SUPERVISOR, user__is_active=True)
        .values_list("agency__region_id", "user_id")
    ):
        by_region[region_id].add(user_id)
    supervisors = {}
    for agency_id, region_id in Agency.objects.filter(id__in=set(agency_ids)).values_list("id", "region_id"):
        found = set()
        while region_id is not None:
            found |= by_region.get(region_id, set())
            region_id = parents.get(region_id)
        supervisors[agency_id] = found
    return supervisors
