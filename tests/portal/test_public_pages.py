from django.urls import reverse

from tests.factories import AgencyFactory, DutyItemFactory


def test_index_lists_agencies_and_complaint_phones_without_login(client, agency):
    agency.complaint_phone = "0718-3700005"
    agency.save()
    response = client.get(reverse("portal:index"))
    assert response.status_code == 200
    assert agency.name in response.text
    assert "0718-3700005" in response.text


def test_duty_list_is_public(client, agency):
    DutyItemFactory(
        agency=agency, name="房屋建筑工程招标投标活动监督检查", legal_basis="《招标投标法》第七条"
    )
    response = client.get(reverse("portal:duty_list", args=[agency.pk]))
    assert response.status_code == 200
    assert "房屋建筑工程招标投标活动监督检查" in response.text
    assert "《招标投标法》第七条" in response.text
    assert "服务事项清单" in response.text  # the empty list says so rather than disappearing


def test_inactive_agency_is_404(client, region):
    agency = AgencyFactory(region=region, is_active=False)
    assert client.get(reverse("portal:duty_list", args=[agency.pk])).status_code == 404


def test_user_text_is_escaped(client, agency):
    DutyItemFactory(agency=agency, name="<script>alert(1)</script>")
    text = client.get(reverse("portal:duty_list", args=[agency.pk])).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_index_query_count(client, agency, other_agency, foreign_agency, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(reverse("portal:index"))


def test_index_lists_coordinators_before_departments_and_other_organs(client, region):
    AgencyFactory(region=region, name="甲公安局", kind="police")
    AgencyFactory(region=region, name="乙住建局", kind="supervisory")
    AgencyFactory(region=region, name="丙政务局", kind="comprehensive")
    text = client.get(reverse("portal:index")).text
    assert text.index("丙政务局") < text.index("乙住建局") < text.index("甲公安局")


def test_the_department_choice_asks_in_words_not_dashes(client, agency):
    page = client.get(reverse("portal:complaint_new")).text
    assert '<option value="" selected>请选择</option>' in page
    assert "---------" not in page
