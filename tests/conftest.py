"""Personas every view test reuses (after healthchecks' Alice, Bob and Charlie).

One jurisdiction with a coordinator and two agencies, and a second jurisdiction:

- insider: handler (经办人) in `agency`
- colleague: head (负责人) in the same agency, a different role
- outsider: handler in `other_agency`, same jurisdiction
- supervisor: 督办 at the coordinator, sees the whole jurisdiction
- foreign_supervisor: 督办 in the other jurisdiction
- anonymous: the plain `client` fixture, not logged in
"""

import pytest
import time_machine
from django.utils import timezone, translation

from agencies.models import Agency, Membership
from deadlines import workdays

from .factories import AgencyFactory, MembershipFactory, RegionFactory


@pytest.fixture
def start_of_an_hour():
    """The rate limits count per clock minute (the credit check) or hour (online complaints): a test that takes a
    limit's places runs from the start of the hour, time moving on, so that its requests never straddle two
    windows (31 checks spread over two minutes are all allowed)."""
    with time_machine.travel(timezone.now().replace(minute=0, second=0, microsecond=0), tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Each test's transaction is rolled back; a calendar cached by an earlier test must not leak into the next.
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture(autouse=True)
def _default_language(settings):
    # Requests through the test client leave their language active in the thread; each test starts from the
    # portal's default (Chinese), whatever ran before it in this process.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # MD5 keeps logins in tests fast; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def region(db):
    return RegionFactory(name="宣恩县", code="422825")


@pytest.fixture
def coordinator(region):
    agency = AgencyFactory(region=region, name="宣恩县政务服务和大数据管理局", kind=Agency.Kind.COMPREHENSIVE)
    region.coordinator = agency
    region.save(update_fields=["coordinator"])
    return agency


@pytest.fixture
def agency(region, coordinator):
    return AgencyFactory(region=region, name="宣恩县住房和城乡建设局")


@pytest.fixture
def other_agency(region):
    return AgencyFactory(region=region, name="宣恩县交通运输局")


@pytest.fixture
def foreign_region(db):
    return RegionFactory(name="鄂尔多斯市", code="150600")


@pytest.fixture
def foreign_agency(foreign_region):
    return AgencyFactory(region=foreign_region, name="鄂尔多斯市住房和城乡建设局")


@pytest.fixture
def insider(agency):
    return MembershipFactory(agency=agency, role=Membership.Role.HANDLER, user__username="insider").user


@pytest.fixture
def colleague(agency):
    return MembershipFactory(agency=agency, role=Membership.Role.HEAD, user__username="colleague").user


@pytest.fixture
def outsider(other_agency):
    return MembershipFactory(
        agency=other_agency, role=Membership.Role.HANDLER, user__username="outsider"
    ).user


@pytest.fixture
def stranger(region):
    """A handler of a third agency of the same county: no part in the cases between the first two."""
    elsewhere = AgencyFactory(region=region, name="宣恩县水利和湖泊局")
    return MembershipFactory(agency=elsewhere, role=Membership.Role.HANDLER, user__username="stranger").user


@pytest.fixture
def supervisor(coordinator):
    return MembershipFactory(
        agency=coordinator, role=Membership.Role.SUPERVISOR, user__username="supervisor"
    ).user


@pytest.fixture
def foreign_supervisor(foreign_region):
    coordinator = AgencyFactory(region=foreign_region, name="鄂尔多斯市公共资源交易中心")
    return MembershipFactory(
        agency=coordinator, role=Membership.Role.SUPERVISOR, user__username="foreign_supervisor"
    ).user


@pytest.fixture
def client_for(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login
