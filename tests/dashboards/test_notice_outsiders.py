"""The supervision notices' list and its CSV hide a notice from those outside its agencies and region."""

# ruff: noqa: F811  (the fixtures imported below are taken as arguments of the same name)

import pytest
from django.urls import reverse

from .test_notices import _now, clock, issue, lead  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def listed(client, **query) -> str:
    response = client.get(reverse("dashboards:notice_list"), query)
    assert response.status_code == 200
    if query:
        assert response["Content-Type"].startswith("text/csv")
        return b"".join(response.streaming_content).decode()
    return response.text


def test_an_outsider_sees_no_notice_of_another_agency_or_region_on_the_page_or_in_the_csv(
    client_for, clock, supervisor, outsider, foreign_supervisor
):
    notice = issue(supervisor, clock)
    for user in (outsider, foreign_supervisor):
        for query in ({}, {"format": "csv"}):
            text = listed(client_for(user), **query)
            assert notice.document.number not in text
            assert notice.get_absolute_url() not in text
    for query in ({}, {"format": "csv"}):
        assert notice.document.number in listed(client_for(supervisor), **query)
