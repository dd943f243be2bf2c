"""An entity's credit standing on a day: its score, the thresholds it reaches, and whether it may take part in
trading — and if not, why and until when. Pure reads of approved decisions: the score counts published records
within their validity (a record's validity, not its publication, decides its consequences, so the score may include
records no longer on the public list: the check gives the total, never those records); a restriction a decision
imposed (取消投标资格 until a day) holds to its end even after a credit repair, which takes the record out of
publication and the score but does not undo the penalty (ADR 0015)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deadlines.due import add_months

from .models import CreditRecord, CreditRule, CreditThreshold, Memo, Severity


@dataclass(frozen=True)
class Restriction:
    reason: str
    until: datetime.date | None  # None: until the entity's score falls (it has no fixed end)
    source: str  # "record", "threshold" or "memo"


@dataclass
class Standing:
    on: datetime.date
    score: int = 0  # adverse points of the valid published records (量化记分)
    bonus: int = 0  # good-conduct points (信用加分)
    restrictions: list[Restriction] = field(default_factory=list)
    thresholds: list[CreditThreshold] = field(default_factory=list)

    serious: bool = False  # a valid published record of a serious rule: 严重失信主体

    @property
    def may_trade(self) -> bool:
        return not self.restrictions

    @property
    def until(self) -> datetime.date | None:
        """The last day of the longest restriction (None when there is none, or one depends on the score)."""
        ends = [item.until for item in self.restrictions]
        if not ends or None in ends:
            return None
        return max(ends)


def _points(records, on: datetime.date, *, window_months: int | None = None) -> int:
    total = 0
    for record in records:
        if record.kind != CreditRule.Kind.BAD:
            continue
        if not (record.decided_on <= on <= record.valid_until):
            continue
        if window_months is not None and add_months(record.decided_on, window_months) <= on:
            continue
        total += record.points
    return total


def _threshold_end(records, threshold: CreditThreshold, on: datetime.date) -> datetime.date | None:
    """The last day the score stays at or above the threshold: try the days a record stops counting (its validity
    ends, or it leaves the window) in order; None if no such day is in sight."""
    candidates = sorted(
        {record.valid_until + datetime.timedelta(days=1) for record in records}
        | {add_months(record.decided_on, threshold.window_months) for record in records}
    )
    for day in candidates:
        if day > on and _points(records, day, window_months=threshold.window_months) < threshold.points_min:
            return day - datetime.timedelta(days=1)
    return None


# What _standing reads of a record (anything else would be loaded record by record).
RECORD_FIELDS = (
    "entity_id",
    "kind",
    "state",
    "points",
    "penalty",
    "decided_on",
    "valid_until",
    "restricted_until",
    "rule__code",
    "rule__description",
    "rule__severity",
    "agency__name",
)


def standing_of(entity, on: datetime.date) -> Standing:
    """The entity's standing on `on` from its published records, the active thresholds and the memos in force."""
    return standings_of([entity], on)[entity.pk]


def standings_of(entities, on: datetime.date) -> dict[int, Standing]:
    """Each entity's standing on `on` (by primary key), in three queries however many entities (a case page's
    parties): their published and repaired records, the active thresholds, the memos in force naming them."""
    ids = [entity.pk for entity in entities]
    if not ids:
        return {}
    published, repaired = CreditRecord.State.PUBLISHED, CreditRecord.State.REPAIRED
    records = {pk: [] for pk in ids}
    for record in (
        CreditRecord.objects.filter(entity__in=ids, state__in=[published, repaired], decided_on__lte=on)
        .select_related("rule", "agency")
        .only(*RECORD_FIELDS)  # a case page's credit lines: compiling every column was most of their cost
        .order_by("decided_on", "id")
    ):
        records[record.entity_id].append(record)
    thresholds = list(CreditThreshold.objects.filter(is_active=True))
    memos = {pk: [] for pk in ids}
    for memo in (
        Memo.objects.in_force(on)
        .filter(entities__in=ids)
        .annotate(named=F("entities"))  # a row for each entity of ours the memo names
        .select_related("document")
        .only("title", "restricted_until", "document__number")
    ):
        memos[memo.named].append(memo)
    return {pk: _standing(records[pk], thresholds, memos[pk], on) for pk in ids}


def _standing(records: list, thresholds: list, memos: list, on: datetime.date) -> Standing:
    published, repaired = CreditRecord.State.PUBLISHED, CreditRecord.State.REPAIRED
    valid = [record for record in records if record.state == published and record.valid_until >= on]
    standing = Standing(
        on=on,
        score=_points(valid, on),
        bonus=sum(record.points for record in valid if record.kind == CreditRule.Kind.GOOD),
    )
    standing.serious = any(
        record.rule.severity == Severity.SERIOUS for record in valid if record.kind == CreditRule.Kind.BAD
    )
    for record in records:
        if record.restricted_until and record.decided_on <= on <= record.restricted_until:
            standing.restrictions.append(
                Restriction(
                    reason=_("%(agency)s's decision of %(day)s (%(rule)s %(description)s, %(penalty)s)")
                    % {
                        "agency": record.agency.name,
                        "day": date_format(record.decided_on),
                        "rule": record.rule.code,
                        "description": record.rule.description,
                        "penalty": record.get_penalty_display(),
                    }
                    + (
                        _(
                            "; the credit information was repaired, which does not end the decision's restriction"
                        )
                        if record.state == repaired
                        else ""
                    ),
                    until=record.restricted_until,
                    source="record",
                )
            )
    for threshold in thresholds:
        points = _points(valid, on, window_months=threshold.window_months)
        if points >= threshold.points_min:
            standing.thresholds.append(threshold)
            if threshold.restricts_trading:
                standing.restrictions.append(
                    Restriction(
                        reason=_(
                            "%(points)s adverse points in the last %(months)s months, reaching %(minimum)s "
                            "(%(consequence)s)"
                        )
                        % {
                            "points": points,
                            "months": threshold.window_months,
                            "minimum": threshold.points_min,
                            "consequence": threshold.consequence,
                        },
                        until=_threshold_end(valid, threshold, on),
                        source="threshold",
                    )
                )
    for memo in memos:
        number = memo.document.number if memo.document_id else memo.title
        standing.restrictions.append(
            Restriction(
                reason=_("Joint punishment memo (%(number)s)") % {"number": number},
                until=memo.restricted_until,
                source="memo",
            )
        )
    return standing
