"""Who may see what. Every agency-owned model answers `visible_to(user)` from the same two facts:

- the agencies a person works in (active memberships), and
- the regions a person supervises (a 督办 membership covers its agency's region and every region below it).

Superusers (the operator) see everything. Anonymous users see nothing here; public pages use `published()`.
Later apps build their own `visible_to` from `agency_scope` (or the two facts underneath it).
"""

from django.db import models
from django.db.models.expressions import RawSQL


def memberships_of(user) -> tuple[tuple[int, str, bool, int], ...]:
    """The user's active memberships as (agency id, role, whether the agency is active, the agency's region id), in
    the order joined. Read in one query once per user object, i.e. once per request: the agencies the user works
    in, the regions they supervise and their roles (agencies.people.roles_of) all come from it, and a page's every
    visible_to needs them. A membership change shows from the next request on."""
    cached = user.__dict__.get("_memberships")
    if cached is None:
        from .models import Membership, Region

        # The agencies come along (with the region and its coordinator the layout names): the acting agency
        # (agencies.middleware.current_agency) is one of them, so it costs no query of its own. So does whether
        # each region has regions below it: a county's supervisor then needs no walk down the tree.
        memberships = (
            Membership.objects.filter(user_id=user.pk, is_active=True)
            .order_by("id")
            .select_related("agency__region__coordinator")
            .annotate(
                region_has_children=models.Exists(
                    Region.objects.filter(parent=models.OuterRef("agency__region"))
                )
            )
        )
        user.__dict__["_agencies"] = {membership.agency_id: membership.agency for membership in memberships}
        user.__dict__["_leaf_regions"] = {
            m.agency.region_id for m in memberships if not m.region_has_children
        }
        cached = user.__dict__["_memberships"] = tuple(
            (membership.agency_id, membership.role, membership.agency.is_active, membership.agency.region_id)
            for membership in memberships
        )
    return cached


def member_agency(user, agency_id: int):
    """The agency `agency_id` among the user's memberships (memberships_of), with its region and coordinator."""
    memberships_of(user)
    return user.__dict__["_agencies"][agency_id]


def member_agency_ids(user) -> list[int]:
    """Return the ids of the agencies the user actively belongs to (plain ids make simpler, faster SQL than a
    subquery)."""
    return list(dict.fromkeys(agency_id for agency_id, _role, _active, _region in memberships_of(user)))


def supervised_region_ids(user) -> set[int]:
    """Return the ids of the regions the user supervises: each active 督办 agency's region and all regions below it.
    Worked out once per user object, i.e. once per request."""
    cached = user.__dict__.get("_supervised_region_ids")
    if cached is None:
        from .models import Membership, Region

        roots = {
            region_id
            for _agency, role, active, region_id in memberships_of(user)
            if active and role == Membership.Role.SUPERVISOR
        }
        leaves = roots & user.__dict__["_leaf_regions"]  # their subtree is themselves
        cached = user.__dict__["_supervised_region_ids"] = frozenset(
            leaves | Region.objects.subtree_ids(roots - leaves)
        )
    return set(cached)


def agency_scope(user, field: str = "agency") -> models.Q:
    """The condition every agency-owned visible_to builds on: the agency in `field` is one the user works in, or
    one in a region the user supervises. Callers check is_authenticated and is_superuser first."""
    return models.Q(**{f"{field}_id__in": member_agency_ids(user)}) | models.Q(
        **{f"{field}__region_id__in": supervised_region_ids(user)}
    )


def in_agency_scope(user, agency_id: int, region_id: int) -> bool:
    """agency_scope for one agency already read (its id and its region's): whether the user works in it or
    supervises its region."""
    return agency_id in member_agency_ids(user) or region_id in supervised_region_ids(user)


class RegionQuerySet(models.QuerySet):
    def subtree_ids(self, root_ids) -> set[int]:
        """Return the given region ids and the ids of every region below them (one query per level)."""
        found = set(root_ids)
        level = set(found)
        while level:
            level = set(self.filter(parent_id__in=level).values_list("id", flat=True)) - found
            found |= level
        return found

    def jurisdictions(self):
        """Regions that have agencies of their own."""
        return self.filter(agencies__isnull=False).distinct()


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_kind_order(self):
        """Order as a reader expects: committee and coordinators first, then departments, then other organs."""
        # One SQL CASE on the column, written out: the ORM's Case(When(kind=…), …) resolves a lookup per kind and
        # cost about 0.8 ms a query, on pages that draw agency choices on every request (the case list's filter).
        kinds = self.model.Kind.values
        cases = " ".join(f"WHEN %s THEN {position}" for position in range(len(kinds)))
        rank = RawSQL(f'CASE "{self.model._meta.db_table}"."kind" {cases} END', kinds)  # noqa: S611 - constants only
        return self.alias(kind_rank=rank).order_by("kind_rank", "name")

    def visible_to(self, user):
        """Agencies whose internal pages (staff, contacts) the user may see.

        Members see their own agencies; supervisors see every agency of the regions they supervise.
        Any agency's public facts (name, kind, complaint telephone, duty lists) are on the public portal.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(id__in=member_agency_ids(user)) | models.Q(region_id__in=supervised_region_ids(user))
        )

    def of_user(self, user):
        """Agencies the user works in: the choices of the agency switcher."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(id__in=member_agency_ids(user))


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, agency__is_active=True)

    def visible_to(self, user):
        """Memberships of the agencies the user may see (see AgencyQuerySet.visible_to)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user))


class DutyItemQuerySet(models.QuerySet):
    def published(self):
        """Items shown to the public: those of active agencies (鄂尔多斯 第四条: 向社会公开)."""
        return self.filter(agency__is_active=True)
