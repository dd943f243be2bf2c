"""A joint meeting body for the meetings tests, on top of tests/conftest.py's personas:

- the office is the coordinator (政务局): `office_clerk` (handler) and `supervisor` work there;
- the convener is 县政府办: `convener_head`;
- members: `agency` (住建局: `insider` handler, `colleague` head, `liaison`) and `member_agency` (财政局:
  `member_head`, `member_liaison`);
- `invited_agency` (审计局: `invited_handler`) is no member; `other_agency` (`outsider`) has nothing to do with it.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from agencies.models import Agency, Membership
from meetings.models import Body, BodyMember
from tests.factories import AgencyFactory, MembershipFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
R = Membership.Role


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def person(agency, role, username):
    return MembershipFactory(agency=agency, role=role, user__username=username).user


@pytest.fixture
def convener(region):
    return AgencyFactory(region=region, name="宣恩县人民政府办公室", kind=Agency.Kind.GOVERNMENT_OFFICE)


@pytest.fixture
def member_agency(region):
    return AgencyFactory(region=region, name="宣恩县财政局", kind=Agency.Kind.FINANCE)


@pytest.fixture
def invited_agency(region):
    return AgencyFactory(region=region, name="宣恩县审计局")


@pytest.fixture
def office_clerk(coordinator):
    return person(coordinator, R.HANDLER, "office_clerk")


@pytest.fixture
def convener_head(convener):
    return person(convener, R.HEAD, "convener_head")


@pytest.fixture
def liaison(agency):
    return person(agency, R.LIAISON, "liaison")


@pytest.fixture
def member_head(member_agency):
    return person(member_agency, R.HEAD, "member_head")


@pytest.fixture
def member_liaison(member_agency):
    return person(member_agency, R.LIAISON, "member_liaison")


@pytest.fixture
def invited_handler(invited_agency):
    return person(invited_agency, R.HANDLER, "invited_handler")


@pytest.fixture
def body(region, convener, coordinator, agency, member_agency, liaison, member_liaison):
    body = Body.objects.create(
        region=region, name="宣恩县公共资源交易联席会议", convener=convener, office=coordinator
    )
    BodyMember.objects.create(body=body, agency=agency, liaison=liaison)
    BodyMember.objects.create(body=body, agency=member_agency, liaison=member_liaison)
    BodyMember.objects.create(body=body, agency=coordinator)
    return body


@pytest.fixture
def cast(
    body, insider, colleague, office_clerk, supervisor, convener_head, member_head, invited_handler, outsider
):
    """Everyone at once, by name."""
    return {
        "insider": insider,
        "colleague": colleague,
        "office_clerk": office_clerk,
        "supervisor": supervisor,
        "convener_head": convener_head,
        "member_head": member_head,
        "invited_handler": invited_handler,
        "outsider": outsider,
    }
