"""visible_to(user) matrix for agencies and memberships: who sees which agency's internal data."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import Agency, Membership
from tests.factories import AgencyFactory, MembershipFactory, RegionFactory, UserFactory


@pytest.mark.parametrize(
    ("persona", "sees_agency", "sees_other_agency", "sees_foreign_agency"),
    [
        ("insider", True, False, False),
        ("colleague", True, False, False),
        ("outsider", False, True, False),
        ("supervisor", True, True, False),
        ("foreign_supervisor", False, False, True),
    ],
)
def test_agency_visibility_matrix(
    request,
    persona,
    sees_agency,
    sees_other_agency,
    sees_foreign_agency,
    agency,
    other_agency,
    foreign_agency,
):
    user = request.getfixturevalue(persona)
    visible = set(Agency.objects.visible_to(user))
    assert (agency in visible) is sees_agency
    assert (other_agency in visible) is sees_other_agency
    assert (foreign_agency in visible) is sees_foreign_agency


def test_anonymous_sees_no_agency(agency):
    assert list(Agency.objects.visible_to(AnonymousUser())) == []


def test_superuser_sees_every_agency(agency, foreign_agency):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert {agency, foreign_agency} <= set(Agency.objects.visible_to(admin))


def test_supervisor_sees_regions_below_their_own(region, supervisor):
    township = RegionFactory(name="珠山镇", parent=region)
    village_agency = MembershipFactory(agency__region=township).agency
    assert village_agency in Agency.objects.visible_to(supervisor)


def test_inactive_membership_grants_nothing(agency):
    membership = MembershipFactory(agency=agency, is_active=False)
    assert agency not in Agency.objects.visible_to(membership.user)


def test_inactive_supervisor_membership_grants_nothing(coordinator, agency):
    membership = MembershipFactory(agency=coordinator, role=Membership.Role.SUPERVISOR, is_active=False)
    assert agency not in Agency.objects.visible_to(membership.user)


def test_membership_visibility_follows_agency_visibility(insider, colleague, outsider, supervisor):
    assert set(Membership.objects.visible_to(insider).values_list("user__username", flat=True)) == {
        "insider",
        "colleague",
    }
    assert "insider" not in set(
        Membership.objects.visible_to(outsider).values_list("user__username", flat=True)
    )
    assert {"insider", "colleague", "outsider", "supervisor"} <= set(
        Membership.objects.visible_to(supervisor).values_list("user__username", flat=True)
    )


def test_visible_to_composes_with_select_for_update(insider, agency):
    """No DISTINCT in visible_to, so workflows can lock what the user may see."""
    from django.db import transaction

    with transaction.atomic():
        assert list(Agency.objects.visible_to(insider).select_for_update().filter(pk=agency.pk)) == [agency]


def test_a_county_supervisor_needs_no_walk_down_the_regions(supervisor, region, django_assert_num_queries):
    from agencies.querysets import memberships_of, supervised_region_ids

    with django_assert_num_queries(1):  # the memberships say the county has no regions below it
        memberships_of(supervisor)
        assert supervised_region_ids(supervisor) == {region.pk}


def test_a_prefecture_supervisor_supervises_its_counties(region):
    from agencies.querysets import supervised_region_ids

    prefecture = region.parent or RegionFactory()
    if region.parent is None:
        region.parent = prefecture
        region.save(update_fields=["parent"])
    agency = AgencyFactory(region=prefecture)
    user = MembershipFactory(agency=agency, role=Membership.Role.SUPERVISOR).user
    assert supervised_region_ids(user) >= {prefecture.pk, region.pk}
