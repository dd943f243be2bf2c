"""The credit line beside an entity on other pages (templates/credit/_entity_credit.html)."""

import datetime

from django.template.loader import render_to_string


def test_an_entity_without_records_may_trade(entity):
    html = render_to_string("credit/_entity_credit.html", {"entity": entity})
    assert "text-bg-light" in html
    assert entity.get_absolute_url() in html


def test_a_restricted_entity_says_until_when_and_why(make_record, entity, serious_rule):
    today = datetime.date.today()
    record = make_record(entity, rule=serious_rule, decided_on=today, act="S1")
    html = render_to_string("credit/_entity_credit.html", {"entity": entity})
    assert "text-bg-danger" in html
    assert record.restricted_until.isoformat() in html
    assert "串通投标" in html


def test_unpublished_records_do_not_show(make_record, entity, serious_rule):
    make_record(entity, rule=serious_rule, state="approved", act="S1")
    assert "text-bg-danger" not in render_to_string("credit/_entity_credit.html", {"entity": entity})
