"""Seeded generator of synthetic 政府信息公开工作年度报告 for the batch benchmark and the batch tests.

``generate(outdir, n, seed)`` writes ``n`` invented reports (``r00001_<layout>.txt`` / ``.md``) into ``outdir`` and
one JSON record per file into ``outdir/manifest.jsonl`` (also returned):

* ``file``, ``office``, ``level`` (街道 / 乡镇 / 县 / 区 / 市 / 省 / 县级部门 / 区级部门 / 市级部门 / 省级部门), ``year``,
  ``template`` (FMT-2019 for 2019-2020, else FMT-2021), ``layout``;
* ``defects``: the planted defects, each ``{"rule", "where", "figures"}`` (rule IDs of the rulebook); ``downstream``:
  findings that follow from a planted leaf error and are not separate defects (rulebook F.3);
* ``tables``: ``t2`` / ``t3`` / ``t4`` as PRINTED, in the shape of ``shared/corpus/gold/README.md``;
* ``narrative_figures``: ``{"quote_hint", "metric", "value"}`` for the figures the narrative states;
* ``series`` / ``prev_file``: the same office reports consecutive years (``prev_file`` = last year's report),
  ``sec5_source`` (own / boilerplate shared by several offices / copied from last year), ``fee_statement``,
  ``signature_date``.

Everything is invented: office names are random syllables + an organ type, all wording is written for this module.
Table labels come from :mod:`reviewer.template` (exact FMT-2021 / FMT-2019 labels).

Consistency of a clean report: row total = sum of the six applicant columns; 一 + 二 = （七） + 四 per column;
（七） = sum of the result rows; table-4 block totals; narrative figures = table cells; for consecutive years of one
office this year's 上年结转 row = last year's 结转下年度 row and 现行有效 = last year + 制发 − 废止.

Planted defects: a single defect in about 20 % of the reports (T3-ROW-SUM, T4-SUM, XS-NARR-T3, CELL-BLANK,
STR-HEADING-NUMBER, Q-SEC6-EMPTY, YR-SIGN-DATE); cross-year XY-CARRY breaks in about 3 % of consecutive pairs and
Q-SEC5-COPY-PREV (section 五 copied verbatim from last year) in about 15 % of follow-up years.

Layouts: ``tab`` (one cell per tab-indented line), ``glued`` (crawler-flattened: one body line, cells glued),
``spaced`` (PDF text layer: hard-wrapped narrative, one table row per line), ``markdown`` (pipe tables),
``oneline`` (one cell per line, no tabs). Glued rows are generated so that exactly one split satisfies the
table's identities (checked with :func:`reviewer.parse.split.split_tokens`); glued reports use FMT-2021 only
(FMT-2019 table 2 runs such as 政府集中采购 ``9386.5`` cannot be split by any identity).

CLI: ``python -m benchmarks.synth OUTDIR --n 10000 --seed 0``.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

from reviewer.parse.split import split_tokens
from reviewer.template import (
    FMT_2019,
    FMT_2021,
    T2_ROWS_2019,
    T2_ROWS_2021,
    T3_APPLICANT_KEYS,
    T3_COLUMN_KEYS,
    T3_OUTCOME_GROUPS,
    T4_BLOCKS,
    T4_COLUMNS,
    t3_rows,
)

LAYOUTS = ("tab", "glued", "spaced", "markdown", "oneline")
EXTENSION = {"tab": ".txt", "glued": ".txt", "spaced": ".txt", "markdown": ".md", "oneline": ".txt"}
FIRST_YEAR, LAST_YEAR = 2019, 2025
DEFECT_RATE = 0.20
XY_BREAK_RATE = 0.03
COPY_PREV_RATE = 0.15
BOILERPLATE_RATE = 0.08
SINGLE_DEFECTS = (
    "T3-ROW-SUM",
    "T4-SUM",
    "XS-NARR-T3",
    "CELL-BLANK",
    "STR-HEADING-NUMBER",
    "Q-SEC6-EMPTY",
    "YR-SIGN-DATE",
)
CROSS_YEAR_RULES = ("XY-CARRY", "Q-SEC5-COPY-PREV")

CN_NUM = "一二三四五六七八九十"
SEC_TITLES = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)
SP = "\u3000\u3000"

# ------------------------------------------------------------------------------------------------ template tables
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_TOP_RESULTS = "三、本年度办理结果"
T3_ORG_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T4_COL_LABELS = tuple(label for _, label in T4_COLUMNS)
T4_BLOCK_KEYS = tuple(k for k, _ in T4_BLOCKS)
T4_COL_KEYS = tuple(k for k, _ in T4_COLUMNS)


def _t3_layout(template: str) -> list[tuple[str, str, int, str | None]]:
    """(key, printed label, level 1..3, group label printed beside the row) for each table-3 row."""
    out = []
    seen: set[str] = set()
    for spec in t3_rows(template == FMT_2019):
        if spec.key in ("new_received", "carried_over", "carried_forward"):
            out.append((spec.key, spec.label, 1, None))
        elif spec.ordinal is not None or spec.key == "other_other":
            grp = None
            if spec.group not in seen:
                seen.add(spec.group)
                grp = T3_OUTCOME_GROUPS[spec.group]
            out.append((spec.key, spec.label, 3, grp))
        else:
            out.append((spec.key, spec.label, 2, T3_TOP_RESULTS if spec.key == "granted" else None))
    return out


T3_LAYOUT = {FMT_2021: _t3_layout(FMT_2021), FMT_2019: _t3_layout(FMT_2019)}
T3_KEYS = {t: [r[0] for r in rows] for t, rows in T3_LAYOUT.items()}
RESULT_KEYS = {t: keys[2 : keys.index("total_processed")] for t, keys in T3_KEYS.items()}

_T2_SPEC = {spec.key: spec for spec in T2_ROWS_2021}
_T2_SPEC_19 = {spec.key: spec for spec in T2_ROWS_2019}
T2_BLOCKS = {
    FMT_2021: (
        (
            "第二十条第（一）项",
            ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
            ("rules", "normative_documents"),
        ),
        ("第二十条第（五）项", ("信息内容", "本年处理决定数量"), ("licensing",)),
        ("第二十条第（六）项", ("信息内容", "本年处理决定数量"), ("penalty", "coercion")),
        ("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"), ("admin_fees",)),
    ),
    FMT_2019: (
        (
            "第二十条第（一）项",
            ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
            ("rules", "normative_documents"),
        ),
        (
            "第二十条第（五）项",
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            ("licensing", "other_services"),
        ),
        ("第二十条第（六）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"), ("penalty", "coercion")),
        ("第二十条第（八）项", ("信息内容", "上一年项目数量", "本年增/减"), ("admin_fees",)),
        ("第二十条第（九）项", ("信息内容", "采购项目数量", "采购总金额"), ("procurement",)),
    ),
}
T2_SPECS = {FMT_2021: _T2_SPEC, FMT_2019: _T2_SPEC_19}

# ------------------------------------------------------------------------------------------------ invented organs
PLACE_CHARS = "澜汀栖禾杉湾鹤岚远临青云枫溪桐岭泽川沐霖苍翠梧柘瑶琅珂璋棠榆槿芷蘅萍菱芦蒲芩苓葭茗檀楠樟榕柏桦柳桃梅竹兰荷莲雁鸥鹭鸿陶砚琴丹霞晴岫峦嵩涧泉潭渚汐澄湄沅湘"

# kind, level label, weight, (low, high) of the yearly number of new requests
KINDS = (
    ("street", "街道", 14, (1, 25)),
    ("town", "乡镇", 8, (1, 12)),
    ("county_gov", "县", 8, (12, 250)),
    ("district_gov", "区", 8, (20, 400)),
    ("city_gov", "市", 5, (60, 900)),
    ("prov_gov", "省", 2, (150, 2500)),
    ("county_dept", "县级部门", 14, (1, 40)),
    ("district_dept", "区级部门", 12, (1, 60)),
    ("city_dept", "市级部门", 18, (4, 160)),
    ("prov_dept", "省级部门", 11, (10, 400)),
)

# city/county name, provincial name (None: no provincial counterpart), topic key
DEPTS = (
    ("市场监督管理局", "市场监督管理局", "market"),
    ("生态环境局", "生态环境厅", "env"),
    ("教育局", "教育厅", "edu"),
    ("卫生健康委员会", "卫生健康委员会", "health"),
    ("自然资源和规划局", "自然资源厅", "land"),
    ("住房和城乡建设局", "住房和城乡建设厅", "housing"),
    ("交通运输局", "交通运输厅", "transport"),
    ("人力资源和社会保障局", "人力资源和社会保障厅", "hr"),
    ("民政局", "民政厅", "civil"),
    ("财政局", "财政厅", "finance"),
    ("农业农村局", "农业农村厅", "agri"),
    ("水利局", "水利厅", "water"),
    ("应急管理局", "应急管理厅", "safety"),
    ("司法局", "司法厅", "justice"),
    ("文化和旅游局", "文化和旅游厅", "culture"),
    ("统计局", "统计局", "stats"),
    ("医疗保障局", "医疗保障局", "medins"),
    ("城市管理局", None, "urban"),
    ("商务局", "商务厅", "commerce"),
    ("退役军人事务局", "退役军人事务厅", "veterans"),
)

# topic: (work focus, request subjects, proactive categories, activity of licensing/penalty/coercion 0..3, fees 0..2)
TOPICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[int, int, int], int]] = {
    "market": (
        "市场主体登记、食品安全监管和产品质量抽检",
        ("企业登记档案", "食品抽检结果", "投诉举报处理结果"),
        ("监督抽检信息", "行政执法信息", "登记注册信息"),
        (3, 3, 2),
        1,
    ),
    "env": (
        "污染防治、建设项目环评审批和环境执法",
        ("建设项目环评文件", "企业排污监测数据", "环境信访处理结果"),
        ("环境质量信息", "环评审批信息", "环境执法信息"),
        (2, 3, 2),
        0,
    ),
    "edu": (
        "招生入学、学生资助和教育收费",
        ("学区划分依据", "教师招聘成绩", "校舍建设项目"),
        ("招生政策信息", "学生资助信息", "教育收费信息"),
        (1, 1, 0),
        1,
    ),
    "health": (
        "医疗服务、公共卫生和卫生监督",
        ("医疗机构执业资质", "医疗纠纷处理", "卫生监督检查结果"),
        ("医疗机构信息", "公共卫生信息", "卫生监督信息"),
        (3, 2, 1),
        1,
    ),
    "land": (
        "国土空间规划、用地审批和不动产登记",
        ("征地批复文件", "规划许可资料", "土地出让信息"),
        ("规划公示信息", "用地审批信息", "土地供应信息"),
        (2, 2, 1),
        1,
    ),
    "housing": (
        "住房保障、工程建设管理和物业监管",
        ("建设工程规划资料", "保障性住房分配", "房屋征收补偿"),
        ("住房保障信息", "工程建设信息", "房地产市场信息"),
        (3, 2, 1),
        1,
    ),
    "transport": (
        "交通基础设施建设、道路运输管理和行业安全监管",
        ("道路改扩建项目", "出租汽车经营权", "公交线路调整"),
        ("公路建设信息", "运输许可信息", "行政执法信息"),
        (3, 3, 1),
        1,
    ),
    "hr": (
        "就业创业、社会保险和劳动保障监察",
        ("社保缴费记录", "职称评审结果", "劳动监察处理"),
        ("就业服务信息", "社会保险信息", "人事考试信息"),
        (2, 1, 0),
        1,
    ),
    "civil": (
        "社会救助、养老服务和社会组织管理",
        ("低保审批", "养老机构备案", "社会组织登记"),
        ("社会救助信息", "养老服务信息", "社会组织信息"),
        (1, 1, 0),
        0,
    ),
    "finance": (
        "预决算公开、政府采购和资金监管",
        ("专项资金分配", "预算执行情况", "政府采购项目"),
        ("预决算信息", "政府采购信息", "资金分配信息"),
        (0, 1, 0),
        0,
    ),
    "agri": (
        "乡村振兴、农业补贴和农产品质量安全",
        ("农业补贴发放", "土地承包经营", "农产品检测结果"),
        ("惠农补贴信息", "农业项目信息", "农产品质量信息"),
        (2, 2, 1),
        0,
    ),
    "water": (
        "水利工程建设、河湖管理和水资源保护",
        ("取水许可", "河道整治工程", "防汛安排"),
        ("水利工程信息", "河湖管理信息", "水资源信息"),
        (2, 2, 1),
        1,
    ),
    "safety": (
        "安全生产监管、应急救援和防灾减灾",
        ("事故调查报告", "安全生产许可", "应急预案"),
        ("安全生产信息", "应急管理信息", "防灾减灾信息"),
        (2, 2, 1),
        0,
    ),
    "justice": (
        "法治政府建设、行政复议和公共法律服务",
        ("行政复议决定", "法律援助", "律师执业"),
        ("法治建设信息", "公共法律服务信息", "普法宣传信息"),
        (1, 1, 0),
        0,
    ),
    "culture": (
        "公共文化服务、文旅市场管理和文物保护",
        ("景区评定", "文物保护范围", "演出审批"),
        ("公共文化信息", "文旅市场信息", "文物保护信息"),
        (2, 2, 0),
        1,
    ),
    "stats": (
        "统计调查、统计数据发布和统计执法",
        ("统计数据口径", "统计调查项目", "统计执法检查"),
        ("统计数据信息", "统计调查信息", "统计执法信息"),
        (0, 1, 0),
        0,
    ),
    "medins": (
        "医保基金监管、待遇保障和医药价格",
        ("医保报销政策", "定点机构协议", "基金监管检查"),
        ("医保政策信息", "基金监管信息", "医药价格信息"),
        (1, 2, 0),
        0,
    ),
    "urban": (
        "市容环境、城市管理执法和市政设施",
        ("违法建设查处", "占道经营审批", "市政设施维护"),
        ("城市管理信息", "执法公示信息", "市政设施信息"),
        (2, 3, 2),
        1,
    ),
    "commerce": (
        "招商引资、外贸外资和市场体系建设",
        ("商贸项目扶持", "外资企业备案", "成品油经营许可"),
        ("商务政策信息", "外贸外资信息", "市场建设信息"),
        (1, 1, 0),
        0,
    ),
    "veterans": (
        "退役军人安置、优抚和褒扬纪念",
        ("安置政策", "优抚待遇", "烈士褒扬"),
        ("安置政策信息", "优抚工作信息", "褒扬纪念信息"),
        (0, 0, 0),
        0,
    ),
    "gov": (
        "稳增长、保民生和重大项目建设",
        ("征地拆迁补偿", "重大建设项目审批", "财政资金安排"),
        ("政策文件", "重大建设项目信息", "财政预决算信息"),
        (3, 3, 2),
        2,
    ),
    "street": (
        "社区治理、城市管理和为民服务",
        ("房屋征收补偿", "低保审核", "违法建设处置"),
        ("民生保障信息", "城市管理信息", "社区治理信息"),
        (0, 2, 1),
        0,
    ),
}


def _place(rng: random.Random) -> str:
    a = rng.choice(PLACE_CHARS)
    b = rng.choice(PLACE_CHARS)
    while b == a:
        b = rng.choice(PLACE_CHARS)
    return a + b


def _make_office(rng: random.Random, used: set[str]) -> dict[str, Any]:
    """A new organ whose name no other organ of the batch uses; no scheme below makes one name a substring of another."""
    kind, level, _, (lo, hi) = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
    for _ in range(1000):
        prov, city, county, sub = _place(rng), _place(rng), _place(rng), _place(rng)
        dept, pdept, topic = rng.choice(DEPTS)
        region = ""
        if kind == "street":
            name, short, region, topic = (
                f"{city}市{county}区{sub}街道办事处",
                f"{sub}街道",
                f"{city}市{county}区",
                "street",
            )
        elif kind == "town":
            name, short, region, topic = f"{county}县{sub}镇人民政府", f"{sub}镇", f"{county}县", "street"
        elif kind == "county_gov":
            name, short, region, topic = f"{county}县人民政府", "县政府", f"{county}县", "gov"
        elif kind == "district_gov":
            name, short, region, topic = f"{city}市{county}区人民政府", "区政府", f"{city}市{county}区", "gov"
        elif kind == "city_gov":
            name, short, region, topic = f"{city}市人民政府", "市政府", f"{city}市", "gov"
        elif kind == "prov_gov":
            name, short, region, topic = f"{prov}省人民政府", "省政府", f"{prov}省", "gov"
        elif kind == "county_dept":
            name, short, region = f"{county}县{dept}", f"县{dept}", f"{county}县"
        elif kind == "district_dept":
            name, short, region = f"{city}市{county}区{dept}", f"区{dept}", f"{city}市{county}区"
        elif kind == "city_dept":
            name, short, region = f"{city}市{dept}", f"市{dept}", f"{city}市"
        else:
            if pdept is None:
                continue
            name, short, region = f"{prov}省{pdept}", f"省{pdept}", f"{prov}省"
        if name in used:  # the name schemes never make one name a substring of another
            continue
        used.add(name)
        base = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        return {
            "name": name,
            "short": short,
            "region": region,
            "kind": kind,
            "level": level,
            "topic": topic,
            "base": base,
            "gov": kind.endswith("_gov") or kind == "town",
            "rulemaking": kind in ("city_gov", "prov_gov"),
            "phone": f"{rng.randint(5, 8)}{rng.randint(0, 9999999):07d}",
            "wx": f"{short[:2] if kind in ('street', 'town') else region[-3:-1] if len(region) >= 3 else region}{rng.choice(('发布', '政务', '在线', '之声'))}",
        }
    raise RuntimeError("could not invent a unique office name")


# ------------------------------------------------------------------------------------------------ numbers
def _sround(rng: random.Random, x: float) -> int:
    """Stochastic rounding of a non-negative number."""
    f = math.floor(x)
    return int(f + (1 if rng.random() < x - f else 0))


def _alloc(rng: random.Random, total: int, weights: list[float], jitter: float = 0.4) -> list[int]:
    """Split ``total`` into len(weights) non-negative integers roughly proportional to ``weights``."""
    out = [0] * len(weights)
    if total <= 0:
        return out
    live = [i for i, w in enumerate(weights) if w > 0]
    if not live:
        out[0] = total
        return out
    rem = total
    wrem = sum(weights[i] for i in live)
    for i in live[:-1]:
        w = weights[i]
        k = _sround(rng, rem * w / wrem * rng.uniform(1 - jitter, 1 + jitter))
        k = min(k, rem)
        out[i] = k
        rem -= k
        wrem -= w
        if rem == 0:
            break
    out[live[-1]] += rem
    return out


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


_LEAF_WEIGHTS = {
    "granted": 40,
    "partially_granted": 9,
    "denied_state_secret": 0.3,
    "denied_prohibited_by_law": 1.0,
    "denied_security_stability": 0.5,
    "denied_third_party_rights": 3.0,
    "denied_internal_affairs": 2.0,
    "denied_process_info": 3.0,
    "denied_enforcement_file": 1.2,
    "denied_admin_query": 1.2,
    "unable_not_held": 20,
    "unable_needs_creation": 4.0,
    "unable_unclear_after_correction": 2.0,
    "not_processed_petition_like": 3.5,
    "not_processed_repeat_request": 2.0,
    "not_processed_publication": 0.5,
    "not_processed_abusive_volume": 0.5,
    "not_processed_confirm_existing": 1.0,
    "other_overdue_correction": 2.0,
    "other_unpaid_fee": 0.4,
    "other_other": 0.6,
    "other_handling": 1.5,
}
_ALWAYS = ("granted", "partially_granted", "unable_not_held")


def _row_prune(text: str, total: int, prefix: list[str]) -> bool:
    """Keep a partial split of ``text`` into six cells only if the cells can still add up to ``total``."""
    done = sum(int(x) for x in prefix)
    if done > total:
        return False
    left = 6 - len(prefix)
    if left == 0:
        return True
    rest = text[sum(len(x) for x in prefix) :]
    # each remaining cell has at most len(rest) - left + 1 digits
    return done + left * 10 ** (len(rest) - left + 1) > total


@functools.lru_cache(maxsize=200_000)
def _t3_row_unique(s: str) -> bool:
    """True when exactly one split of the glued digit run ``s`` into 7 cells has row total = sum of six.

    Same count as ``split_tokens([s], 7, accept=row sum)``, computed per candidate 总计 suffix so that the six
    applicant cells can be pruned as soon as their partial sum exceeds it (rows of 20 digits stay fast)."""
    if len(s) == 7:  # seven digits, seven cells: one split only
        return sum(int(x) for x in s[:6]) == int(s[6])
    found = 0
    for cut in range(6, len(s)):
        tail = s[cut:]
        if len(tail) > 1 and tail[0] == "0":
            continue
        total = int(tail)
        # six cells of a cut-digit prefix: the largest has between cut/6 and cut-5 digits, and the total has
        # at least as many digits as the largest cell and at most one more
        if cut > 6 * len(tail) or len(tail) > cut - 4:
            continue
        found += len(
            split_tokens(
                [s[:cut]],
                6,
                accept=lambda c, t=total: sum(int(x) for x in c) == t,
                prune=functools.partial(_row_prune, s[:cut], total),
            )
        )
        if found > 1:
            return False
    return found == 1


def _t4_prune(prefix: list[str]) -> bool:
    k = len(prefix)
    if k % 5 == 0:
        v = [int(x) for x in prefix[k - 5 : k]]
        return sum(v[:4]) == v[4]
    return True


@functools.lru_cache(maxsize=50_000)
def _t4_glued_ok(s: str) -> bool:
    """Exactly one split of the 15 glued table-4 values satisfies the three block totals; the run is short enough
    for the parser to enumerate every split."""
    if len(s) > 19:
        return False
    return len(split_tokens([s], 15, prune=_t4_prune)) == 1


@functools.lru_cache(maxsize=50_000)
def _t2_glued_candidates(s: str) -> int:
    """Number of splits of a glued 本年制发/本年废止/现行有效 run with 现行有效 ≥ 制发 and ≥ 废止."""
    n = 0
    for c in split_tokens([s], 3):
        a, b, x = (int(v) for v in c)
        if x >= a and x >= b:
            n += 1
    return n


def _row_str(row: list[int]) -> str:
    return "".join(str(v) for v in row)


def _gen_t3(
    rng: random.Random,
    office: dict,
    template: str,
    year: int,
    carried: list[int] | None,
    glued: bool,
    min_new: int = 0,
    unpaid_ok: bool = False,
) -> dict[str, list[int]]:
    """Table 3 as key -> 7 ints (6 applicant columns + total), every identity holding, plausible shares."""
    keys = T3_KEYS[template]
    results = RESULT_KEYS[template]
    best = None
    for attempt in range(60):
        mult = rng.uniform(0.6, 1.4)
        n_new = _sround(rng, office["base"] * mult)
        if office["kind"] in ("street", "town", "county_dept", "district_dept") and rng.random() < 0.2:
            n_new = 0
        if attempt > 30:
            n_new = min(n_new, 9)
        n_new = max(n_new, min_new)
        share = rng.uniform(0.55, 1.0) if office["kind"] != "prov_dept" else rng.uniform(0.4, 0.9)
        np_ = _sround(rng, n_new * share)
        orgs = _alloc(rng, n_new - np_, [0.55, 0.05, 0.08, 0.2, 0.12], 0.8)
        new = [np_] + orgs
        co = list(carried) if carried is not None else [min(_sround(rng, v * rng.uniform(0, 0.08)), v) for v in new]
        rate = rng.uniform(0, 0.12)
        cf = [min(v + c, _sround(rng, (v + c) * rate)) for v, c in zip(new, co)]
        while sum(cf) > sum(new):  # PL-CARRY-FORWARD: never more carried forward than newly received
            i = max(range(6), key=lambda j: cf[j])
            cf[i] -= 1
        # outcome weights of this report
        w = {}
        for k in results:
            base = _LEAF_WEIGHTS[k]
            if k in _ALWAYS:
                w[k] = base * rng.uniform(0.6, 1.5)
            elif k == "other_unpaid_fee":
                w[k] = base * rng.uniform(0.5, 2) if (unpaid_ok and rng.random() < 0.12) else 0.0
            elif k in ("other_other", "other_handling"):
                w[k] = base * rng.uniform(0.3, 1.5) if rng.random() < 0.3 else 0.0
            else:
                w[k] = base * rng.uniform(0.3, 2.0) if rng.random() < 0.45 else 0.0
        weights = [w[k] for k in results]
        rows = {k: [0] * 6 for k in keys}
        rows["new_received"] = new
        rows["carried_over"] = co
        rows["carried_forward"] = cf
        for c in range(6):
            processed = new[c] + co[c] - cf[c]
            rows["total_processed"][c] = processed
            col_w = (
                weights
                if c == 0
                else [x if (x > 0 and (k in _ALWAYS or rng.random() < 0.5)) else 0 for k, x in zip(results, weights)]
            )
            for k, v in zip(results, _alloc(rng, processed, col_w)):
                rows[k][c] = v
        t3 = {k: v + [sum(v)] for k, v in rows.items()}
        t3 = {k: t3[k] for k in keys}
        best = t3
        if not _plausible(t3, template):
            continue
        if not _t3_row_unique(_row_str(t3["carried_forward"])):
            continue
        if glued and not all(_t3_row_unique(_row_str(v)) for v in t3.values()):
            continue
        return t3
    if glued:
        raise _Retry("no glued-unique table 3")
    return best  # type: ignore[return-value]


class _Retry(Exception):
    """The numbers drawn for a report cannot be printed in the chosen layout: choose another layout."""


def _plausible(t3: dict[str, list[int]], template: str) -> bool:
    """Shares inside the rulebook C.4 thresholds, so a clean report raises no plausibility warning."""
    new, co, cf = t3["new_received"][6], t3["carried_over"][6], t3["carried_forward"][6]
    if cf and (cf > new or cf / (new + co) > 0.3):
        return False
    total = t3["total_processed"][6]
    if total == 0:
        return True
    denied = sum(v[6] for k, v in t3.items() if k.startswith("denied_"))
    notp = sum(v[6] for k, v in t3.items() if k.startswith("not_processed_"))
    other = t3["other_other"][6] if template == FMT_2021 else t3["other_handling"][6]
    if denied / total > 0.3 or notp / total > 0.3 or t3["unable_not_held"][6] / total > 0.5:
        return False
    if other and (other > 5 or other / total > 0.10):
        return False
    return True


def _gen_t4(rng: random.Random, office: dict, n_new: int, glued: bool, tiny: bool = False) -> list[int]:
    """Table 4 as 15 ints (three blocks of 结果维持/结果纠正/其他结果/尚未审结/总计)."""
    for _ in range(40):
        lam = n_new * rng.uniform(0.0, 0.05) if rng.random() < min(0.85, 0.1 + n_new / 80) else 0.0
        rec = min(_poisson(rng, lam), 8 if tiny else 60)
        direct = min(_poisson(rng, n_new * rng.uniform(0, 0.015)), 8 if tiny else 30)
        after = min(rng.randint(1, 3), rec) if rec and rng.random() < 0.3 else 0
        vals: list[int] = []
        for total, w in ((rec, [6, 1.2, 1, 1.5]), (direct, [5, 0.8, 1.2, 1.5]), (after, [5, 0.8, 1, 1.5])):
            parts = _alloc(rng, total, w)
            if total >= 4 and parts[3] * 2 > total:  # keep 尚未审结 under half (PL-T4-CORRECTION)
                parts[0] += parts[3] - total // 2
                parts[3] = total // 2
            vals += parts + [total]
        if tiny and max(vals) > 9:
            continue
        if glued and not _t4_glued_ok(_row_str(vals)):
            continue
        return vals
    if glued:
        raise _Retry("no glued-unique table 4")
    return [0] * 15


def _activity(rng: random.Random, level: int, office: dict) -> int:
    if level == 0:
        return 0
    lo, hi = {1: (0, 30), 2: (5, 400), 3: (60, 4000)}[level]
    scale = {
        "county_dept": 0.4,
        "district_dept": 0.5,
        "city_dept": 1.0,
        "prov_dept": 0.5,
        "street": 0.4,
        "town": 0.2,
        "county_gov": 1.0,
        "district_gov": 1.2,
        "city_gov": 2.0,
        "prov_gov": 2.5,
    }[office["kind"]]
    if rng.random() < 0.1 and lo == 0:
        return 0
    return max(0, int(math.exp(rng.uniform(math.log(lo + 1), math.log(hi + 1))) * scale) - 1)


def _gen_t2_2021(rng: random.Random, office: dict, prev: dict | None, glued: bool) -> dict[str, dict[str, Any]]:
    kind = office["kind"]
    lic_l, pen_l, coe_l = TOPICS[office["topic"]][3]
    fee_l = TOPICS[office["topic"]][4]
    scale = {
        "street": (0, 2, 8),
        "town": (0, 2, 8),
        "county_dept": (0, 4, 25),
        "district_dept": (0, 4, 25),
        "city_dept": (0, 8, 60),
        "prov_dept": (1, 15, 90),
        "county_gov": (2, 20, 120),
        "district_gov": (2, 20, 120),
        "city_gov": (3, 30, 200),
        "prov_gov": (5, 40, 300),
    }[kind]
    out: dict[str, dict[str, Any]] = {}
    for _ in range(30):
        docs = {}
        for row in ("rules", "normative_documents"):
            if row == "rules" and not office["rulemaking"]:
                docs[row] = (0, 0, 0)
                continue
            hi = scale[1] if row == "normative_documents" else 6
            issued = rng.randint(scale[0] if row == "normative_documents" else 0, hi)
            repealed = rng.randint(0, max(1, hi // 2)) if rng.random() < 0.5 else 0
            last = prev[row]["in_force"] if prev else rng.randint(0, scale[2] if row == "normative_documents" else 150)
            in_force = last + issued - repealed
            if in_force < max(issued, repealed):
                repealed = max(0, min(repealed, last))
                in_force = last + issued - repealed
            docs[row] = (issued, repealed, in_force)
        if glued:
            ok = True
            for row, (a, b, x) in docs.items():
                if _t2_glued_candidates(f"{a}{b}{x}") != 1 and (row == "rules" or 0 in (a, b)):
                    ok = False
            if not ok:
                continue
        break
    else:
        docs = {row: (0, 0, prev[row]["in_force"] if prev else 0) for row in ("rules", "normative_documents")}
    for row, (a, b, x) in docs.items():
        out[row] = {"issued": a, "repealed": b, "in_force": x}
    out["licensing"] = {"decisions": _activity(rng, lic_l, office)}
    out["penalty"] = {"decisions": _activity(rng, pen_l, office)}
    out["coercion"] = {"decisions": _activity(rng, coe_l, office)}
    fee = 0.0
    if fee_l and rng.random() < 0.5 + 0.2 * fee_l:
        fee = round(math.exp(rng.uniform(math.log(0.5), math.log(80 * fee_l * fee_l))), rng.choice((1, 2, 2)))
    out["admin_fees"] = {"amount_wan_yuan": fee}
    return out


def _gen_t2_2019(rng: random.Random, office: dict, prev: dict | None) -> dict[str, dict[str, Any]]:
    kind = office["kind"]
    lic_l, pen_l, coe_l = TOPICS[office["topic"]][3]
    fee_l = TOPICS[office["topic"]][4]
    big = kind in ("city_gov", "prov_gov", "county_gov", "district_gov")
    out: dict[str, dict[str, Any]] = {}
    for row in ("rules", "normative_documents"):
        if row == "rules" and not office["rulemaking"]:
            out[row] = {"new_made": 0, "new_published": 0, "total_published": 0}
            continue
        made = rng.randint(0, 30 if big else 8)
        published = made if rng.random() < 0.85 else rng.randint(0, made)
        last = prev[row]["total_published"] if prev else rng.randint(0, 200 if big else 40)
        out[row] = {"new_made": made, "new_published": published, "total_published": last + published}
    for row, lvl in (("licensing", lic_l), ("other_services", 1), ("penalty", pen_l), ("coercion", coe_l)):
        items = (
            (prev[row]["prev_year_items"] + prev[row]["change"])
            if prev
            else (rng.randint(0, 300 if big else 60) if lvl else rng.randint(0, 5))
        )
        change = rng.choice((0, 0, 0, rng.randint(1, 12), -rng.randint(0, min(items, 6))))
        out[row] = {
            "prev_year_items": items,
            "change": change,
            "decisions": _activity(rng, lvl or 1, office) if lvl or rng.random() < 0.3 else 0,
        }
    items = (
        (prev["admin_fees"]["prev_year_items"] + prev["admin_fees"]["change"])
        if prev
        else (rng.randint(0, 20) if fee_l else 0)
    )
    change = rng.choice((0, 0, -rng.randint(0, min(items, 2)), rng.randint(0, 2)))
    out["admin_fees"] = {"prev_year_items": items, "change": change}
    n = rng.randint(0, 60 if big else 15)
    out["procurement"] = {"items": n, "amount": round(rng.uniform(5, 30) * n, 1) if n else 0}
    return out


# ------------------------------------------------------------------------------------------------ printing
def _fmt_num(v: Any, signed: bool = False) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        s = f"{v:.2f}".rstrip("0").rstrip(".")
        return s
    if signed and v > 0:
        return f"+{v}"
    return str(v)


def _value(s: str) -> int | float | str | None:
    """Gold value of a printed cell: number, None for blank, the token otherwise."""
    if s == "":
        return None
    try:
        return float(s) if "." in s else int(s)
    except ValueError:
        return s


# ------------------------------------------------------------------------------------------------ narrative
def _pick(rng: random.Random, options: tuple | list) -> Any:
    return options[rng.randrange(len(options))]


PROBLEMS: tuple[dict[str, tuple[str, ...]], ...] = (
    {
        "short": ("栏目更新不及时",),
        "p": (
            "部分栏目信息更新不够及时，年内自查发现{a}个栏目超过一个月未更新",
            "栏目日常维护存在薄弱环节，{b}天以上未更新的栏目仍有{a}个",
        ),
        "m": (
            "建立栏目更新台账，由{unit}每月{d}日前逐一核查并通报，核查结果纳入年度考核",
            "实行栏目责任人制度，明确每个栏目的维护人员和更新时限，{ny}年{mo}月底前完成全部栏目梳理",
        ),
        "fix": ("通过建立更新提醒机制，相关栏目已恢复正常更新", "已逐一明确栏目维护责任人，空白栏目全部补齐"),
    },
    {
        "short": ("政策解读形式单一",),
        "p": (
            "政策解读形式较为单一，以文字解读为主，图解、音视频等方式运用不多",
            "部分政策文件的解读内容过于简略，对办理条件、时限等群众关心的内容说明不够",
        ),
        "m": (
            "对重要政策同步制作图解或短视频解读，{ny}年不少于{a}期",
            "推行政策文件与解读材料同步起草、同步审签、同步发布，解读材料逐条说明办理条件和时限",
        ),
        "fix": ("已制作图解、短视频等解读{a}期", "已对新出台政策全部配发多形式解读"),
    },
    {
        "short": ("答复文书不够规范",),
        "p": (
            "依申请公开答复文书不够规范，案卷评查中发现{a}份答复书未写明救济途径和期限",
            "答复文书说理不够充分，对不予公开、无法提供等情形援引依据不够准确",
        ),
        "m": (
            "修订答复文书模板，答复书出具前由法律顾问逐一审核，{ny}年{mo}月底前完成经办人员集中培训",
            "建立依申请公开办理全流程台账，对登记、补正、延期、答复各环节逐项留痕，每季度开展{a}次案卷自查",
        ),
        "fix": ("已修订答复文书模板并实行法律审核", "已建立办理台账，答复文书格式统一规范"),
    },
    {
        "short": ("公开专区作用发挥不充分",),
        "p": (
            "基层政务公开专区利用率不高，全年现场查阅登记仅{b}人次",
            "政务公开专区资料更新滞后，部分查阅资料仍为上年度版本",
        ),
        "m": (
            "在{hall}增设自助查询终端，并通过网格员入户宣传专区功能，{ny}年{mo}月底前完成",
            "专区资料实行按月更新、按季盘点，由{unit}指定专人负责",
        ),
        "fix": ("专区已增设查询终端并实现按月更新", "专区资料已全部更新为最新版本"),
    },
    {
        "short": ("新媒体与网站发布不同步",),
        "p": (
            "政务新媒体与门户网站信息发布不同步，抽查发现{b}条信息未在网站同步公开",
            "新媒体账号发布内容把关不严，个别信息发布后又作了更正",
        ),
        "m": (
            "明确新媒体发布的信息须同步报送网站栏目，由{unit}每周比对一次发布记录",
            "落实新媒体信息发布三级审核，{ny}年{mo}月底前修订新媒体管理办法",
        ),
        "fix": ("已实行网站与新媒体同步发布", "新媒体信息审核流程已修订完善"),
    },
    {
        "short": ("信息员业务不熟",),
        "p": (
            "政务公开工作人员调整较多，部分新任信息员对公开属性认定把握不准",
            "各科室信息员多为兼职，对公开工作规范掌握不够系统",
        ),
        "m": (
            "{ny}年{mo}月底前举办信息员专题培训，编印公开属性认定操作指引",
            "建立信息员持证上岗和以老带新制度，全年组织业务培训{a}次",
        ),
        "fix": ("已组织信息员专题培训{a}次", "已编印操作指引并发放至各科室"),
    },
    {
        "short": ("重点领域公开不够细",),
        "p": (
            "{area}等重点领域信息公开的颗粒度不够细，部分事项只公开结果、未公开过程",
            "重点领域公开目录更新不及时，与实际工作事项存在出入",
        ),
        "m": (
            "对照重点领域公开标准目录逐项梳理公开事项，{ny}年{mo}月底前补齐过程信息",
            "每半年对照公开目录开展{a}次核查，目录与实际事项动态对应",
        ),
        "fix": ("已对照标准目录补充公开过程信息", "公开目录已完成年度更新"),
    },
    {
        "short": ("历史文件公开属性缺失",),
        "p": (
            "部分历史文件未标注公开属性，网站上仍有{b}篇文件属性信息缺失",
            "历史文件清理不够彻底，已失效文件未在网站作出标注",
        ),
        "m": (
            "组织开展历史文件公开属性复核，缺失标注的文件在{ny}年{mo}月底前全部补标",
            "对已失效文件逐篇加注失效标识，{ny}年{mo}月底前完成清理",
        ),
        "fix": ("历史文件公开属性已全部补标", "已失效文件已全部加注标识"),
    },
    {
        "short": ("公众参与反馈不及时",),
        "p": (
            "公众参与渠道较为单一，重要决策事项征求意见后的采纳情况公开不及时",
            "重大决策预公开覆盖面不够，部分事项未充分听取公众意见",
        ),
        "m": (
            "对公开征求意见的事项在征集结束后{d}个工作日内公开采纳情况",
            "编制重大行政决策事项目录，目录内事项一律向社会公开征求意见，征求意见期不少于{b}日",
        ),
        "fix": ("征求意见采纳情况已实现按期公开", "重大决策事项目录已编制并公开"),
    },
    {
        "short": ("数据发布不便利用",),
        "p": ("统计和业务数据多以图片形式发布，不便于公众检索和再利用", "数据类信息发布分散在多个栏目，查找不够便捷"),
        "m": (
            "自{ny}年起数据类信息同步提供可下载的表格文件，并在{mo}月底前完成存量数据转换",
            "设立数据发布专栏，集中发布各类业务数据，每季度更新{a}次",
        ),
        "fix": ("数据类信息已同步提供表格下载", "数据发布专栏已上线运行"),
    },
    {
        "short": ("答复期限预警缺失",),
        "p": (
            "个别申请临近法定期限才作出答复，期限预警机制尚未建立",
            "依申请公开办理环节衔接不够紧密，部分申请需延期答复",
        ),
        "m": (
            "在依申请公开办理系统中设置到期前{d}日自动提醒，{ny}年{mo}月底前上线",
            "明确收文登记、承办、审核各环节时限，每月{d}日前通报办理进度",
        ),
        "fix": ("办理系统已上线期限提醒功能", "各环节办理时限已明确并按月通报"),
    },
    {
        "short": ("网站无障碍功能不完善",),
        "p": ("门户网站无障碍和适老化功能不完善，部分页面不支持读屏", "网站移动端适配不够，手机访问部分栏目显示不全"),
        "m": (
            "{ny}年{mo}月底前完成网站无障碍改造，并邀请{a}名老年群众参与测试",
            "对网站移动端页面进行适配改造，{ny}年{mo}月底前完成",
        ),
        "fix": ("网站无障碍改造已完成并通过测试", "网站移动端已完成适配"),
    },
    {
        "short": ("栏目设置分散重复",),
        "p": ("信息分散在多个栏目，同类信息重复发布、口径不一", "栏目设置与公开目录不完全对应，部分栏目长期空白"),
        "m": (
            "按照公开目录重新归集栏目内容，合并重复栏目{a}个，{ny}年{mo}月底前完成",
            "对长期空白的栏目予以撤并，保留栏目全部明确更新频次",
        ),
        "fix": ("重复栏目已合并，栏目设置与目录对应", "空白栏目已全部撤并"),
    },
    {
        "short": ("考核偏重数量",),
        "p": (
            "政务公开考核指标偏重信息数量，对公开质量和群众满意度衡量不够",
            "考核结果运用不够充分，对考核靠后的单位督促整改力度不足",
        ),
        "m": (
            "修订考核细则，提高信息准确性、解读质量等指标的分值，{ny}年度考核起执行",
            "对考核靠后的单位实行约谈和限期整改，整改情况在{d}个工作日内书面报告",
        ),
        "fix": ("考核细则已修订并执行", "考核靠后单位已完成整改"),
    },
    {
        "short": ("个人信息处理不严",),
        "p": (
            "公开信息中个人信息处理不够严格，自查发现{a}条公示信息未对身份证号码作去标识化处理",
            "涉及个人信息的公示内容审核标准不统一",
        ),
        "m": (
            "建立公开前个人信息审查清单，涉及个人信息的内容一律去标识化处理后发布，{ny}年{mo}月底前完成存量信息排查",
            "制定个人信息公示审核规则，明确可公开字段，由{unit}统一把关",
        ),
        "fix": ("存量公示信息已完成去标识化处理", "个人信息公示审核规则已制定"),
    },
    {
        "short": ("执法公示不完整",),
        "p": (
            "行政执法公示信息不完整，少数处罚决定未在规定时限内公示",
            "执法全过程记录与结果公示衔接不够，部分执法信息公示内容简略",
        ),
        "m": (
            "落实执法决定{d}个工作日内公示的要求，由法制审核机构每月抽查",
            "统一执法公示内容要素，{ny}年{mo}月底前对存量公示信息逐条补正",
        ),
        "fix": ("执法决定已实现按时公示", "执法公示内容要素已统一"),
    },
    {
        "short": ("热点回应不及时",),
        "p": (
            "对群众关注的{area}等热点问题回应不够及时，个别政策发布{a}天后才作出解读回应",
            "涉及{area}的咨询答复口径不够统一，同类问题的答复内容存在差异",
        ),
        "m": (
            "建立热点问题收集和回应机制，涉及{area}的热点问题在{d}个工作日内回应",
            "编制{area}常见问题答复口径，每季度更新一次并在网站公开",
        ),
        "fix": ("热点问题回应机制已建立并运行", "常见问题答复口径已编制公开"),
    },
    {
        "short": ("申请登记不规范",),
        "p": (
            "依申请公开登记信息不完整，部分申请未记录补正和延期情况",
            "依申请公开收件渠道较多，网上、信函和当面提交的申请未统一登记",
        ),
        "m": (
            "统一使用依申请公开登记台账，登记、补正、延期逐项填写，{ny}年{mo}月底前完成历史台账补录",
            "各渠道收到的申请一律在{d}日内转{unit}统一登记编号",
        ),
        "fix": ("登记台账已统一并补录完毕", "各渠道申请已实现统一登记"),
    },
    {
        "short": ("标准目录要素不全",),
        "p": (
            "公开标准目录与实际事项对应不够，{area}等事项的公开要素不全",
            "标准目录中部分事项的公开时限和公开主体不明确",
        ),
        "m": (
            "对照标准目录逐项核对{area}等事项的公开要素，每年{mo}月底前完成目录更新",
            "逐项明确目录事项的公开主体和时限，{ny}年{mo}月底前印发执行",
        ),
        "fix": ("标准目录公开要素已补充完整", "目录事项的公开主体和时限已明确"),
    },
    {
        "short": ("会议开放较少",),
        "p": (
            "重要会议开放和公众列席工作开展较少，全年仅邀请公众列席会议{a}次",
            "会议开放的事项范围偏窄，利益相关方参与不够",
        ),
        "m": (
            "制定会议开放年度计划，涉及{area}的重要会议邀请利益相关方列席，全年不少于{b}人次",
            "扩大会议开放范围，{ny}年起涉及群众切身利益的会议一律邀请公众代表列席",
        ),
        "fix": ("会议开放年度计划已制定并执行", "会议开放范围已扩大"),
    },
    {
        "short": ("政策文件库分类不清",),
        "p": ("政策文件库分类不够科学，部分文件未关联解读材料", "政策文件库检索功能较弱，按主题查找文件不够便捷"),
        "m": (
            "按主题和服务对象重新归类政策文件，{ny}年{mo}月底前完成全部文件与解读材料的关联",
            "升级政策文件库检索功能，支持按主题、发文时间和文号组合查询",
        ),
        "fix": ("政策文件与解读材料已全部关联", "政策文件库检索功能已升级"),
    },
    {
        "short": ("网站错链断链",),
        "p": ("网站内容安全管理存在隐患，巡查中发现{a}处错链、断链", "网站附件格式不统一，部分附件无法在移动端打开"),
        "m": (
            "实行网站内容每日巡查，错链断链在发现后{d}个工作日内修复",
            "统一网站附件格式，{ny}年{mo}月底前完成存量附件转换",
        ),
        "fix": ("网站错链断链已全部修复", "网站附件格式已统一"),
    },
    {
        "short": ("预决算说明简略",),
        "p": (
            "预决算公开的说明不够详细，{area}相关资金的绩效信息公开不足",
            "专项资金分配结果公开不够及时，个别项目资金下达后{b}天才公开",
        ),
        "m": (
            "在预决算公开中增加项目支出绩效目标和自评结果，{ny}年起全面执行",
            "专项资金分配结果在下达后{d}个工作日内公开，由{unit}按月核查",
        ),
        "fix": ("预决算公开已增加绩效信息", "专项资金分配结果已实现按时公开"),
    },
    {
        "short": ("办事指南要素不全",),
        "p": (
            "部分办事指南要素不全，{a}项服务事项的办理流程与实际不一致",
            "办事指南更新滞后于政策调整，群众按指南办理时需多次补充材料",
        ),
        "m": (
            "组织对全部办事指南逐项比对修订，{ny}年{mo}月底前完成并同步更新网站",
            "建立政策调整与办事指南同步更新机制，政策变化后{d}个工作日内修订指南",
        ),
        "fix": ("办事指南已全部比对修订", "办事指南已实现随政策同步更新"),
    },
)

BOILERPLATE = (
    "上年度报告所列问题已基本整改到位。本年仍存在以下问题：一是部分栏目信息更新不够及时；二是政策解读形式较为单一；三是依申请公开答复文书说理不够充分。改进措施：一是建立栏目更新台账，每月5日前逐一核查；二是对重要政策同步制作图解解读，全年不少于4期；三是答复书出具前由法律顾问逐一审核。",
    "对照年度工作要点，本单位政府信息公开工作还存在一些问题：一是公开内容的完整性和及时性有差距，个别信息发布滞后；二是政务公开专区作用发挥不充分。针对上述问题，将重点做好以下工作：一是落实信息发布审核制度，信息形成后7个工作日内公开；二是专区资料按月更新，并安排专人值守。上年度报告提出的问题已按计划整改完毕。",
    "存在的主要问题：一是政务新媒体与网站发布不同步；二是信息员队伍变动频繁，业务不够熟练；三是重点领域信息公开目录更新不及时。改进情况：上年度问题已完成整改。下一步，一是实行网站与新媒体同步发布，每周比对一次；二是每半年举办1期信息员培训；三是每年6月底前完成公开目录更新。",
    "本年度政府信息公开工作仍有不足：一是部分历史文件未标注公开属性；二是数据类信息多以图片形式发布，不便于检索利用。改进措施：一是对历史文件开展公开属性复核，年底前全部补标；二是数据类信息同步提供表格下载。上年度报告所列问题的整改情况已在本年第一季度向社会公开。",
    "上年度问题整改情况：上年提出的栏目空白问题已全部整改。存在的主要问题：依申请公开办理期限管理不够精细，期限预警机制尚未建立；公众参与渠道较为单一。改进措施：在办理系统中设置到期前5日自动提醒；对征求意见事项在征集结束后15个工作日内公开采纳情况。",
)

HALLS = ("政务服务中心", "便民服务中心", "档案馆查阅室", "党群服务中心", "机关一楼接待大厅")
UNITS = ("办公室", "政务公开办公室", "综合科", "法规科", "党政综合办公室")
CHANNELS = ("门户网站", "政务新媒体", "公开栏", "新闻发布会")


def _sec5(
    rng: random.Random, office: dict, year: int, prev_problems: list[int] | None, corrected: int, used: set[tuple]
) -> tuple[list[tuple[str, str]], list[int]]:
    """Own section 五: follow-up of last year's problems, three or four problems, paired measures.

    ``used`` holds the (problem, wording) sequences already given to other offices of the batch: an own text never
    repeats one, so that only the planted boilerplate makes different offices' sections 五 near-identical."""
    topic = TOPICS[office["topic"]]
    ny = year + 1
    avoid = set(prev_problems or [])
    pool = [i for i in range(len(PROBLEMS)) if i not in avoid]
    for _ in range(50):
        k = rng.choice((3, 3, 4))
        chosen = rng.sample(pool, k)
        wording = [(i, rng.randrange(2), rng.randrange(2)) for i in chosen]
        sigs = (
            ("p",) + tuple((i, pv) for i, pv, _ in wording[:3]),
            ("m",) + tuple((i, mv) for i, _, mv in wording[:3]),
        )
        if not any(sig in used for sig in sigs):
            break
    used.update(sigs)

    def fill(s: str) -> str:
        return s.format(
            a=rng.randint(2, 9),
            b=rng.randint(12, 90),
            d=rng.randint(3, 15),
            mo=rng.randint(3, 9),
            ny=ny,
            unit=office["short"] + _pick(rng, UNITS),
            hall=_pick(rng, HALLS),
            area=_pick(rng, topic[1]),
        )

    probs = [fill(PROBLEMS[i]["p"][pv]) for i, pv, _ in wording]
    meas = [fill(PROBLEMS[i]["m"][mv]) for i, _, mv in wording]
    if corrected:
        probs.append("本年有答复被复议机关或法院纠正，反映出答复前的检索和说理不够到位")
        meas.append("对被纠正的答复逐案复盘，在答复前增加检索范围核对和法律审核环节")
    follow = ""
    if prev_problems is not None or rng.random() < 0.5:
        src = prev_problems[0] if prev_problems else rng.randrange(len(PROBLEMS))
        follow = f"上年度报告提出的“{PROBLEMS[src]['short'][0]}”问题，本年{fill(_pick(rng, PROBLEMS[src]['fix']))}。"
    ordn = [f"{CN_NUM[i]}是" for i in range(len(probs))]
    ptext = "；".join(o + p for o, p in zip(ordn, probs)) + "。"
    mtext = "；".join(o + m for o, m in zip(ordn, meas)) + "。"
    p_intro = _pick(
        rng,
        (
            "本年工作中仍存在以下问题：",
            "当前存在的主要问题：",
            "对照工作要求，还存在一些问题和不足：",
            f"{office['short']}政府信息公开工作还存在以下问题：",
            "经自查，主要存在以下不足：",
            f"对照上级考核要求，{office['short']}还存在以下短板：",
        ),
    )
    m_intro = _pick(
        rng,
        (
            "改进措施：",
            "针对上述问题，",
            f"下一步，{office['short']}将重点做好以下工作：",
            "整改措施：",
            f"针对以上问题，{office['short']}制定了以下改进措施：",
            "对此，将采取以下措施：",
        ),
    )
    style = rng.randrange(3)
    if style == 0:
        paras = [("p", follow + p_intro + ptext + m_intro + mtext)]
    elif style == 1:
        paras = ([("p", follow)] if follow else []) + [("p", p_intro + ptext), ("p", m_intro + mtext)]
    else:
        heads = (["上年度问题整改情况"] if follow else []) + ["存在的主要问题", "改进措施"]
        bodies = ([follow] if follow else []) + [ptext, mtext]
        paras = []
        for i, (h, b) in enumerate(zip(heads, bodies)):
            paras.append(("h", f"（{CN_NUM[i]}）{h}"))
            paras.append(("p", b))
    return paras, chosen


