"""Demo data: both seed jurisdictions with every agency their documents name, demo people in every role and
sample duty lists. Telephone numbers and document codes are invented for the demo; replace them in the admin.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Agency, DutyItem, Membership, Region

K = Agency.Kind
R = Membership.Role

REGIONS = [
    # (code, name, parent code)
    ("420000", "湖北省", None),
    ("422800", "恩施土家族苗族自治州", "420000"),
    ("422825", "宣恩县", "422800"),
    ("150000", "内蒙古自治区", None),
    ("150600", "鄂尔多斯市", "150000"),
]

# (region code, name, short name, kind, 机关代字, complaint telephone)
AGENCIES = [
    # 宣恩县公共资源交易联动监督管理实施方案 (宣公管委〔2020〕5号), 一 and 二(一)
    ("422825", "宣恩县公共资源交易管理委员会", "县公管委", K.COMMITTEE, "宣公管委", ""),
    ("422825", "宣恩县人民政府办公室", "县政府办", K.GOVERNMENT_OFFICE, "宣政办", ""),
    ("422825", "宣恩县政务服务和大数据管理局", "县政务局", K.COMPREHENSIVE, "宣政务", "0718-3700001"),
    ("422825", "宣恩县公共资源交易中心", "县交易中心", K.TRADING_CENTER, "宣交易", "0718-3700002"),
    ("422825", "宣恩县发展和改革局", "县发改局", K.SUPERVISORY, "宣发改", "0718-3700003"),
    ("422825", "宣恩县财政局", "县财政局", K.FINANCE, "宣财", "0718-3700004"),
    ("422825", "宣恩县住房和城乡建设局", "县住建局", K.SUPERVISORY, "宣住建", "0718-3700005"),
    ("422825", "宣恩县交通运输局", "县交通运输局", K.SUPERVISORY, "宣交运", "0718-3700006"),
    ("422825", "宣恩县水利局", "县水利局", K.SUPERVISORY, "宣水利", "0718-3700007"),
    ("422825", "宣恩县自然资源和规划局", "县自然资源和规划局", K.SUPERVISORY, "宣自然资规", "0718-3700008"),
    ("422825", "宣恩县司法局", "县司法局", K.SUPERVISORY, "宣司法", "0718-3700009"),
    ("422825", "宣恩县市场监督管理局", "县市场监管局", K.SUPERVISORY, "宣市监", "0718-3700010"),
    ("422825", "宣恩县农业农村局", "县农业农村局", K.SUPERVISORY, "宣农业", "0718-3700011"),
    ("422825", "宣恩县科学技术和经济信息化局", "县科经局", K.SUPERVISORY, "宣科经", "0718-3700012"),
    ("422825", "宣恩县卫生健康局", "县卫健局", K.SUPERVISORY, "宣卫健", "0718-3700013"),
    ("422825", "宣恩县审计局", "县审计局", K.SUPERVISORY, "宣审计", "0718-3700014"),
    ("422825", "宣恩县教育局", "县教育局", K.SUPERVISORY, "宣教育", "0718-3700015"),
    ("422825", "宣恩县林业局", "县林业局", K.SUPERVISORY, "宣林业", "0718-3700016"),
    # 二(四)1: suspected crimes go to the police (Decree 310); leads may also go to the procuratorate and
    # the discipline organ.
    ("422825", "宣恩县公安局", "县公安局", K.POLICE, "宣公", "0718-3700110"),
    ("422825", "宣恩县人民检察院", "县检察院", K.PROCURATORATE, "宣检", "0718-3700120"),
    ("422825", "宣恩县纪委监委", "县纪委监委", K.DISCIPLINE, "宣纪", "0718-3700121"),
    # 鄂尔多斯市公共资源交易协同监督管理办法（试行）, 第一条, 第三条, 第十一条
    ("150600", "鄂尔多斯市公共资源交易中心", "市交易中心", K.TRADING_CENTER, "鄂交易", "0477-8500001"),
    ("150600", "鄂尔多斯市发展和改革委员会", "市发改委", K.SUPERVISORY, "鄂发改", "0477-8500002"),
    ("150600", "鄂尔多斯市工业和信息化局", "市工信局", K.SUPERVISORY, "鄂工信", "0477-8500003"),
    ("150600", "鄂尔多斯市财政局", "市财政局", K.FINANCE, "鄂财", "0477-8500004"),
    ("150600", "鄂尔多斯市自然资源局", "市自然资源局", K.SUPERVISORY, "鄂自然资", "0477-8500005"),
    ("150600", "鄂尔多斯市生态环境局", "市生态环境局", K.SUPERVISORY, "鄂环", "0477-8500006"),
    ("150600", "鄂尔多斯市住房和城乡建设局", "市住建局", K.SUPERVISORY, "鄂建", "0477-8500007"),
    ("150600", "鄂尔多斯市交通运输局", "市交通运输局", K.SUPERVISORY, "鄂交", "0477-8500008"),
    ("150600", "鄂尔多斯市水利局", "市水利局", K.SUPERVISORY, "鄂水", "0477-8500009"),
    ("150600", "鄂尔多斯市农牧局", "市农牧局", K.SUPERVISORY, "鄂农牧", "0477-8500010"),
    ("150600", "鄂尔多斯市商务局", "市商务局", K.SUPERVISORY, "鄂商", "0477-8500011"),
    ("150600", "鄂尔多斯市卫生健康委员会", "市卫健委", K.SUPERVISORY, "鄂卫健", "0477-8500012"),
    (
        "150600",
        "鄂尔多斯市人民政府国有资产监督管理委员会",
        "市国资委",
        K.SUPERVISORY,
        "鄂国资",
        "0477-8500013",
    ),
    ("150600", "鄂尔多斯市市场监督管理局", "市市场监管局", K.SUPERVISORY, "鄂市监", "0477-8500014"),
    ("150600", "鄂尔多斯市能源局", "市能源局", K.SUPERVISORY, "鄂能源", "0477-8500015"),
    ("150600", "鄂尔多斯市林业和草原局", "市林草局", K.SUPERVISORY, "鄂林草", "0477-8500016"),
    ("150600", "鄂尔多斯市医疗保障局", "市医保局", K.SUPERVISORY, "鄂医保", "0477-8500017"),
    ("150600", "鄂尔多斯市公安局", "市公安局", K.POLICE, "鄂公", "0477-8500110"),
    ("150600", "鄂尔多斯市人民检察院", "市检察院", K.PROCURATORATE, "鄂检", "0477-8500018"),
    ("150600", "鄂尔多斯市纪委监委", "市纪委监委", K.DISCIPLINE, "鄂纪", "0477-8500019"),
]

COORDINATORS = {
    "422825": "宣恩县政务服务和大数据管理局",  # 宣恩 一: 政务局 as the committee's daily office
    "150600": "鄂尔多斯市公共资源交易中心",  # 鄂尔多斯 第一条: the joint meeting office's functions
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    memberships: tuple[tuple[str, str, str], ...]  # (region code, agency name, role)
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser(
        "admin", "系统", "管理员", (("422825", "宣恩县政务服务和大数据管理局", R.ADMIN),), is_superuser=True
    ),
    # 宣恩县
    DemoUser(
        "xe_supervisor",
        "张",
        "督办",
        (
            ("422825", "宣恩县政务服务和大数据管理局", R.SUPERVISOR),
            # 政务局 is the committee's daily office, so its staff also act for the committee.
            ("422825", "宣恩县公共资源交易管理委员会", R.HANDLER),
        ),
    ),
    DemoUser("xe_clerk", "李", "经办", (("422825", "宣恩县公共资源交易中心", R.HANDLER),)),
    # A lead is verified by two or more staff and approved by the head (鄂尔多斯 第十一条).
    DemoUser("xe_clerk2", "黄", "核实", (("422825", "宣恩县公共资源交易中心", R.HANDLER),)),
    DemoUser("xe_center_head", "何", "主任", (("422825", "宣恩县公共资源交易中心", R.HEAD),)),
    DemoUser("xe_handler", "王", "经办", (("422825", "宣恩县住房和城乡建设局", R.HANDLER),)),
    DemoUser("xe_head", "赵", "局长", (("422825", "宣恩县住房和城乡建设局", R.HEAD),)),
    DemoUser("xe_liaison", "刘", "联络", (("422825", "宣恩县交通运输局", R.LIAISON),)),
    DemoUser("xe_police", "陈", "警官", (("422825", "宣恩县公安局", R.HANDLER),)),
    # 鄂尔多斯市
    DemoUser("eeds_supervisor", "孙", "督办", (("150600", "鄂尔多斯市公共资源交易中心", R.SUPERVISOR),)),
    DemoUser("eeds_clerk", "周", "经办", (("150600", "鄂尔多斯市公共资源交易中心", R.HANDLER),)),
    DemoUser("eeds_handler", "吴", "经办", (("150600", "鄂尔多斯市住房和城乡建设局", R.HANDLER),)),
    DemoUser("eeds_head", "郑", "局长", (("150600", "鄂尔多斯市住房和城乡建设局", R.HEAD),)),
    DemoUser("eeds_liaison", "冯", "联络", (("150600", "鄂尔多斯市发展和改革委员会", R.LIAISON),)),
]

D = DutyItem.DutyList
DK = DutyItem.Kind
TENDER_LAW = "《中华人民共和国招标投标法》"
TENDER_REGS = "《中华人民共和国招标投标法实施条例》"
PLATFORM_RULES = "《公共资源交易平台管理暂行办法》（国家发展改革委等14部委令第39号）"

# (agency name, list, kind, item, legal basis)
DUTY_ITEMS = (
    [
        (
            name,
            D.POWERS,
            DK.INSPECTION,
            "房屋建筑和市政基础设施工程招标投标活动监督检查",
            f"{TENDER_LAW}第七条；{TENDER_REGS}第四条",
        )
        for name in ("宣恩县住房和城乡建设局", "鄂尔多斯市住房和城乡建设局")
    ]
    + [
        (
            name,
            D.POWERS,
            DK.PENALTY,
            "对招标投标违法行为的行政处罚",
            f"{TENDER_LAW}第四十九条至第六十条；{TENDER_REGS}第六十三条至第八十一条",
        )
        for name in ("宣恩县住房和城乡建设局", "鄂尔多斯市住房和城乡建设局")
    ]
    + [
        (name, D.POWERS, DK.RULING, "招标投标投诉处理", f"{TENDER_REGS}第六十条至第六十二条")
        for name in ("宣恩县住房和城乡建设局", "鄂尔多斯市住房和城乡建设局")
    ]
    + [
        (name, D.SERVICES, DK.PUBLIC_SERVICE, item, PLATFORM_RULES)
        for name in ("宣恩县公共资源交易中心", "鄂尔多斯市公共资源交易中心")
        for item in ("交易项目进场登记", "开标评标场地安排", "交易信息公开", "交易过程见证与资料归档")
    ]
    + [
        (
            "宣恩县财政局",
            D.POWERS,
            DK.INSPECTION,
            "政府采购活动监督检查",
            "《中华人民共和国政府采购法》第十三条、第五十九条",
        ),
        (
            "宣恩县财政局",
            D.POWERS,
            DK.RULING,
            "政府采购投诉处理",
            "《政府采购质疑和投诉办法》（财政部令第94号）",
        ),
    ]
)


@transaction.atomic
def seed_demo(*, password: str) -> list[DemoUser]:
    """Create or update the demo jurisdictions, agencies, people and duty lists. Running it again changes nothing."""
    regions = {}
    for code, name, parent in REGIONS:
        regions[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "parent": regions.get(parent)}
        )
    agencies = {}
    for code, name, short_name, kind, prefix, phone in AGENCIES:
        agencies[code, name], _ = Agency.objects.update_or_create(
            region=regions[code],
            name=name,
            defaults={"short_name": short_name, "kind": kind, "doc_prefix": prefix, "complaint_phone": phone},
        )
    for code, name in COORDINATORS.items():
        Region.objects.filter(pk=regions[code].pk).update(coordinator=agencies[code, name])

    User = get_user_model()
    for demo in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "last_name": demo.last_name,
                "first_name": demo.first_name,
                "is_staff": demo.is_superuser,
                "is_superuser": demo.is_superuser,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        for code, name, role in demo.memberships:
            Membership.objects.update_or_create(
                user=user, agency=agencies[code, name], role=role, defaults={"is_active": True}
            )

    by_name = {name: agency for (_, name), agency in agencies.items()}
    for position, (name, duty_list, kind, item, basis) in enumerate(DUTY_ITEMS):
        DutyItem.objects.update_or_create(
            agency=by_name[name],
            duty_list=duty_list,
            name=item,
            defaults={"kind": kind, "legal_basis": basis, "position": position},
        )
    return DEMO_USERS


def describe(demo: DemoUser) -> str:
    """One line per demo user: username, agency, role (several memberships are joined with '; ')."""
    labels = "; ".join(f"{name}, {Membership.Role(role).label}" for _, name, role in demo.memberships)
    return f"{demo.username}\t{labels}"
