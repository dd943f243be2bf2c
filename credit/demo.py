"""Demo credit data for `make run`: a few market entities of 宣恩, a scoring table whose points are placeholders
(marked so: the Hubei 量化管理办法's values are not public, administrators enter them), records in several states,
a repaired one, and a joint punishment memo — made through the real workflows, so that their trail, documents,
clocks and notifications are what real ones would have. Demo only (seed_demo_credit)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from deadlines.due import LEGAL_TZ

from .identity import check_character
from .models import CreditRecord, CreditRule, CreditThreshold, EntityRole, MarketEntity
from .services import market_entity
from .workflows import memo_issue, record_approve, record_create, record_publish, repair_apply, repair_decide

PLACEHOLDER = "（暂定分值，待管理员按《湖北省公共资源违法违规行为记录量化管理办法》填写）"
REGS = "《中华人民共和国招标投标法实施条例》"
RULES = [
    # (code, description, legal basis, kind, points, validity months, restriction months, severity)
    ("DEMO-TB01", "投标人相互串通投标", f"{REGS}第三十九条、第六十七条", "bad", 6, 12, 0, "general"),
    ("DEMO-TB02", "串通投标情节严重，取消投标资格", f"{REGS}第六十七条第二款", "bad", 12, 24, 12, "serious"),
    ("DEMO-TB03", "以他人名义投标或弄虚作假骗取中标", f"{REGS}第四十二条、第六十八条", "bad", 8, 12, 0, "general"),
    ("DEMO-DL01", "招标代理机构泄露应当保密的资料", f"{REGS}第六十五条", "bad", 4, 12, 0, "general"),
    ("DEMO-SX01", "诚信经营，获县级以上评先表彰", "宣公管委〔2020〕5号 二、（五）1", "good", 3, 12, 0, "general"),
]  # fmt: skip
ENTITIES = [
    ("91110000600037341L", "恩施某路桥建设有限公司", [EntityRole.Role.BIDDER], "覃某"),
    ("Y1422825MA4K00015P", "宣恩县某招标代理有限公司", [EntityRole.Role.AGENT], "向某"),
    ("A1150600MA0N12345K", "某市政工程有限公司", [EntityRole.Role.BIDDER, EntityRole.Role.SUPPLIER], "田某"),
]


def _user(username):
    return get_user_model().objects.get(username=username)


@transaction.atomic
def seed_demo_credit() -> int:
    """Create the demo credit data unless it exists; return how many records were created."""
    if CreditRule.objects.filter(code__startswith="DEMO-").exists():
        return 0
    rules = {}
    for code, description, basis, kind, points, validity, restriction, severity in RULES:
        rules[code] = CreditRule.objects.create(
            code=code,
            description=description,
            legal_basis=f"{basis}{PLACEHOLDER}",
            kind=kind,
            points=points,
            validity_months=validity,
            restriction_months=restriction,
            severity=severity,
        )
    CreditThreshold.objects.create(
        points_min=12,
        window_months=12,
        consequence=f"限制参与本县公共资源交易活动{PLACEHOLDER}",
        legal_basis=f"{REGS}第六十七条",
    )
    entities = []
    for uscc, name, roles, representative in ENTITIES:
        entity = market_entity(uscc, name)
        if not entity.legal_representative:
            entity.legal_representative = representative
            entity.save(update_fields=["legal_representative"])
        for role in roles:
            EntityRole.objects.get_or_create(entity=entity, role=role)
        entities.append(entity)
    expert_id = "42282519750315002" + check_character("42282519750315002")
    expert, _ = MarketEntity.objects.get_or_create(
        id_number=expert_id, defaults={"name": "向某某", "kind": MarketEntity.Kind.PERSON}
    )
    EntityRole.objects.get_or_create(entity=expert, role=EntityRole.Role.EXPERT)
    bidder, agent, other = entities
    housing = Agency.objects.get(name="宣恩县住房和城乡建设局")
    coordinator = Agency.objects.get(name="宣恩县政务服务和大数据管理局")
    handler, head, supervisor = _user("xe_handler"), _user("xe_head"), _user("xe_supervisor")
    today = timezone.localdate(timezone.now(), LEGAL_TZ)

    def record(entity, rule, days_ago, act, state, **extra):
        item = record_create(
            actor=handler,
            agency=housing,
            entity=entity,
            rule=rules[rule],
            decided_on=today - timedelta(days=days_ago),
            facts=extra.pop("facts", "经查，" + rules[rule].description + "。"),
            act=act,
            source_kind=extra.pop("source_kind", CreditRecord.Source.DECISION),
            source_reference=act,
            **extra,
        )
        if state in ("approved", "published"):
            item = record_approve(actor=head, record=item)
        if state == "published":
            item = record_publish(actor=handler, record=item)
        return item

    made = [
        record(
            bidder, "DEMO-TB02", 40, "宣住建罚〔DEMO〕1号", "published", penalty="fine", fine_amount=80000
        ),
        record(bidder, "DEMO-TB01", 40, "宣住建罚〔DEMO〕1号", "published", penalty="disqualification"),
        record(other, "DEMO-TB03", 10, "宣住建罚〔DEMO〕2号", "approved", penalty="warning"),
        record(agent, "DEMO-DL01", 3, "宣住建罚〔DEMO〕3号", "draft", source_kind=CreditRecord.Source.CASE),
        record(other, "DEMO-SX01", 60, "宣住建表〔DEMO〕1号", "published"),
    ]
    repaired = record(agent, "DEMO-DL01", 200, "宣住建罚〔DEMO〕4号", "published", penalty="warning")
    application = repair_apply(
        actor=handler,
        record=repaired,
        applicant="宣恩县某招标代理有限公司",
        reasons="已完成整改并提交信用承诺书。",
    )
    repair_decide(actor=head, application=application, approve=True, note="整改到位，同意信用修复。")
    made.append(repaired)
    memo_issue(
        actor=supervisor,
        agency=coordinator,
        title="关于对恩施某路桥建设有限公司实施联合惩戒的备忘录",
        grounds="该公司在宣恩县城区道路提质改造工程中与其他投标人串通投标，已被宣恩县住房和城乡建设局处罚。",
        measures="在本县公共资源交易活动中限制其投标资格；在资质审核、项目审批中作为重要参考。",
        restricted_until=today + timedelta(days=365),
        entities=[bidder],
    )
    return len(made)
