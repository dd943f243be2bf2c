import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from agencies.demo import AGENCIES, DEMO_USERS
from agencies.models import Agency, Membership, Region

PASSWORD = "Demo@2026pass"


@pytest.fixture
def seeded(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo")


def test_seed_creates_both_jurisdictions_with_their_coordinators(seeded):
    assert Region.objects.get(code="422825").coordinator.name == "宣恩县政务服务和大数据管理局"
    assert Region.objects.get(code="150600").coordinator.name == "鄂尔多斯市公共资源交易中心"
    assert Region.objects.get(code="422825").full_name() == "湖北省 › 恩施土家族苗族自治州 › 宣恩县"
    assert Agency.objects.count() == len(AGENCIES)


def test_seed_names_every_agency_of_the_seed_documents(seeded):
    names = set(Agency.objects.values_list("short_name", flat=True))
    # 宣恩 二(一): the joint meeting's member units, and the police for suspected crimes.
    for short in (
        "县政务局",
        "县财政局",
        "县发改局",
        "县交通运输局",
        "县住建局",
        "县水利局",
        "县自然资源和规划局",
        "县司法局",
        "县市场监管局",
        "县科经局",
        "县卫健局",
        "县农业农村局",
        "县审计局",
        "县教育局",
        "县林业局",
        "县交易中心",
        "县政府办",
        "县公管委",
        "县公安局",
    ):
        assert short in names
    # 鄂尔多斯 第三条 and 第十一条.
    for short in (
        "市发改委",
        "市工信局",
        "市财政局",
        "市自然资源局",
        "市生态环境局",
        "市住建局",
        "市交通运输局",
        "市水利局",
        "市农牧局",
        "市商务局",
        "市卫健委",
        "市国资委",
        "市市场监管局",
        "市能源局",
        "市林草局",
        "市医保局",
        "市交易中心",
        "市公安局",
        "市检察院",
        "市纪委监委",
    ):
        assert short in names


def test_seed_is_idempotent(seeded):
    counts = (Agency.objects.count(), Membership.objects.count(), Region.objects.count())
    call_command("seed_demo")
    assert (Agency.objects.count(), Membership.objects.count(), Region.objects.count()) == counts


def test_every_role_has_a_demo_user_and_each_can_log_in(seeded):
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    for demo in DEMO_USERS:
        assert get_user_model().objects.get(username=demo.username).check_password(PASSWORD)


def test_seed_refuses_with_debug_off(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not Agency.objects.exists()


def test_seed_refuses_a_weak_demo_password(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo")
    with pytest.raises(CommandError, match="DEMO_PASSWORD is too weak"):
        call_command("seed_demo")


def test_list_prints_one_line_per_demo_user(capsys):
    call_command("seed_demo", "--list")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(DEMO_USERS)
    assert lines[0].split("\t")[0] == "admin"
    assert any(line.startswith("xe_head\t宣恩县住房和城乡建设局") for line in lines)


def test_each_demo_user_logs_in_and_sees_their_agency(seeded, client):
    for demo in DEMO_USERS:
        response = client.post(
            reverse("login"), {"username": demo.username, "password": PASSWORD}, follow=True
        )
        home_agency = demo.memberships[0][1]
        assert f'<h1 class="h3 mb-1">{home_agency}</h1>' in response.text, demo.username
        client.post(reverse("logout"))


def test_demo_admin_reaches_every_reference_data_page(seeded, client):
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    for model in ("region", "agency", "membership", "dutyitem"):
        assert client.get(reverse(f"admin:agencies_{model}_changelist")).status_code == 200, model
    agency = Agency.objects.get(short_name="县住建局")
    assert client.get(reverse("admin:agencies_agency_change", args=[agency.pk])).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
