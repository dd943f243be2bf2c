"""visible_to of every credit model, persona by persona (tests/conftest.py): the one place each rule is read."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from credit.models import CreditRecord, MarketEntity, Memo, MemoExecution, RepairApplication
from credit.workflows import memo_issue, repair_apply
from tests.factories import UserFactory


@pytest.fixture
def world(make_record, entity, insider, supervisor, coordinator, other_agency, outsider):
    draft = make_record(entity, state="draft", act="D")
    published = make_record(entity, act="P")
    repair = repair_apply(actor=insider, record=published, applicant="x", reasons="y")
    memo = memo_issue(
        actor=supervisor,
        agency=coordinator,
        title="x",
        grounds="x",
        measures="x",
        restricted_until=datetime.date(2030, 1, 1),
        entities=[entity],
    )
    return {"draft": draft, "published": published, "repair": repair, "memo": memo}


def seen(model, user, obj) -> bool:
    return model.objects.visible_to(user).filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    ("persona", "draft", "published", "repair", "memo", "own_part", "other_part"),
    [
        # persona            draft  publ.  repair memo   own part other part
        ("insider", True, True, True, True, True, False),
        ("colleague", True, True, True, True, True, False),
        ("outsider", False, True, False, True, False, True),  # other_agency's part is the outsider's own
        ("supervisor", True, True, True, True, True, True),
        ("foreign_supervisor", False, True, False, False, False, False),
    ],
)
def test_each_persona_sees_what_it_should(
    request, world, agency, other_agency, persona, draft, published, repair, memo, own_part, other_part
):
    user = request.getfixturevalue(persona)
    assert seen(CreditRecord, user, world["draft"]) is draft
    assert seen(CreditRecord, user, world["published"]) is published
    assert seen(RepairApplication, user, world["repair"]) is repair
    assert seen(Memo, user, world["memo"]) is memo
    assert seen(MemoExecution, user, world["memo"].executions.get(agency=agency)) is own_part
    assert seen(MemoExecution, user, world["memo"].executions.get(agency=other_agency)) is other_part
    assert seen(MarketEntity, user, world["published"].entity) is True


def test_anonymous_people_and_people_of_no_agency_see_nothing_but_the_public_lists(world):
    for user in (AnonymousUser(), UserFactory()):
        for model in (CreditRecord, RepairApplication, Memo, MemoExecution, MarketEntity):
            assert not model.objects.visible_to(user).exists()
    public = CreditRecord.objects.public(datetime.date(2026, 6, 10))
    assert list(public) == [world["published"]]
