"""Regions nest, and never in a circle: everything that walks up from an agency (its supervisors, its calendar,
its full name) would walk for ever."""

import pytest
from django.urls import reverse

from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("new_parent", ["itself", "its child", "its grandchild"])
def test_the_admin_refuses_a_parent_inside_the_region(client_for, new_parent):
    county = RegionFactory(name="宣恩县", code="422825")
    town = RegionFactory(name="珠山镇", code="422826", parent=county)
    village = RegionFactory(name="某村", code="422827", parent=town)
    parent = {"itself": county, "its child": town, "its grandchild": village}[new_parent]
    admin = client_for(UserFactory(is_superuser=True, is_staff=True))
    page = admin.post(
        reverse("admin:agencies_region_change", args=[county.pk]),
        {"name": county.name, "code": county.code, "parent": parent.pk, "coordinator": ""},
    )
    assert page.status_code == 200
    assert "不能位于其自身之内" in page.text
    county.refresh_from_db()
    assert county.parent is None


def test_a_region_may_move_under_another(client_for):
    province, county = (
        RegionFactory(name="湖北省", code="420000"),
        RegionFactory(name="宣恩县", code="422825"),
    )
    admin = client_for(UserFactory(is_superuser=True, is_staff=True))
    page = admin.post(
        reverse("admin:agencies_region_change", args=[county.pk]),
        {"name": county.name, "code": county.code, "parent": province.pk, "coordinator": ""},
    )
    assert page.status_code == 302
    county.refresh_from_db()
    assert county.parent == province
