"""The demo joint meeting for `make run` (after seed_demo and seed_demo_cases): the 宣恩 body (宣恩 二(一): convener
县政府办, office 政务局, the sixteen member units), a plenary held last week whose minutes assigned a decision now
in progress, and a signed item waiting to be submitted; made through the real workflows. Demo only."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Membership, Region
from deadlines import workdays
from deadlines.clocks import calendar_for
from deadlines.due import LEGAL_TZ, local_date

from . import services, workflows
from .models import Assignment, Body, BodyMember, Meeting

XUANEN = "422825"
MEMBERS = [  # 宣恩 二(一): 成员单位
    "宣恩县政务服务和大数据管理局",
    "宣恩县财政局",
    "宣恩县发展和改革局",
    "宣恩县交通运输局",
    "宣恩县住房和城乡建设局",
    "宣恩县水利局",
    "宣恩县自然资源和规划局",
    "宣恩县司法局",
    "宣恩县市场监督管理局",
    "宣恩县科学技术和经济信息化局",
    "宣恩县卫生健康局",
    "宣恩县农业农村局",
    "宣恩县审计局",
    "宣恩县教育局",
    "宣恩县林业局",
    "宣恩县公共资源交易中心",
]
LIAISONS = {"宣恩县交通运输局": "xe_liaison"}
CONVENER_USER = (
    "xe_convener"  # 县政府办分管公共资源交易工作的副主任: the office head, who approves the agenda
)


def _user(username):
    return get_user_model().objects.get(username=username)


def _convener_user(convener: Agency):
    """The demo convener (not among agencies.demo's people: the lead may move it there), with the demo password."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=CONVENER_USER, defaults={"last_name": "钱", "first_name": "副主任"}
    )
    if created:
        user.password = _user("xe_supervisor").password  # the same demo password as everyone else
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, agency=convener, role=Membership.Role.HEAD)
    return user


@transaction.atomic
def seed_demo_meetings(*, now=None) -> int:
    """Create the demo body, plenary, decision and items unless the body exists; return 1 if created."""
    region = Region.objects.get(code=XUANEN)
    if Body.objects.filter(region=region).exists():
        return 0
    now = now or timezone.now()
    agencies = {agency.name: agency for agency in Agency.objects.filter(region=region)}
    convener, office = agencies["宣恩县人民政府办公室"], agencies["宣恩县政务服务和大数据管理局"]
    chair = _convener_user(convener)
    supervisor = _user("xe_supervisor")
    body = Body.objects.create(
        region=region, name="宣恩县公共资源交易联席会议", convener=convener, office=office, office_head=chair
    )
    BodyMember.objects.bulk_create(
        BodyMember(
            body=body,
            agency=agencies[name],
            liaison=_user(LIAISONS[name]) if name in LIAISONS else None,
        )
        for name in MEMBERS
    )
    housing, center = agencies["宣恩县住房和城乡建设局"], agencies["宣恩县公共资源交易中心"]
    handler, head = _user("xe_handler"), _user("xe_head")

    meeting = services.meeting_plan(
        actor=supervisor,
        body=body,
        kind=Meeting.Kind.PLENARY,
        title=f"{now.year}年{'上' if now.month <= 6 else '下'}半年联席会议全体会议",
        starts_at=now + timedelta(hours=1),
        place="县政务服务中心三楼会议室",
    )
    item = services.item_draft(
        actor=handler,
        body=body,
        agency=housing,
        title="房建项目评标专家重复抽取问题",
        description="今年以来，县内多个房建项目出现同一评标专家短期内被重复抽中的情况，建议研究抽取回避规则。",
    )
    workflows.item_sign(actor=head, item=item)
    workflows.item_submit(actor=handler, item=item)
    workflows.item_compile(actor=supervisor, item=item, meeting=meeting)
    workflows.item_approve(actor=chair, item=item)
    workflows.meeting_notify(actor=supervisor, meeting=meeting)
    # Demo only: the plenary took place last week. Planning and the notice take a time still to come, so it is
    # moved back once notified (its notice keeps the planned time).
    last_week = datetime.combine(local_date(now) - timedelta(days=7), time(9), tzinfo=LEGAL_TZ)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=last_week)
    meeting.refresh_from_db()
    workflows.meeting_hold(
        actor=supervisor,
        meeting=meeting,
        attendance=[(agencies[name], True, "") for name in MEMBERS] + [(convener, True, "钱副主任")],
    )
    due = workdays.add_working_days(local_date(now), 10, calendar=calendar_for(housing).pk)
    workflows.meeting_record_minutes(
        actor=supervisor,
        meeting=meeting,
        summary="会议听取了县政务局关于上半年公共资源交易联动监督工作的情况通报，研究了县住建局提出的评标专家重复抽取问题。",
        decisions=[
            {
                "text": "县住建局会同县公共资源交易中心制定评标专家抽取回避规则，报联席会议办公室备案",
                "agencies": [housing, center],
                "due_date": due,
            }
        ],
    )
    workflows.assignment_report(
        actor=handler,
        assignment=Assignment.objects.get(agency=housing, decision__meeting=meeting),
        text="已起草评标专家抽取回避规则（征求意见稿），正征求交易中心意见。",
    )
    second = services.item_draft(
        actor=handler,
        body=body,
        agency=housing,
        title="建设工程围标串标线索移送衔接问题",
        description="建议明确交易中心发现的围标串标线索移送住建局的材料清单和时限要求。",
    )
    workflows.item_sign(actor=head, item=second)
    return 1