# ------------------------------------------------------------------------------------------------ one report
class _Narr:
    """Collects narrative figures while the text is written."""

    def __init__(self) -> None:
        self.figures: list[dict[str, Any]] = []

    def fig(self, text: str, metric: str, value: Any) -> str:
        self.figures.append({"quote_hint": text, "metric": metric, "value": value})
        return text


def _t3_total(t3: dict[str, list[str]], row: str) -> int:
    v = _value(t3[row][6])
    return v if isinstance(v, int) else 0


def _t4_total(t4: list[str], block: int) -> int:
    v = _value(t4[block * 5 + 4])
    return v if isinstance(v, int) else 0


def _build_sections(rng: random.Random, rep: dict, office: dict, narr_override: dict | None) -> None:
    """Sections 一 and 六 and the preamble, from the printed tables (figures recorded on ``rep``)."""
    y = rep["year"]
    tpl = rep["template"]
    t2, t3, t4 = rep["printed"]["t2"], rep["printed"]["t3"], rep["printed"]["t4"]
    topic = TOPICS[office["topic"]]
    nr = _Narr()
    short = office["short"]
    site = (
        f"{office['region']}人民政府门户网站"
        if office["kind"] in ("street", "town") or office["gov"]
        else f"{office['name']}门户网站"
        if office["kind"] in ("prov_dept", "city_dept")
        else f"{office['region']}人民政府门户网站"
    )
    contact = f"{short}{'党政综合办公室' if office['kind'] in ('street', 'town') else '办公室'}"
    basis = (
        "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"
        if tpl == FMT_2021
        else "国务院办公厅政府信息公开办公室印发的年度报告格式（国办公开办函〔2019〕60号）"
    )
    pre = _pick(
        rng,
        (
            f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条和{basis}编制，内容包括总体情况、主动公开政府信息情况、"
            f"收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项共六个部分。"
            f"报告中所列数据的统计期限为{y}年1月1日至12月31日。本报告电子版可在{site}“政府信息公开”专栏查阅下载。"
            f"如对本报告有疑问，请与{contact}联系（电话：{office['phone']}）。",
            f"按照《中华人民共和国政府信息公开条例》的要求，{office['name']}编制了本年度政府信息公开工作年度报告。"
            f"报告所列数据统计期限为{y}年1月1日至12月31日，由{contact}负责汇总核对。公众可在{site}下载本报告电子版；"
            f"对报告内容有疑问的，可致电{office['phone']}咨询。",
            f"本年度报告根据《中华人民共和国政府信息公开条例》和{basis}的规定编写，统计期限为{y}年1月1日至{y}年12月31日。"
            f"本报告在{site}公开，如有疑问请联系{contact}（联系电话：{office['phone']}）。",
        ),
    )
    rep["preamble"] = [pre]

    # ---- section 一
    heads = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
    suffix = _pick(rng, ("", "情况", "方面"))
    inline = rng.random() < 0.5 or rep["layout"] == "glued"
    intro = _pick(
        rng,
        (
            f"{y}年，{short}围绕{topic[0]}等重点工作，认真落实《条例》各项规定，政府信息公开工作有序开展，现将有关情况报告如下。",
            f"{y}年，{short}按照上级政务公开工作要点部署，把政务公开与{topic[0]}结合起来推进，全年工作情况如下。",
            f"{y}年，{short}以公开促落实、以公开促规范，围绕{topic[0]}做好政府信息公开工作。",
        ),
    )
    # 主动公开
    p_items = _sround(rng, max(20.0, office["base"] * rng.uniform(4, 15)))
    cats = topic[2]
    parts = _alloc(rng, p_items, [3, 2, 2, 1])
    proactive = _pick(
        rng,
        (
            f"全年通过{site}、“{office['wx']}”微信公众号和公开栏主动公开政府信息{p_items}条，其中{cats[0]}{parts[0]}条、"
            f"{cats[1]}{parts[1]}条、{cats[2]}{parts[2]}条、其他信息{parts[3]}条。",
            f"全年共主动公开各类政府信息{p_items}条，主要包括{cats[0]}、{cats[1]}和{cats[2]}等内容。",
            f"本年在{site}发布政府信息{p_items}条，重点公开{cats[0]}和{cats[1]}，做到应公开尽公开。",
        ),
    )
    nr.figures.append({"quote_hint": f"{p_items}条", "metric": "x.proactive.items", "value": p_items})
    force_docs = rep["layout"] == "glued"
    if tpl == FMT_2021:
        nd = t2["normative_documents"]
        iss, rep_, inf = (_value(x) for x in nd)
        if (force_docs or rng.random() < 0.6) and all(isinstance(v, int) for v in (iss, rep_, inf)):
            if iss:
                s = "本年" + nr.fig(f"制发行政规范性文件{iss}件", "t2.normative_documents.issued", iss)
                if rep_:
                    s += "，" + nr.fig(f"废止{rep_}件", "t2.normative_documents.repealed", rep_)
                s += (
                    "，"
                    + _pick(rng, ("截至年底", "年末", "目前"))
                    + nr.fig(f"现行有效{inf}件", "t2.normative_documents.in_force", inf)
                )
                s += "，均已在规范性文件库集中公开。"
            else:
                s = (
                    "本年未制发行政规范性文件，"
                    + nr.fig(f"现行有效行政规范性文件{inf}件", "t2.normative_documents.in_force", inf)
                    + "。"
                )
            proactive += s
    else:
        made = _value(t2["normative_documents"][0])
        if isinstance(made, int) and made and rng.random() < 0.5:
            proactive += (
                "全年"
                + nr.fig(f"印发规范性文件{made}件", "t2.normative_documents.new_made", made)
                + "，均按规定向社会公开。"
            )
    dec_col = 0 if tpl == FMT_2021 else 2
    decs = []
    for row, label in (("licensing", "行政许可决定"), ("penalty", "行政处罚决定"), ("coercion", "行政强制决定")):
        v = _value(t2[row][dec_col])
        if isinstance(v, int) and v > 0 and rng.random() < 0.6:
            decs.append(nr.fig(f"{label}{v}件", f"t2.{row}.decisions", v))
    if decs:
        proactive += "全年作出" + "、".join(decs) + f"，相关信息均在作出决定后{rng.randint(5, 7)}个工作日内公开。"

    # 依申请公开
    n_new, n_co, n_tp, n_cf = (
        _t3_total(t3, k) for k in ("new_received", "carried_over", "total_processed", "carried_forward")
    )
    g, pg = _t3_total(t3, "granted"), _t3_total(t3, "partially_granted")
    ov = narr_override or {}
    shown_new = ov.get("t3.new_received.total", n_new)
    shown_tp = ov.get("t3.total_processed.total", n_tp)
    shown_g = ov.get("t3.granted.total", g)
    if shown_new == 0 and n_co == 0:
        apply = "全年未收到政府信息公开申请，也没有上年结转的申请。"
        nr.figures.append({"quote_hint": "未收到政府信息公开申请", "metric": "t3.new_received.total", "value": 0})
    elif shown_new == 0:
        apply = (
            "全年未收到新的政府信息公开申请，"
            + nr.fig(f"上年结转的{n_co}件", "t3.carried_over.total", n_co)
            + "申请已依法作出答复。"
        )
        nr.figures.append({"quote_hint": "未收到新的政府信息公开申请", "metric": "t3.new_received.total", "value": 0})
    else:
        verb = _pick(rng, ("新收政府信息公开申请", "共收到政府信息公开申请", "共受理政府信息公开申请"))
        apply = _pick(rng, ("全年", f"{y}年", "本年度")) + nr.fig(
            f"{verb}{shown_new}件", "t3.new_received.total", shown_new
        )
        np_, org = _value(t3["new_received"][0]), sum(_value(x) or 0 for x in t3["new_received"][1:6])  # type: ignore[misc]
        if "t3.new_received.total" not in ov and org and np_ and rng.random() < 0.5:
            apply += (
                "，其中"
                + nr.fig(f"自然人提出{np_}件", "t3.new_received.natural_person", np_)
                + "、"
                + nr.fig(
                    f"法人或其他组织提出{org}件", "+".join(f"t3.new_received.{c}" for c in T3_APPLICANT_KEYS[1:]), org
                )
            )
        if n_co:
            apply += "；" + nr.fig(f"上年结转{n_co}件", "t3.carried_over.total", n_co)
        apply += "。"
        apply += _pick(rng, ("全年", "本年度共", "已")) + nr.fig(
            f"办结{shown_tp}件", "t3.total_processed.total", shown_tp
        )
        sub = []
        if shown_g:
            sub.append(nr.fig(f"予以公开{shown_g}件", "t3.granted.total", shown_g))
        if pg:
            sub.append(nr.fig(f"部分公开{pg}件", "t3.partially_granted.total", pg))
        if sub:
            apply += "，其中" + "、".join(sub)
        if n_cf:
            if rng.random() < 0.5:
                apply += "；" + nr.fig(f"结转下年度继续办理{n_cf}件", "t3.carried_forward.total", n_cf) + "。"
            else:
                apply += (
                    "；"
                    + nr.fig(f"另有{n_cf}件", "t3.carried_forward.total", n_cf)
                    + "因尚在答复期限内，结转至下一年度办理。"
                )
        else:
            apply += "，无结转下年度办理的申请。"
        apply += f"申请内容主要涉及{topic[1][0]}、{topic[1][1]}和{topic[1][2]}等方面。"
    manage = _pick(
        rng,
        (
            f"严格落实公开前保密审查和个人信息保护要求，对拟公开信息实行{_pick(rng, ('科室初审、办公室复审、分管领导终审', '承办人自审、部门负责人审核、主要负责人审定'))}，全年退回修改稿件{rng.randint(3, 40)}篇。",
            "对本机关现行有效文件开展公开属性复核，动态调整主动公开基本目录，公开属性在拟文环节同步确定。",
            f"落实政府信息公开审查制度，明确{_pick(rng, UNITS)}负责对拟公开信息的合法性、准确性进行审核，审核记录逐条留存。",
            f"结合职能调整情况，对网站历年公开的{rng.randint(20, 300)}条过期信息进行了标注或下架处理。",
        ),
    )
    platform = _pick(
        rng,
        (
            f"以{site}为第一平台，优化“政府信息公开”专栏栏目设置，新增“{_pick(rng, ('政策解读', '民生实事', '重点项目', '数据发布'))}”栏目。",
            f"在{_pick(rng, HALLS)}设置政府信息公开查阅点，为群众提供现场查阅和咨询服务。",
            f"依托“{office['wx']}”微信公众号同步发布重要政策和解读信息，全年推送{rng.randint(12, 300)}期。",
        ),
    )
    sup = _pick(
        rng,
        (
            "将政务公开工作纳入年度绩效考核，定期通报栏目更新情况。",
            f"全年组织政务公开业务培训{rng.randint(1, 6)}次，参训{rng.randint(15, 400)}人次。",
            f"主动接受社会监督，通过网站留言和监督电话收集意见建议{rng.randint(3, 60)}条，均已办理回复。",
        ),
    )
    if office["gov"]:
        sup += _pick(
            rng,
            (
                "在工作考核方面，将政务公开纳入年度目标考核；在社会评议方面，通过网上评议征集群众意见；全年未发生需要责任追究的情形。",
                "政务公开工作考核结果与评先评优挂钩，社会评议意见已逐条反馈，本年度未发生政府信息公开责任追究情况。",
            ),
        )
    rec, lit = _t4_total(t4, 0), _t4_total(t4, 1) + _t4_total(t4, 2)
    lit_metric = "t4.litigation_direct.total+t4.litigation_after_review.total"
    if rec == 0 and lit == 0:
        phrase = _pick(
            rng,
            (
                "全年未发生因政府信息公开工作引起的行政复议和行政诉讼。",
                "本年度未发生因政府信息公开引起的行政复议、行政诉讼。",
            ),
        )
        sup += phrase
        nr.figures.append({"quote_hint": phrase.rstrip("。"), "metric": "t4.reconsideration.total", "value": 0})
        nr.figures.append({"quote_hint": phrase.rstrip("。"), "metric": lit_metric, "value": 0})
    elif rec and lit:
        sup += (
            "全年因政府信息公开工作"
            + nr.fig(f"被申请行政复议{rec}件", "t4.reconsideration.total", rec)
            + "，"
            + nr.fig(f"被提起行政诉讼{lit}件", lit_metric, lit)
            + "。"
        )
    elif rec:
        sup += (
            "全年因政府信息公开工作"
            + nr.fig(f"被申请行政复议{rec}件", "t4.reconsideration.total", rec)
            + "，未发生行政诉讼。"
        )
        nr.figures.append({"quote_hint": "未发生行政诉讼", "metric": lit_metric, "value": 0})
    else:
        sup += "全年因政府信息公开工作" + nr.fig(f"被提起行政诉讼{lit}件", lit_metric, lit) + "，未发生行政复议。"
        nr.figures.append({"quote_hint": "未发生行政复议", "metric": "t4.reconsideration.total", "value": 0})

    sec1: list[tuple[str, str]] = [("p", intro)]
    for i, (h, body) in enumerate(zip(heads, (proactive, apply, manage, platform, sup))):
        head = f"（{CN_NUM[i]}）{h}{suffix}"
        if inline:
            sec1.append(("p", f"{head}。{body}"))
        else:
            sec1.append(("h", head))
            sec1.append(("p", body))
    rep["sec1"] = sec1
    rep["figures"] = nr.figures


