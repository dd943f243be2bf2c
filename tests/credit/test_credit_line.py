"""The credit line beside an entity on other pages (templates/credit/_credit_line.html with
credit.standing.standings_of)."""

import datetime

from django.template.loader import render_to_string

from credit.standing import standings_of


def line(entity) -> str:
    standing = standings_of([entity], datetime.date.today())[entity.pk]
    return render_to_string("credit/_credit_line.html", {"entity": entity, "standing": standing})


def test_an_entity_without_records_may_trade(entity):
    html = line(entity)
    assert "text-bg-light" in html
    assert entity.get_absolute_url() in html


def test_a_restricted_entity_says_until_when_and_why(make_record, entity, serious_rule):
    today = datetime.date.today()
    record = make_record(entity, rule=serious_rule, decided_on=today, act="S1")
    html = line(entity)
    assert "text-bg-danger" in html
    assert record.restricted_until.isoformat() in html
    assert "串通投标" in html


def test_unpublished_records_do_not_show(make_record, entity, serious_rule):
    make_record(entity, rule=serious_rule, state="approved", act="S1")
    assert "text-bg-danger" not in line(entity)


def test_each_entity_gets_its_own_standing_from_the_same_three_queries(
    make_record, entity, other_entity, serious_rule, django_assert_num_queries
):
    clean = other_entity
    make_record(entity, rule=serious_rule, decided_on=datetime.date.today(), act="S1")
    with django_assert_num_queries(3):
        standings = standings_of([entity, clean], datetime.date.today())
    assert not standings[entity.pk].may_trade
    assert standings[clean.pk].may_trade
    assert standings[clean.pk].score == 0
