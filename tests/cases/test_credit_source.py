"""A concluded case is a credit record's source: the agency that concluded it enters its parties' records from the
case page, and the record links back to the case."""

import pytest
from django.urls import reverse

from cases.workflows import (
    referral_accept,
    referral_conclude,
    referral_notify_acceptance,
    referral_receive,
)
from credit.models import CreditRecord, CreditRule
from tests.factories import MembershipFactory

from .test_referral import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(approved, insider, other_agency, receiver_handler, receiver_head):
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral = referral_accept(actor=receiver_head, referral=referral)
    referral = referral_notify_acceptance(actor=receiver_handler, referral=referral)
    return referral_conclude(actor=receiver_head, referral=referral, result="罚款并记不良行为记录。")


def test_the_concluding_agency_enters_a_credit_record_from_the_case(
    client_for, concluded, receiver_handler, insider, foreign_agency
):
    lead, entity = concluded.lead, concluded.lead.parties.get().entity
    rule = CreditRule.objects.create(
        code="TB-01", description="串通投标", legal_basis="条例第六十七条", points=6
    )
    case_page = reverse("cases:lead", args=[lead.pk])
    page = client_for(receiver_handler).get(case_page).content.decode()
    link = reverse("credit:record_new", args=[entity.pk])
    assert f'href="{link}?' in page
    # The sending agency did not conclude it: no link for its staff.
    assert f'href="{link}?' not in client_for(insider).get(case_page).content.decode()

    address = page.split(f'href="{link}?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    form = client_for(receiver_handler).get(f"{link}?{address}")
    assert form.status_code == 200
    assert concluded.letter.number in form.content.decode()  # the reference is filled in
    response = client_for(receiver_handler).post(
        f"{link}?{address}",
        {
            "rule": rule.pk,
            "decided_on": form.context["form"].initial["decided_on"].isoformat(),
            "facts": "串通投标",
            "act": "宣交运罚〔2026〕1号",
            "source_kind": "case",
            "source_reference": form.context["form"].initial["source_reference"],
            "penalty": "none",
            "submission_key": form.context["form"]["submission_key"].value(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = CreditRecord.objects.get()
    assert (record.source, record.source_kind, record.agency) == (lead, "case", concluded.receiver)
    assert case_page in client_for(receiver_handler).get(record.get_absolute_url()).content.decode()

    # Someone who may not see the case cannot name it as a source.
    stranger = MembershipFactory(agency=foreign_agency, role="handler").user
    assert client_for(stranger).get(f"{link}?{address}").status_code == 404
