"""Statistics per agency and period (督办统计): referrals received, sent and decided, clocks met in time or late,
and the average working days each stage took. Referral counts come through the referral indexes on their dates,
clock figures from the daily figures (deadlines.daily): a fixed handful of grouped queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from cases.models import Referral
from deadlines.models import ClockDay

from .board import Outcome
from .periods import Period
from .scope import Scope

ACCEPTED = (
    Referral.State.ACCEPTED,
    Referral.State.ACCEPTANCE_NOTIFIED,
    Referral.State.CONCLUDED,
    Referral.State.RESULT_NOTIFIED,
)
COUNTS = (
    ("received", _("Referrals received")),
    ("referred", _("Referrals sent")),
    ("accepted", _("Accepted")),
    ("returned", _("Returned")),
    ("forwarded", _("Forwarded")),
    ("concluded", _("Concluded")),
)


@dataclass
class Row:
    agency: object
    received: int = 0
    referred: int = 0
    accepted: int = 0
    returned: int = 0
    forwarded: int = 0
    concluded: int = 0
    outcome: Outcome = field(default_factory=Outcome)
    stages: dict = field(default_factory=dict)  # rule id → Outcome

    def cells(self, rules) -> list:
        """The row as plain values for a table or a download, stage by stage in the order of `rules`."""
        rate = self.outcome.rate
        values = [getattr(self, name) for name, _label in COUNTS]
        values += [
            self.outcome.met_in_time,
            self.outcome.late,
            None if rate is None else round(rate * 100, 1),
        ]
        for rule in rules:
            days = self.stages.get(rule["id"], Outcome()).average_working_days
            values.append(None if days is None else round(days, 1))
        return values


@dataclass
class Statistics:
    period: Period
    rows: list[Row]
    rules: list[dict]  # id, code, name of the stages that have figures in the period
    total: Row

    def figure_headers(self) -> list[str]:
        """The headers of the columns before the stages' (the page heads the stages' columns by code alone, under
        one "average working days", and lists the codes' names below the table)."""
        names = [
            _("Agency"),
            *(label for _name, label in COUNTS),
            _("Met in time"),
            _("Late"),
            _("On-time rate (%)"),
        ]
        return [str(name) for name in names]

    def headers(self) -> list[str]:
        """The column headers of a download: the stages by code and name."""
        return self.figure_headers() + [
            str(_("Average working days: %(stage)s") % {"stage": f"{rule['code']} {rule['name']}"})
            for rule in self.rules
        ]


def statistics(scope: Scope, period: Period) -> Statistics:
    rows = {agency.pk: Row(agency) for agency in scope.agencies}
    total = Row(agency=None)
    moments = (period.first_instant, period.last_instant)
    referrals = Referral.objects.order_by()

    def count(name, agency_field, **conditions):
        for agency_id, number in (
            referrals.filter(**{f"{agency_field}_id__in": scope.ids}, **conditions)
            .values_list(f"{agency_field}_id")
            .annotate(number=Count("id"))
        ):
            setattr(rows[agency_id], name, getattr(rows[agency_id], name) + number)
            setattr(total, name, getattr(total, name) + number)

    count("received", "receiver", sent_at__range=moments)
    count("referred", "sender", sent_at__range=moments)
    count("accepted", "receiver", decided_at__range=moments, state__in=ACCEPTED)
    count("returned", "receiver", decided_at__range=moments, state=Referral.State.RETURNED)
    count("forwarded", "receiver", decided_at__range=moments, state=Referral.State.FORWARDED)
    count("concluded", "receiver", concluded_at__range=moments)

    rules = {}
    for row in (
        ClockDay.objects.filter(agency_id__in=scope.ids, day__range=(period.start, period.end))
        .values("agency_id", "rule_id", "rule__code", "rule__name")
        .annotate(
            **{
                name: Sum(name)
                for name in ("met_in_time", "met_late", "overdue", "pending", "met_working_days")
            }
        )
        .order_by()
    ):
        rules[row["rule_id"]] = {"id": row["rule_id"], "code": row["rule__code"], "name": row["rule__name"]}
        agency = rows[row["agency_id"]]
        agency.outcome.add(row)
        agency.stages.setdefault(row["rule_id"], Outcome()).add(row)
        total.outcome.add(row)
        total.stages.setdefault(row["rule_id"], Outcome()).add(row)
    return Statistics(
        period, list(rows.values()), sorted(rules.values(), key=lambda rule: rule["code"]), total
    )
