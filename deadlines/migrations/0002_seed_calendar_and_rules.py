"""Seed the national calendar for 2004-2026 from chinese_calendar (the State Council's schedules) and the
statutory deadline rules of domain.md §2.2. chinese_calendar is used here only, never for date math."""

from django.db import migrations
from django.utils import timezone

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
SOURCE = "chinese_calendar 1.11.0（国务院办公厅部分节假日安排的通知）"

XUANEN = "宣恩县公共资源交易联动监督管理实施方案（宣公管委〔2020〕5号）"
DECREE_310 = "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）"
RULES = [
    # code, name, duration, unit, trigger verb, acting side, legal source
    (
        "L1",
        "书面告知投诉人向有管辖权的部门投诉",
        3,
        "working_days",
        "收到投诉",
        "receiver",
        f"{XUANEN}二（四）2",
    ),
    ("L2", "完成案件移送", 5, "working_days", "收到投诉举报件或发现违法行为", "sender", f"{XUANEN}二（四）2"),
    (
        "L3",
        "不属本部门职责的，退回案件材料并书面说明理由",
        5,
        "working_days",
        "收到案件材料",
        "receiver",
        f"{XUANEN}二（四）3",
    ),
    (
        "L4",
        "将受理结果回告移送案件的部门",
        5,
        "working_days",
        "决定是否受理",
        "receiver",
        f"{XUANEN}二（四）3",
    ),
    ("L5", "将办理结果回告移送案件的部门", 10, "working_days", "处理完毕", "receiver", f"{XUANEN}二（四）3"),
    (
        "L6",
        "超出本部门职能的协助办理事项，退回函件并说明原因",
        5,
        "working_days",
        "收到协助办理函",
        "receiver",
        f"{XUANEN}二（四）3",
    ),
    (
        "C2",
        "正职负责人或主持工作的负责人审批是否移送（不批准的应将理由记录在案）",
        3,
        "calendar_days",
        "收到书面报告",
        "agency",
        f"{DECREE_310}第五条",
    ),
    ("C3", "向同级公安机关移送涉嫌犯罪案件", 24, "hours", "批准移送", "agency", f"{DECREE_310}第五条"),
    (
        "C6",
        "审查移送案件，决定是否立案并书面通知移送机关",
        3,
        "calendar_days",
        "收到移送案件",
        "police",
        f"{DECREE_310}第八条",
    ),
    (
        "C9",
        "对不予立案决定提请复议",
        3,
        "calendar_days",
        "收到不予立案通知书",
        "agency",
        f"{DECREE_310}第九条",
    ),
    (
        "C10",
        "作出复议决定并书面通知提请复议的机关",
        3,
        "calendar_days",
        "收到复议申请",
        "police",
        f"{DECREE_310}第九条",
    ),
    (
        "C11",
        "对复议决定仍有异议的，建议人民检察院依法进行立案监督",
        3,
        "calendar_days",
        "收到复议决定",
        "agency",
        f"{DECREE_310}第九条",
    ),
    (
        "C12",
        "移交涉案物品及与案件有关的其他材料，办结交接手续",
        3,
        "calendar_days",
        "收到立案通知书",
        "agency",
        f"{DECREE_310}第十二条",
    ),
]


def seed(apps, schema_editor):
    import chinese_calendar.constants as source

    WorkCalendar = apps.get_model("deadlines", "WorkCalendar")
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    CalendarYear = apps.get_model("deadlines", "CalendarYear")
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")

    national, _ = WorkCalendar.objects.get_or_create(code="national", defaults={"name": "全国法定节假日"})
    days = [
        CalendarDay(calendar=national, date=day, kind="holiday", name=HOLIDAY_NAMES[name])
        for day, name in source.holidays.items()
    ] + [
        CalendarDay(calendar=national, date=day, kind="workday", name=HOLIDAY_NAMES[name])
        for day, name in source.workdays.items()
    ]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)
    now = timezone.now()
    years = sorted({day.year for day in source.holidays})
    CalendarYear.objects.bulk_create(
        [CalendarYear(calendar=national, year=year, published_at=now, source=SOURCE) for year in years],
        ignore_conflicts=True,
    )
    for code, name, duration, unit, verb, side, legal in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "duration": duration,
                "unit": unit,
                "trigger_verb": verb,
                "acting_side": side,
                "legal_source": legal,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
