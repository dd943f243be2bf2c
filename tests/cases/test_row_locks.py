"""A step locks the rows it changes and only those: the agencies, rules and documents it reads along (joined in
the same query) stay free, so that two steps that read the same agencies in opposite orders (two agencies answering
each other's letters) do not wait for each other in a circle, and every clock of a rule is not held up by one.

Each test holds the joined rows in another transaction and takes the step with a short lock timeout: a step that
locked them too would wait, and fail. They are held as an update that changes no key would hold them (FOR NO KEY
UPDATE), which still lets the step insert rows that refer to them."""

from contextlib import contextmanager

from django.db import connection, transaction

from agencies.models import Agency
from cases.workflows import assistance_give, referral_receive
from deadlines.clocks import deadline_meet, running_for
from deadlines.models import DeadlineRule
from tests.concurrency import in_another_transaction, transactional

from .test_complaints import send as ask_for_assistance
from .test_referral import send as refer

pytestmark = transactional


@contextmanager
def waiting_at_most_one_second():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
        yield


def holding_the_agencies():
    list(Agency.objects.select_for_update(no_key=True).values_list("pk", flat=True))


def test_signing_for_a_referral_leaves_its_agencies_free(approved, insider, other_agency, receiver_handler):
    referral = refer(approved, insider, other_agency)
    with in_another_transaction(holding_the_agencies), waiting_at_most_one_second():
        referral_receive(actor=receiver_handler, referral=referral)


def test_answering_an_assistance_letter_leaves_its_agencies_free(insider, agency, other_agency, asked):
    assistance = ask_for_assistance(insider, agency, other_agency)
    with in_another_transaction(holding_the_agencies), waiting_at_most_one_second():
        assistance_give(actor=asked["handler"], assistance=assistance, feedback="已提供在建工程清单。")


def test_meeting_a_clock_leaves_its_rule_free(approved):
    clock = running_for(approved, "L2").get()

    def holding_the_rule():
        DeadlineRule.objects.select_for_update(no_key=True).get(pk=clock.rule_id)

    with in_another_transaction(holding_the_rule), waiting_at_most_one_second():
        deadline_meet(deadline=clock)
