"""The agencies' own orderings."""

import pytest

from agencies.models import Agency
from tests.factories import AgencyFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_kind_order_puts_every_kind_in_its_place_then_names():
    region = RegionFactory()
    kinds = Agency.Kind.values
    for kind in reversed(kinds):  # filed in the opposite order
        AgencyFactory(region=region, kind=kind, name=f"{kind}-2")
        AgencyFactory(region=region, kind=kind, name=f"{kind}-1")
    expected = [(kind, name) for kind in kinds for name in (f"{kind}-1", f"{kind}-2")]

    ordered = Agency.objects.filter(region=region).in_kind_order()

    assert list(ordered.values_list("kind", "name")) == expected
    # Joined to other agencies (the region's coordinator) the rank is still the listed agency's own.
    region.coordinator = Agency.objects.get(name="other-2")
    region.save()
    joined = ordered.filter(region__coordinator__kind=Agency.Kind.OTHER).select_related("region__coordinator")
    assert [(agency.kind, agency.name) for agency in joined] == expected