def _sec6(rng: random.Random, rep: dict, office: dict, unpaid: int) -> None:
    y = rep["year"]
    figs = rep["figures"]
    if rep.get("sec6_empty"):
        rep["sec6"] = [("p", _pick(rng, ("无。", "暂无其他需要报告的事项。")))]
        rep["fee_statement"] = None
        return
    charged = unpaid > 0 or (y >= 2021 and rng.random() < 0.04)
    if y < 2021:
        fee = "本年度未收取政府信息公开相关费用。"
        figs.append({"quote_hint": "未收取政府信息公开相关费用", "metric": "x.fee.collected", "value": 0})
        rep["fee_statement"] = {"notices": None, "notice_amount_yuan": None, "collected_yuan": 0}
    elif charged:
        k = max(unpaid + rng.randint(0, 2), 1)
        amount = k * rng.choice((100, 200, 300, 500, 650))
        collected = amount - unpaid * (amount // k) if unpaid < k else 0
        fee = "本年度共" + f"发出收费通知{k}件，通知金额合计{amount}元，实际收取信息处理费{collected}元。"
        figs += [
            {"quote_hint": f"发出收费通知{k}件", "metric": "x.fee_notice.count", "value": k},
            {"quote_hint": f"通知金额合计{amount}元", "metric": "x.fee_notice.amount", "value": amount},
            {"quote_hint": f"实际收取信息处理费{collected}元", "metric": "x.fee.collected", "value": collected},
        ]
        if unpaid:
            fee += f"其中{unpaid}名申请人逾期未按收费通知要求缴纳费用，其申请已不再处理。"
            figs.append(
                {
                    "quote_hint": f"{unpaid}名申请人逾期未按收费通知要求缴纳费用",
                    "metric": "t3.other_unpaid_fee.total",
                    "value": unpaid,
                }
            )
        rep["fee_statement"] = {"notices": k, "notice_amount_yuan": amount, "collected_yuan": collected}
    else:
        fee = _pick(
            rng, ("本年度未发出收费通知，未收取信息处理费。", "本年度未向申请人收取信息处理费，也未发出收费通知。")
        )
        figs.append({"quote_hint": "未发出收费通知", "metric": "x.fee_notice.count", "value": 0})
        figs.append(
            {
                "quote_hint": "未收取信息处理费" if "未收取" in fee else "未向申请人收取信息处理费",
                "metric": "x.fee.collected",
                "value": 0,
            }
        )
        rep["fee_statement"] = {"notices": 0, "notice_amount_yuan": 0, "collected_yuan": 0}
    extra = _pick(
        rng,
        (
            "",
            f"{y}年，{office['short']}按照上级政务公开工作要点要求，完成了基层政务公开标准目录的年度更新。",
            "本年度人大代表建议和政协提案的办理结果已按规定向社会公开。",
            "本年度未发生因政府信息公开引发的泄密事件或侵犯个人隐私的情况。",
        ),
    )
    rep["sec6"] = [("p", fee)] + ([("p", extra)] if extra else [])


# ------------------------------------------------------------------------------------------------ renderers
def _t2_rows_printed(rep: dict) -> list[tuple[str, tuple[str, ...], list[tuple[str, list[str]]]]]:
    specs = T2_SPECS[rep["template"]]
    out = []
    for cap, header, keys in T2_BLOCKS[rep["template"]]:
        out.append((cap, header, [(specs[k].label, rep["printed"]["t2"][k]) for k in keys]))
    return out


def _tab_row(cells: list[str]) -> str:
    return "\n".join("\t" + c for c in cells)


def _tables_tab(rep: dict, which: str) -> str:
    rows: list[str] = []
    if which == "t2":
        for cap, header, prow in _t2_rows_printed(rep):
            rows.append(_tab_row([cap]))
            rows.append(_tab_row(list(header)))
            rows += [_tab_row([label] + cells) for label, cells in prow]
    elif which == "t3":
        rows.append(_tab_row([T3_NOTE, "申请人情况"]))
        rows.append(_tab_row(["", "自然人", "法人或其他组织", "总计"]))
        rows.append(_tab_row(["", "", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", ""]))
        for key, label, lvl, grp in T3_LAYOUT[rep["template"]]:
            lab = [label] if lvl == 1 else [grp or "", label] if lvl == 2 else ["", grp or "", label]
            rows.append(_tab_row(lab + rep["printed"]["t3"][key]))
    else:
        rows.append(_tab_row(["行政复议", "行政诉讼"]))
        rows.append(
            _tab_row(["结果维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计", "未经复议直接起诉", "复议后起诉"])
        )
        rows.append(_tab_row([""] * 5 + ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"] * 2))
        rows.append(_tab_row(rep["printed"]["t4"]))
    return "\n\n".join(rows)


def _tables_oneline(rep: dict, which: str) -> list[str]:
    lines: list[str] = []
    if which == "t2":
        for cap, header, prow in _t2_rows_printed(rep):
            lines.append(cap)
            lines += list(header)
            for label, cells in prow:
                lines.append(label)
                lines += cells
    elif which == "t3":
        lines += [T3_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计", *T3_ORG_LABELS]
        for key, label, _lvl, grp in T3_LAYOUT[rep["template"]]:
            if grp:
                lines.append(grp)
            lines.append(label)
            lines += rep["printed"]["t3"][key]
    else:
        lines += [
            "行政复议",
            "行政诉讼",
            *T4_COL_LABELS,
            "未经复议直接起诉",
            "复议后起诉",
            *T4_COL_LABELS,
            *T4_COL_LABELS,
        ]
        lines += rep["printed"]["t4"]
    return lines


def _tables_spaced(rep: dict, which: str) -> list[str]:
    lines: list[str] = []
    if which == "t2":
        for cap, header, prow in _t2_rows_printed(rep):
            lines.append(cap)
            lines.append(" ".join(header))
            lines += [" ".join([label] + cells).rstrip() for label, cells in prow]
    elif which == "t3":
        lines += [T3_NOTE, "申请人情况", "自然人 法人或其他组织 总计", " ".join(T3_ORG_LABELS)]
        brk = rep["page_break_row"]
        for key, label, _lvl, grp in T3_LAYOUT[rep["template"]]:
            if grp:
                lines.append(grp)
            lines.append(" ".join([label] + rep["printed"]["t3"][key]))
            if key == brk:
                lines.append("@@PAGE@@")
    else:
        lines += [
            "行政复议 行政诉讼",
            " ".join(T4_COL_LABELS) + " 未经复议直接起诉 复议后起诉",
            " ".join(T4_COL_LABELS * 2),
            " ".join(rep["printed"]["t4"]),
        ]
    return lines


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _tables_md(rep: dict, which: str) -> list[str]:
    lines: list[str] = []
    if which == "t2":
        for cap, header, prow in _t2_rows_printed(rep):
            lines += [f"**{cap}**", "", _md_row(list(header)), "|" + "---|" * len(header)]
            lines += [_md_row([label] + cells) for label, cells in prow]
            lines.append("")
    elif which == "t3":
        lines.append(_md_row([T3_NOTE, "", "", "申请人情况"] + [""] * 6))
        lines.append("|" + "---|" * 10)
        lines.append(_md_row(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]))
        lines.append(_md_row(["", "", "", "", *T3_ORG_LABELS, ""]))
        for key, label, lvl, grp in T3_LAYOUT[rep["template"]]:
            lab = [label, "", ""] if lvl == 1 else [grp or "", label, ""] if lvl == 2 else ["", grp or "", label]
            lines.append(_md_row(lab + rep["printed"]["t3"][key]))
        lines.append("")
    else:
        lines.append(_md_row(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9))
        lines.append("|" + "---|" * 15)
        lines.append(_md_row([""] * 5 + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]))
        lines.append(_md_row(list(T4_COL_LABELS) * 3))
        lines.append(_md_row(rep["printed"]["t4"]))
        lines.append("")
    return lines


def _tables_glued(rep: dict, which: str) -> str:
    s = ""
    if which == "t2":
        for cap, header, prow in _t2_rows_printed(rep):
            s += cap + "".join(header) + "".join(label + "".join(cells) for label, cells in prow)
    elif which == "t3":
        s += T3_NOTE + "申请人情况自然人法人或其他组织总计" + "".join(T3_ORG_LABELS)
        for key, label, _lvl, grp in T3_LAYOUT[rep["template"]]:
            s += (grp or "") + label + "".join(rep["printed"]["t3"][key])
    else:
        s += "行政复议" + SP + "行政诉讼" + "".join(T4_COL_LABELS) + SP + "未经复议直接起诉" + SP + "复议后起诉"
        s += "".join(T4_COL_LABELS) * 2 + "".join(rep["printed"]["t4"])
    return s


def _sections(rep: dict) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """(heading, table or None, paragraphs) for the six sections."""
    out = []
    for i, title in enumerate(SEC_TITLES):
        num = rep["heading_numbers"].get(i + 1, CN_NUM[i])
        heading = f"{num}、{title}"
        table = {1: "t2", 2: "t3", 3: "t4"}.get(i)
        paras = {0: rep["sec1"], 4: rep["sec5"], 5: rep["sec6"]}.get(i, [])
        out.append((heading, table, paras))
    return out


def _render_tab(rep: dict, oneline: bool = False) -> str:
    out = [rep["title"], ""] + rep["preamble"]
    for heading, table, paras in _sections(rep):
        out.append(heading)
        if table:
            if oneline:
                out += _tables_oneline(rep, table)
            else:
                out += ["", _tables_tab(rep, table), ""]
        else:
            out += [t for _, t in paras]
    out += ["", *rep["signature"]]
    return "\n".join(out) + "\n"


def _render_markdown(rep: dict) -> str:
    out = [f"# {rep['title']}", ""]
    for p in rep["preamble"]:
        out += [p, ""]
    for heading, table, paras in _sections(rep):
        out += [f"## {heading}", ""]
        if table:
            out += _tables_md(rep, table)
        else:
            for kind, t in paras:
                out += [f"### {t}" if kind == "h" else t, ""]
    out += rep["signature"]
    return "\n".join(out) + "\n"


def _render_glued(rep: dict) -> str:
    body = SP + SP.join(rep["preamble"])
    for heading, table, paras in _sections(rep):
        body += SP + heading
        if table:
            body += _tables_glued(rep, table)
        else:
            body += SP + SP.join(t for _, t in paras)
    body += SP + SP.join(rep["signature"])
    return rep["title"] + "\n" + body + "\n"


_CJK_DIGIT = re.compile(r"(?<=[\u3400-\u9fff])(?=\d)|(?<=\d)(?=[\u3400-\u9fff])")
_WRAP_TOKEN = re.compile(r"\d[\d.]*|.", re.S)
_NO_LINE_START = set("，。；：、）》”’！？")


def _wrap(s: str, width: int) -> list[str]:
    """PDF-like hard wrap: spaces between CJK and digits, never split a digit run, no closing mark at line start."""
    s = _CJK_DIGIT.sub(" ", s)
    lines, cur, n = [], [], 0
    for tok in _WRAP_TOKEN.findall(s):
        if n + len(tok) > width and n and tok not in _NO_LINE_START:
            lines.append("".join(cur).strip(" "))
            cur, n = [], 0
        cur.append(tok)
        n += len(tok)
    if cur:
        lines.append("".join(cur).strip(" "))
    return [ln for ln in lines if ln]


def _render_spaced(rep: dict) -> str:
    width = rep["wrap_width"]
    raw: list[tuple[str, bool]] = [(rep["title"], True)]
    for p in rep["preamble"]:
        raw += [(x, True) for x in _wrap(p, width)]
    for heading, table, paras in _sections(rep):
        raw.append((heading, True))
        if table:
            raw += [(x, False) for x in _tables_spaced(rep, table)]
        else:
            for kind, t in paras:
                raw += [(t, True)] if kind == "h" else [(x, True) for x in _wrap(t, width)]
    raw += [(_CJK_DIGIT.sub(" ", x), True) for x in rep["signature"]]
    out, page, n = [], 1, 0
    for ln, breakable in raw:
        if ln == "@@PAGE@@" or (n >= 38 and breakable):
            out.append(f"- {page} -")
            page += 1
            n = 0
            if ln == "@@PAGE@@":
                continue
        out.append(ln)
        n += 1
    out.append(f"- {page} -")
    return "\n".join(out) + "\n"


def render(rep: dict) -> str:
    layout = rep["layout"]
    if layout == "tab":
        return _render_tab(rep)
    if layout == "oneline":
        return _render_tab(rep, oneline=True)
    if layout == "markdown":
        return _render_markdown(rep)
    if layout == "glued":
        return _render_glued(rep)
    return _render_spaced(rep)


# ------------------------------------------------------------------------------------------------ defects
def _allowed_defects(template: str, layout: str, year: int) -> list[str]:
    out = ["T3-ROW-SUM", "T4-SUM", "XS-NARR-T3", "STR-HEADING-NUMBER", "YR-SIGN-DATE"]
    if template == FMT_2021 or layout in ("tab", "markdown"):
        out.append("CELL-BLANK")
    if year >= 2021:
        out.append("Q-SEC6-EMPTY")
    return out


def _plant_table_defect(rng: random.Random, rep: dict, defect: str) -> tuple[dict, list[dict]]:
    """Apply a table defect to the printed cells; returns (defect record, downstream records)."""
    tpl, layout = rep["template"], rep["layout"]
    t3, t4 = rep["printed"]["t3"], rep["printed"]["t4"]
    if defect == "T3-ROW-SUM":
        rows = RESULT_KEYS[tpl]
        if layout == "glued":
            rows = [k for k in rows if int(t3[k][6]) <= 8]  # 7 single digits: one split only
            if not rows:
                raise _Retry("no small row for a glued T3-ROW-SUM")
        nonzero = [k for k in rows if int(t3[k][6]) > 0]
        key = _pick(rng, nonzero if nonzero and rng.random() < 0.7 else rows)
        cols = [i for i in range(6) if int(t3[key][i]) > 0] or [0]
        c = _pick(rng, cols)
        old = int(t3[key][c])
        choices = [d for d in (1, 2, -1) if old + d >= 0 and (layout != "glued" or old + d <= 9)]
        new = old + _pick(rng, choices)
        t3[key][c] = str(new)
        col = T3_COLUMN_KEYS[c]
        six = sum(int(x) for x in t3[key][:6])
        rec = {
            "rule": "T3-ROW-SUM",
            "where": f"t3.{key}.{col}",
            "figures": {
                "printed": new,
                "correct": old,
                "row_total_printed": int(t3[key][6]),
                "sum_of_six_columns": six,
            },
        }
        down = [
            {
                "rule": "T3-RESULT-TOTAL",
                "where": f"t3.total_processed.{col}",
                "note": "consequence of the planted leaf cell; rulebook F.3 reports the leaf",
            }
        ]
        return rec, down
    if defect == "T4-SUM":
        blocks = [b for b in range(3) if int(t4[b * 5 + 4]) > 0] or [0]
        b = _pick(rng, blocks)
        old = int(t4[b * 5 + 4])
        choices = [d for d in (1, -1, 2) if old + d >= 0 and (layout != "glued" or old + d <= 9)]
        new = old + _pick(rng, choices)
        t4[b * 5 + 4] = str(new)
        parts = [int(x) for x in t4[b * 5 : b * 5 + 4]]
        return {
            "rule": "T4-SUM",
            "where": f"t4.{T4_BLOCK_KEYS[b]}.total",
            "figures": dict(zip(T4_COL_KEYS[:4], parts), sum_of_four=sum(parts), printed_total=new),
        }, []
    if defect == "CELL-BLANK":
        t2 = rep["printed"]["t2"]
        zero = [(k, i) for k in T3_KEYS[tpl] for i in range(1, 6) if t3[k][i] == "0"]
        if layout in ("tab", "markdown") and (not zero or rng.random() < 0.5):
            # tab and Markdown cells are delimited: any table-2 cell may be blank
            cells = [(k, i) for k, v in t2.items() for i in range(len(v))]
            row, i = _pick(rng, cells)
        elif layout not in ("tab", "markdown"):
            # other layouts: only a single-value row keeps its blank unambiguous
            row, i = _pick(rng, ("licensing", "penalty", "coercion", "admin_fees")), 0
        else:
            row = None
        if row is not None:
            col = T2_SPECS[tpl][row].columns[i]
            old = t2[row][i]
            t2[row][i] = ""
            return {
                "rule": "CELL-BLANK",
                "where": f"t2.{row}.{col}",
                "figures": {"printed": None, "intended": _value(old)},
            }, []
        key, i = _pick(rng, zero)
        t3[key][i] = ""
        return {
            "rule": "CELL-BLANK",
            "where": f"t3.{key}.{T3_COLUMN_KEYS[i]}",
            "figures": {"printed": None, "intended": 0},
        }, []
    raise ValueError(defect)


# ------------------------------------------------------------------------------------------------ driver
def _choose_layout(rng: random.Random, formats: tuple[str, ...], year: int) -> str:
    allowed = [f for f in formats if not (f == "glued" and year <= 2020)]
    return _pick(rng, allowed or list(formats))


def _plan_series(rng: random.Random, n: int, formats: tuple[str, ...]) -> list[list[int]]:
    """Years of each office's run of consecutive reports (lengths 1-3)."""
    first = 2021 if set(formats) == {"glued"} else FIRST_YEAR
    out, count = [], 0
    while count < n:
        length = min(rng.choices((1, 2, 3), weights=(40, 45, 15))[0], n - count, LAST_YEAR - first + 1)
        start = rng.randint(first, LAST_YEAR - length + 1)
        out.append(list(range(start, start + length)))
        count += length
    return out


def _make_report(
    rng: random.Random,
    office: dict,
    year: int,
    formats: tuple[str, ...],
    prev: dict | None,
    series: int,
    used_sec5: set[tuple],
) -> dict:
    tpl = FMT_2019 if year <= 2020 else FMT_2021
    layout = _choose_layout(rng, formats, year)
    defect = None
    if rng.random() < DEFECT_RATE:
        defect = _pick(rng, _allowed_defects(tpl, layout, year))
    cross: list[dict] = []
    carried = None
    if prev is not None:
        carried = list(prev["t3_values"]["carried_forward"][:6])
        if rng.random() < XY_BREAK_RATE:
            for _ in range(20):
                c = 0 if rng.random() < 0.7 else rng.randrange(1, 6)
                d = _pick(rng, (1, 2, 3, -1))
                if carried[c] + d < 0:
                    continue
                broken = list(carried)
                broken[c] += d
                if _t3_row_unique(_row_str(broken + [sum(broken)])):
                    cross.append(
                        {
                            "rule": "XY-CARRY",
                            "where": f"t3.carried_over.{T3_COLUMN_KEYS[c]}",
                            "figures": {
                                "this_year": broken[c],
                                "last_year_carried_forward": carried[c],
                                "this_year_total": sum(broken),
                                "last_year_total": sum(carried),
                            },
                        }
                    )
                    carried = broken
                    break
    glued = layout == "glued"
    t3v = _gen_t3(
        rng,
        office,
        tpl,
        year,
        carried,
        glued,
        min_new=1 if defect == "XS-NARR-T3" else 0,
        unpaid_ok=year >= 2021 and defect != "Q-SEC6-EMPTY",
    )
    n_new = t3v["new_received"][6]
    t4v = _gen_t4(rng, office, n_new, glued, tiny=glued and defect == "T4-SUM")
    prev_t2 = prev["t2_values"] if prev is not None and prev["template"] == tpl else None
    t2v = _gen_t2_2021(rng, office, prev_t2, glued) if tpl == FMT_2021 else _gen_t2_2019(rng, office, prev_t2)
    signed = tpl == FMT_2019 and rng.random() < 0.4
    rep: dict[str, Any] = {
        "office": office["name"],
        "level": office["level"],
        "year": year,
        "template": tpl,
        "layout": layout,
        "series": series,
        "t3_values": t3v,
        "t2_values": t2v,
        "printed": {
            "t2": {k: [_fmt_num(v, signed and c == "change") for c, v in cols.items()] for k, cols in t2v.items()},
            "t3": {k: [str(x) for x in v] for k, v in t3v.items()},
            "t4": [str(x) for x in t4v],
        },
        "heading_numbers": {},
        "sec6_empty": False,
        "wrap_width": rng.choice((30, 32, 34, 36)),
        "page_break_row": _pick(rng, T3_KEYS[tpl][4:-4]),
    }
    defects: list[dict] = []
    downstream: list[dict] = []
    narr_override: dict[str, int] = {}
    if defect in ("T3-ROW-SUM", "T4-SUM", "CELL-BLANK"):
        rec, downstream = _plant_table_defect(rng, rep, defect)
        defects.append(rec)
    elif defect == "XS-NARR-T3":
        metric = _pick(rng, ("t3.new_received.total", "t3.total_processed.total", "t3.granted.total"))
        row = metric.split(".")[1]
        table = t3v[row][6]
        if table == 0:
            metric, row, table = "t3.new_received.total", "new_received", n_new
        alts = {
            t3v[a][6] + (t3v[b][6] if b else 0)
            for a, b in (
                ("new_received", "carried_over"),
                ("total_processed", None),
                ("new_received", None),
                ("total_processed", "carried_forward"),
                ("carried_over", None),
                ("carried_forward", None),
            )
        }
        for _ in range(50):
            shown = table + _pick(rng, (1, 2, 3, 5, -1, -2))
            if shown > 0 and shown not in alts:
                break
        narr_override[metric] = shown
        defects.append({"rule": "XS-NARR-T3", "where": metric, "figures": {"narrative": shown, "table": table}})
    elif defect == "STR-HEADING-NUMBER":
        k = rng.choice((2, 2, 2, 3, 4, 5, 6))  # mostly '2、' as in real reports; 三-五 follow a table
        rep["heading_numbers"][k] = str(k)
        defects.append(
            {
                "rule": "STR-HEADING-NUMBER",
                "where": f"section {CN_NUM[k - 1]} heading",
                "figures": {
                    "printed": f"{k}、{SEC_TITLES[k - 1]}",
                    "expected": f"{CN_NUM[k - 1]}、{SEC_TITLES[k - 1]}",
                },
            }
        )
    elif defect == "Q-SEC6-EMPTY":
        rep["sec6_empty"] = True
    _build_sections(rng, rep, office, narr_override)
    if defect == "XS-NARR-T3":
        q = next(f["quote_hint"] for f in rep["figures"] if f["metric"] == defects[0]["where"])
        defects[0]["figures"]["quote_hint"] = q
    unpaid = t3v["other_unpaid_fee"][6] if tpl == FMT_2021 else 0
    _sec6(rng, rep, office, unpaid)
    if defect == "Q-SEC6-EMPTY":
        defects.append({"rule": "Q-SEC6-EMPTY", "where": "section 六", "figures": {"text": rep["sec6"][0][1]}})
    # section 五
    corrected = sum(t4v[b * 5 + 1] for b in range(3))
    sec5_source: dict[str, Any]
    if prev is not None and rng.random() < COPY_PREV_RATE:
        rep["sec5"] = prev["sec5"]
        rep["sec5_problems"] = prev["sec5_problems"]
        sec5_source = {"kind": "copy_prev", "boilerplate_id": prev["sec5_source"].get("boilerplate_id")}
        cross.append({"rule": "Q-SEC5-COPY-PREV", "where": "section 五", "figures": {}})
    elif rng.random() < BOILERPLATE_RATE and not (prev is not None and prev["sec5_source"]["kind"] != "own"):
        bid = rng.randrange(len(BOILERPLATE))
        rep["sec5"] = [("p", BOILERPLATE[bid])]
        rep["sec5_problems"] = []
        sec5_source = {"kind": "boilerplate", "boilerplate_id": bid}
    else:
        prev_problems = prev["sec5_problems"] if prev is not None else None
        rep["sec5"], rep["sec5_problems"] = _sec5(rng, office, year, prev_problems, corrected, used_sec5)
        sec5_source = {"kind": "own", "boilerplate_id": None}
    rep["sec5_source"] = sec5_source
    # signature
    if defect == "YR-SIGN-DATE":
        m = rng.choice((11, 12, 12, 12))
        d = rng.randint(10, 30)
        defects.append(
            {
                "rule": "YR-SIGN-DATE",
                "where": "signature",
                "figures": {"sign_date": f"{year}-{m:02d}-{d:02d}", "statistical_year": year},
            }
        )
        sign = (year, m, d)
    else:
        m = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        sign = (year + 1, m, rng.randint(5 if m == 1 else 1, 28))
    rep["signature"] = [office["name"], f"{sign[0]}年{sign[1]}月{sign[2]}日"]
    rep["signature_date"] = f"{sign[0]:04d}-{sign[1]:02d}-{sign[2]:02d}"
    rep["title"] = f"{office['name']}{year}年政府信息公开工作年度报告"
    rep["defects"] = defects + cross
    rep["downstream"] = downstream
    return rep


def _gold_tables(rep: dict) -> dict[str, Any]:
    tpl = rep["template"]
    specs = T2_SPECS[tpl]
    t2 = {k: {c: _value(v) for c, v in zip(specs[k].columns, cells)} for k, cells in rep["printed"]["t2"].items()}
    t3 = {k: {c: _value(v) for c, v in zip(T3_COLUMN_KEYS, cells)} for k, cells in rep["printed"]["t3"].items()}
    p4 = rep["printed"]["t4"]
    t4 = {b: {c: _value(p4[i * 5 + j]) for j, c in enumerate(T4_COL_KEYS)} for i, b in enumerate(T4_BLOCK_KEYS)}
    return {"t2": t2, "t3": t3, "t4": t4}


def _record(rep: dict) -> dict[str, Any]:
    return {
        "file": rep["file"],
        "office": rep["office"],
        "level": rep["level"],
        "year": rep["year"],
        "template": rep["template"],
        "layout": rep["layout"],
        "defects": rep["defects"],
        "downstream": rep["downstream"],
        "series": rep["series"],
        "prev_file": rep.get("prev_file"),
        "sec5_source": rep["sec5_source"],
        "fee_statement": rep["fee_statement"],
        "signature_date": rep["signature_date"],
        "sections_present": {str(i): True for i in range(1, 7)},
        "tables": _gold_tables(rep),
        "narrative_figures": rep["figures"],
    }


def generate(outdir: Path, n: int, seed: int = 0, formats: tuple[str, ...] = LAYOUTS) -> list[dict]:
    """Write ``n`` synthetic reports into ``outdir`` and ``outdir/manifest.jsonl``; return the manifest records.

    Deterministic: the same ``(n, seed, formats)`` gives the same bytes.
    """
    formats = tuple(formats)
    bad = [f for f in formats if f not in LAYOUTS]
    if bad or not formats:
        raise ValueError(f"unknown layout(s) {bad}; choose from {LAYOUTS}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    used: set[str] = set()
    used_sec5: set[tuple] = set()
    reports: list[dict] = []
    for sid, years in enumerate(_plan_series(rng, n, formats)):
        office = _make_office(rng, used)
        prev = None
        for year in years:
            for attempt in range(20):
                state = rng.getstate()
                try:
                    rep = _make_report(rng, office, year, formats, prev, sid, used_sec5)
                    break
                except _Retry:
                    rng.setstate(state)
                    rng.random()
                    if attempt == 19:
                        raise
            reports.append(rep)
            prev = rep
    order = list(range(len(reports)))
    rng.shuffle(order)
    for num, i in enumerate(order, 1):
        rep = reports[i]
        rep["file"] = f"r{num:05d}_{rep['layout']}{EXTENSION[rep['layout']]}"
    by_series: dict[int, list[dict]] = {}
    for rep in reports:
        by_series.setdefault(rep["series"], []).append(rep)
    for reps in by_series.values():
        for a, b in zip(reps, reps[1:]):
            b["prev_file"] = a["file"]
            for d in b["defects"]:
                if d["rule"] in CROSS_YEAR_RULES:
                    d["figures"]["previous_file"] = a["file"]
    records = []
    with open(outdir / "manifest.jsonl", "w", encoding="utf-8", newline="\n") as man:
        for i in order:
            rep = reports[i]
            with open(outdir / rep["file"], "w", encoding="utf-8", newline="\n") as fh:
                fh.write(render(rep))
            rec = _record(rep)
            records.append(rec)
            man.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.synth", description="Generate synthetic annual reports.")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(LAYOUTS), help="comma-separated layouts: " + ",".join(LAYOUTS))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    records = generate(args.outdir, args.n, args.seed, tuple(f.strip() for f in args.formats.split(",") if f.strip()))
    dt = time.perf_counter() - t0
    planted = sum(1 for r in records if r["defects"])
    print(
        f"wrote {len(records)} reports ({planted} with planted defects) and manifest.jsonl to {args.outdir} in {dt:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
