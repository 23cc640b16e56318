"""The saved queries (queries/*.rq) answer their questions as the article does.

Every expected answer below is written from the article (graph/source/article.zh.txt), whose
sentence is quoted above it; none is copied from the graph. Rows are compared as multisets of
Python values (IRIs as strings, numbers as int or Decimal, xsd:date as datetime.date, month and
year dates as their lexical form), and in order where the question asks for an order. Columns
that hold a list (GROUP_CONCAT, whose order inside the list no engine fixes) are compared as
sets.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from lib_helpers import REPO
from rdflib import Graph, URIRef

from kg import MissingParameterError, list_queries, run_query
from kg.core.paths import default_sources
from kg.queries.execution import query_graph

pytestmark = pytest.mark.realdata

SOURCES = default_sources(REPO)
ARTICLE = (REPO / "graph" / "source" / "article.zh.txt").read_text(encoding="utf-8")
KK = "https://w3id.org/kazkgz/id/"
KKO = "https://w3id.org/kazkgz/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

_LIST_COLUMN = re.compile(
    r'GROUP_CONCAT\s*\(.*?;\s*separator\s*=\s*"(?P<sep>[^"]+)"\s*\)\s+AS\s+\?(?P<name>\w+)',
    re.IGNORECASE | re.DOTALL,
)


def kk(local: str) -> str:
    return KK + local


def kko(local: str) -> str:
    return KKO + local


def list_columns(text: str) -> dict[str, str]:
    """The columns of a query that GROUP_CONCAT makes, and their separators."""
    return {m["name"]: m["sep"] for m in _LIST_COLUMN.finditer(text)}


@dataclass(frozen=True)
class Case:
    """One run of a saved query and the answer the article gives."""

    query: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    params: dict[str, str] = field(default_factory=dict)
    ordered: bool = False

    @property
    def id(self) -> str:
        given = ",".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.query}[{given}]" if given else self.query


def S(*items: str) -> frozenset[str]:  # a set literal that reads well in the tables
    return frozenset(items)


# ---------------------------------------------------------------------------------------------
# The answers, from the article
# ---------------------------------------------------------------------------------------------
CASES = [
    # 1. 哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系。
    Case(
        "diplomatic-relations",
        ("date", "precision", "beginDate"),
        [(date(1992, 10, 15), "day", date(1992, 10, 15))],
    ),
    # 2. 其中包括1997年4月8日签署的《永久友好条约》以及2003年12月25日确立的《同盟关系条约》
    #    教育合作则基于2006年7月4日签署的《哈吉教育合作协定》
    #    此外，2023年在比什凯克，两国外长还签署了《2024-2026年合作计划》
    #    2024年6月，哈、吉、俄三国在维也纳签署了在吉尔吉斯斯坦纳伦州建设坎巴尔阿塔1号水电站的协议。
    #    今年7月21日，托卡耶夫总统签署批准了《哈萨克斯坦共和国与吉尔吉斯斯坦共和国之间的
    #    深化和扩大同盟关系协定》。(no signing date: the ratification dates it; 今年 = 2025)
    Case(
        "agreements",
        (
            "labelZh",
            "kindEn",
            "actKindEn",
            "date",
            "precision",
            "placeEn",
            "partiesEn",
            "signatoriesEn",
        ),
        [
            (
                "永久友好条约",
                "treaty",
                "signing",
                date(1997, 4, 8),
                "day",
                None,
                S("Kazakhstan", "Kyrgyzstan"),
                None,
            ),
            (
                "同盟关系条约",
                "treaty",
                "conclusion of an agreement",
                date(2003, 12, 25),
                "day",
                None,
                S("Kazakhstan", "Kyrgyzstan"),
                None,
            ),
            (
                "哈吉教育合作协定",
                "agreement",
                "signing",
                date(2006, 7, 4),
                "day",
                None,
                S("Kazakhstan", "Kyrgyzstan"),
                None,
            ),
            (
                "2024-2026年合作计划",
                "cooperation programme",
                "signing",
                "2023",
                "year",
                "Bishkek",
                S("Kazakhstan", "Kyrgyzstan"),
                S(
                    "Minister of Foreign Affairs of Kazakhstan",
                    "Minister of Foreign Affairs of Kyrgyzstan",
                ),
            ),
            (
                "在吉尔吉斯斯坦纳伦州建设坎巴尔阿塔1号水电站的协议",
                "agreement",
                "signing",
                "2024-06",
                "month",
                "Vienna",
                S("Kazakhstan", "Kyrgyzstan", "Russia"),
                None,
            ),
            (
                "哈萨克斯坦共和国与吉尔吉斯斯坦共和国之间的深化和扩大同盟关系协定",
                "agreement",
                "ratification",
                date(2025, 7, 21),
                "day",
                None,
                S("Kazakhstan", "Kyrgyzstan"),
                S("Kassym-Jomart Tokayev"),
            ),
        ],
        ordered=True,
    ),
    # 3. 均为联合国、欧洲安全与合作组织、独联体、集体安全条约组织、欧亚经济联盟及上海合作组织等
    #    国际组织成员
    Case(
        "shared-organisations",
        ("labelZh",),
        [
            ("联合国",),
            ("欧洲安全与合作组织",),
            ("独联体",),
            ("集体安全条约组织",),
            ("欧亚经济联盟",),
            ("上海合作组织",),
        ],
    ),
    # 4. 2020年，两国贸易额为7.962亿美元，而到2024年已超过17亿美元。今年前五个月已达8.218亿美元，
    #    预计全年可突破20亿美元。
    #    本月初，两国外长同意将双边年贸易额提升至30亿美元 (a target, for no particular year)
    Case(
        "bilateral-trade",
        ("periodBegin", "periodEnd", "amount", "unit", "qualifierEn", "statusEn"),
        [
            (
                date(2020, 1, 1),
                date(2020, 12, 31),
                Decimal("796200000"),
                "USD",
                "exact",
                "reported",
            ),
            (
                date(2024, 1, 1),
                date(2024, 12, 31),
                Decimal("1700000000"),
                "USD",
                "more than",
                "reported",
            ),
            (date(2025, 1, 1), date(2025, 5, 31), Decimal("821800000"), "USD", "exact", "reported"),
            (
                date(2025, 1, 1),
                date(2025, 12, 31),
                Decimal("2000000000"),
                "USD",
                "more than",
                "forecast",
            ),
            (None, None, Decimal("3000000000"), "USD", "exact", "target"),
        ],
        ordered=True,
    ),
    # 5. 2021年3月，吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈，在阿斯塔纳与总统哈斯穆-卓玛尔特·
    #    托卡耶夫举行会谈。2022年5月，托卡耶夫总统回访比什凯克，两国元首在小范围和大范围会谈中
    #    达成多项具体协议，涵盖政治、经济以及人文领域。
    Case(
        "visits",
        (
            "kindEn",
            "visitorZh",
            "visitorPostEn",
            "hostEn",
            "placeZh",
            "date",
            "returnsVisit",
            "talksEn",
            "outcomeTopicsEn",
        ),
        [
            (
                "official visit",
                "萨德尔·扎帕罗夫",
                "President of Kyrgyzstan",
                "Kazakhstan",
                "阿斯塔纳",
                "2021-03",
                None,
                S("Talks of Japarov and Tokayev in Astana (March 2021)"),
                None,
            ),
            (
                "return visit",
                "哈斯穆-卓玛尔特·托卡耶夫",
                "President of Kazakhstan",
                "Kyrgyzstan",
                "比什凯克",
                "2022-05",
                kk("visit-of-japarov-to-kazakhstan-2021"),
                S(
                    "Talks of the heads of state in narrow format (May 2022, Bishkek)",
                    "Talks of the heads of state in extended format (May 2022, Bishkek)",
                ),
                # 人文: the humanitarian (people-to-people) field, not the humanities
                S("politics", "economy", "humanitarian (people-to-people) ties"),
            ),
        ],
        ordered=True,
    ),
    # 6. 2024年，哈萨克斯坦对吉出口额达12.6亿美元，主要包括黄金、矿泉及碳酸饮料、石油产品、
    #    轻型汽车、煤炭、电力及水泥；吉尔吉斯斯坦对哈出口额则为4.56亿美元，涵盖石油产品、
    #    贵金属矿石与精矿、无碳钢材、塑料容器、针织男装、碳酸盐、女装、面包及糖制品、陶瓷砖等。
    Case(
        "exports",
        (
            "exporterZh",
            "importerZh",
            "amount",
            "unit",
            "qualifierEn",
            "statusEn",
            "goodsZh",
            "goodsListComplete",
        ),
        [
            (
                "哈萨克斯坦",
                "吉尔吉斯斯坦",
                Decimal("1260000000"),
                "USD",
                "exact",
                "reported",
                S("黄金", "矿泉及碳酸饮料", "石油产品", "轻型汽车", "煤炭", "电力", "水泥"),
                False,
            ),
            (
                "吉尔吉斯斯坦",
                "哈萨克斯坦",
                Decimal("456000000"),
                "USD",
                "exact",
                "reported",
                S(
                    "石油产品",
                    "贵金属矿石与精矿",
                    "无碳钢材",
                    "塑料容器",
                    "针织男装",
                    "碳酸盐",
                    "女装",
                    "面包及糖制品",
                    "陶瓷砖",
                ),
                False,
            ),
        ],
    ),
    # The article gives no exports for 2020, only the turnover.
    Case("exports", ("amount",), [], params={"year": "2020"}),
    # 7. 政治学者、国际问题专家扎纳特·莫明库洛夫指出，会谈有望推动双边关系迈向新阶段。
    #    他认为，双方将重点讨论经贸合作扩展、水资源与能源利用、交通物流项目推进以及人文合作。
    #    同时，边境稳定与地区安全也将是核心议题。
    #    他表示，吉尔吉斯民族是哈萨克民族最亲近的兄弟民族之一，……
    #    然而，专家提醒，应避免将历史事件政治化，而应以学术视角看待。
    #    莫明库洛夫指出，两国在国际组织中承担着共同责任，…… 但同时，两国也面临外部力量影响下的
    #    挑战，如俄罗斯商品的大量输入对吉尔吉斯斯坦及欲发展本土产业的哈萨克斯坦均构成竞争压力。
    #    他强调，平衡俄罗斯、中国和欧盟三方影响力，将是两国关系长期稳定与地区一体化的关键。
    Case(
        "expert-claims",
        ("claimantZh", "verbZh", "claimZh"),
        [
            ("扎纳特·莫明库洛夫", "指出", "会谈有望推动双边关系迈向新阶段"),
            (
                "扎纳特·莫明库洛夫",
                "认为",
                "双方将重点讨论经贸合作扩展、水资源与能源利用、交通物流项目推进以及人文合作",
            ),
            ("扎纳特·莫明库洛夫", "认为", "边境稳定与地区安全也将是核心议题"),
            (
                "扎纳特·莫明库洛夫",
                "表示",
                "吉尔吉斯民族是哈萨克民族最亲近的兄弟民族之一，共同的语言、传统与精神价值为"
                "两国政治对话与文化交流奠定了基础",
            ),
            ("扎纳特·莫明库洛夫", "提醒", "应避免将历史事件政治化，而应以学术视角看待"),
            ("扎纳特·莫明库洛夫", "指出", "两国在国际组织中承担着共同责任"),
            (
                "扎纳特·莫明库洛夫",
                "指出",
                "俄罗斯商品的大量输入对吉尔吉斯斯坦及欲发展本土产业的哈萨克斯坦均构成竞争压力",
            ),
            (
                "扎纳特·莫明库洛夫",
                "强调",
                "平衡俄罗斯、中国和欧盟三方影响力，将是两国关系长期稳定与地区一体化的关键",
            ),
        ],
        ordered=True,
    ),
    # 8. 哈国设有多个吉尔吉斯民族文化中心，包括阿斯塔纳的吉尔吉斯民族文化协会、塔拉兹的
    #    “玛纳斯-阿塔”中心、阿克套的“Ala-LLP”，以及阿拉木图的“\u041ceken”、“吉尔吉斯-阿塔”等。
    #    (the article writes Meken with a Cyrillic capital Em, U+041C, and Latin letters)
    Case(
        "cultural-centres",
        ("labelZh", "cityZh"),
        [
            ("吉尔吉斯民族文化协会", "阿斯塔纳"),
            ("玛纳斯-阿塔", "塔拉兹"),
            ("Ala-LLP", "阿克套"),
            ("\u041ceken", "阿拉木图"),
            ("吉尔吉斯-阿塔", "阿拉木图"),
        ],
    ),
    # 9. 2019年，约有1000名吉尔吉斯斯坦学生在哈高校学习，同时有约2000名哈萨克斯坦学生在吉高校
    #    就读。尽管疫情期间有所下降，但2024年仍有2766名哈萨克斯坦学生在吉尔吉斯斯坦学习。
    Case(
        "student-exchange",
        ("year", "fromEn", "toEn", "students", "qualifierZh"),
        [
            ("2019", "Kazakhstan", "Kyrgyzstan", 2000, "约"),
            ("2019", "Kyrgyzstan", "Kazakhstan", 1000, "约"),
            ("2024", "Kazakhstan", "Kyrgyzstan", 2766, "确数"),
        ],
        ordered=True,
    ),
    # 10. 2024年6月，哈、吉、俄三国在维也纳签署了在吉尔吉斯斯坦纳伦州建设坎巴尔阿塔1号水电站的协议。
    #     The reports of the Vienna signing (graph/verification.tsv: trend.az, turantimes.kz,
    #     yuz.uz) name Uzbekistan, not Russia: the agreement is contradicted.
    Case(
        "third-state-agreements",
        ("labelZh", "thirdStateZh", "date", "placeEn", "status"),
        [
            (
                "在吉尔吉斯斯坦纳伦州建设坎巴尔阿塔1号水电站的协议",
                "俄罗斯",
                "2024-06",
                "Vienna",
                "contradicted",
            )
        ],
    ),
    # 11. 如由两国元首领导的高级国家间委员会、由政府总理主持的哈吉政府间理事会，以及外交部长理事会。
    #     两国共同运行的“楚河-塔拉斯河水利委员会”每年确定水资源分配及设施维修计划。
    #     (the heads of state: 吉尔吉斯斯坦总统萨德尔·扎帕罗夫 … 总统哈斯穆-卓玛尔特·托卡耶夫;
    #     the article names no prime minister and no leader of the other two)
    Case(
        "bilateral-institutions",
        ("labelZh", "relationZh", "postZh", "holderZh"),
        [
            ("高级国家间委员会", "领导", "哈萨克斯坦总统", "哈斯穆-卓玛尔特·托卡耶夫"),
            ("高级国家间委员会", "领导", "吉尔吉斯斯坦总统", "萨德尔·扎帕罗夫"),
            ("哈吉政府间理事会", "主持", "哈萨克斯坦政府总理", None),
            ("哈吉政府间理事会", "主持", "吉尔吉斯斯坦政府总理", None),
            ("外交部长理事会", None, None, None),
            ("楚河-塔拉斯河水利委员会", None, None, None),
        ],
    ),
    # 12. 两国共同庆祝了穆赫塔尔·阿乌埃佐夫诞辰百年诞辰、库尔曼哈兹175周年、江布尔150周年、
    #     《玛纳斯》英雄史诗千年纪念、托克托古尔·萨特尔甘诺夫150周年，以及艾特玛托夫等文化巨匠的
    #     纪念活动。
    Case(
        "joint-anniversaries",
        ("honouredZh", "honouredKindEn", "years", "anniversaryKindZh"),
        [
            ("穆赫塔尔·阿乌埃佐夫", "person", 100, "诞辰"),
            ("库尔曼哈兹", "person", 175, None),
            ("江布尔", "person", 150, None),
            ("玛纳斯", "creative work", 1000, None),
            ("托克托古尔·萨特尔甘诺夫", "person", 150, None),
            ("艾特玛托夫", "person", None, None),
        ],
    ),
    # 13. The words behind the establishment of diplomatic relations (the default node), and
    #     behind the 2024 trade figure: 而到2024年已超过17亿美元
    Case(
        "fact-source",
        ("quote", "start", "end", "sectionZh"),
        [
            (
                "哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系",
                ARTICLE.index("哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日"),
                ARTICLE.index("。近35年来"),
                "独立以来的关系发展",
            ),
        ],
    ),
    # 14. 两国外长还签署了《2024-2026年合作计划》，重点包括吸引相互投资、交通和物流、能源、
    #     水资源及数字化等领域的联合项目。
    Case(
        "programme-focus-areas",
        ("programmeZh", "areaZh"),
        [
            ("2024-2026年合作计划", area)
            for area in ("吸引相互投资", "交通和物流", "能源", "水资源", "数字化")
        ],
    ),
    # 15. 哈方在夏季从吉尔吉斯斯坦引进电力以灌溉突厥斯坦州农田，冬季再返还电力。
    Case(
        "seasonal-arrangements",
        ("seasonZh", "fromEn", "toEn", "commodityZh", "purposeEn", "regionZh"),
        [
            ("夏季", "Kyrgyzstan", "Kazakhstan", "电力", "irrigation", "突厥斯坦州"),
            # 冬季再返还电力: no region is tied to the winter return
            ("冬季", "Kazakhstan", "Kyrgyzstan", "电力", None, None),
        ],
    ),
    # 16. Everything about Russia (俄罗斯), found by its Chinese name:
    #     哈萨克斯坦已成为吉尔吉斯斯坦继中国和俄罗斯之后的第三大贸易伙伴。
    #     2024年6月，哈、吉、俄三国在维也纳签署了……的协议。
    #     如俄罗斯商品的大量输入对吉尔吉斯斯坦及欲发展本土产业的哈萨克斯坦均构成竞争压力。
    #     平衡俄罗斯、中国和欧盟三方影响力，将是……的关键。
    Case(
        "entity",
        ("entity", "direction", "property", "value"),
        [
            (kk("russia"), "outgoing", RDF_TYPE, kko("State")),
            (kk("russia"), "outgoing", RDFS_LABEL, "俄罗斯"),
            (kk("russia"), "outgoing", RDFS_LABEL, "Russia"),
            (kk("russia"), "outgoing", kko("evidence"), kk("excerpt-trade-rank")),
            (kk("russia"), "outgoing", kko("evidence"), kk("excerpt-kambarata")),
            (kk("russia"), "incoming", kko("rankedAfter"), kk("stat-trade-partner-rank")),
            (kk("russia"), "incoming", kko("party"), kk("kambarata-1-agreement")),
            (kk("russia"), "incoming", kko("participant"), kk("signing-of-kambarata-1-agreement")),
            (kk("russia"), "incoming", kko("about"), kk("claim-pressure-of-russian-imports")),
            (kk("russia"), "incoming", kko("about"), kk("claim-balance-of-influence")),
        ],
        params={"label": "俄罗斯"},
    ),
    # 17. Every dated event, in time order:
    #     1991年，两国同时获得独立 … 1992年10月15日正式建立外交关系 …
    #     1997年4月8日签署的《永久友好条约》… 2003年12月25日确立的《同盟关系条约》…
    #     2006年7月4日签署的《哈吉教育合作协定》… 2021年3月 … 正式访哈，在阿斯塔纳 …
    #     举行会谈。2022年5月，托卡耶夫总统回访比什凯克 … 在小范围和大范围会谈中 …
    #     此后，两国元首多次在地区性与全球性峰会上并肩出席 … 2023年在比什凯克 …
    #     签署了《2024-2026年合作计划》… 2024年6月 … 在维也纳签署 … 今年7月21日 …
    #     签署批准 … 本月初，两国外长同意 … 并计划于2026年在边境建立工业贸易物流综合体
    Case(
        "timeline",
        ("event", "date", "precision", "beginDate"),
        [
            (kk("independence-of-kazakhstan"), "1991", "year", date(1991, 1, 1)),
            (kk("independence-of-kyrgyzstan"), "1991", "year", date(1991, 1, 1)),
            (
                kk("establishment-of-diplomatic-relations"),
                date(1992, 10, 15),
                "day",
                date(1992, 10, 15),
            ),
            (
                kk("signing-of-treaty-of-eternal-friendship"),
                date(1997, 4, 8),
                "day",
                date(1997, 4, 8),
            ),
            (
                kk("conclusion-of-treaty-on-allied-relations"),
                date(2003, 12, 25),
                "day",
                date(2003, 12, 25),
            ),
            (
                kk("signing-of-education-cooperation-agreement"),
                date(2006, 7, 4),
                "day",
                date(2006, 7, 4),
            ),
            (kk("visit-of-japarov-to-kazakhstan-2021"), "2021-03", "month", date(2021, 3, 1)),
            (kk("talks-in-astana-2021"), "2021-03", "month", date(2021, 3, 1)),
            (
                kk("return-visit-of-tokayev-to-kyrgyzstan-2022"),
                "2022-05",
                "month",
                date(2022, 5, 1),
            ),
            (kk("talks-in-bishkek-2022-extended"), "2022-05", "month", date(2022, 5, 1)),
            (kk("talks-in-bishkek-2022-narrow"), "2022-05", "month", date(2022, 5, 1)),
            (kk("joint-summit-attendance"), None, None, date(2022, 5, 1)),
            (kk("signing-of-cooperation-programme-2024-2026"), "2023", "year", date(2023, 1, 1)),
            (kk("signing-of-kambarata-1-agreement"), "2024-06", "month", date(2024, 6, 1)),
            (
                kk("ratification-of-deepening-agreement-by-kazakhstan"),
                date(2025, 7, 21),
                "day",
                date(2025, 7, 21),
            ),
            (kk("foreign-ministers-accord-2025-08"), "2025-08", "month", date(2025, 8, 1)),
            (kk("construction-of-logistics-complex"), "2026", "year", date(2026, 1, 1)),
        ],
        ordered=True,
    ),
    # Reasoning 1. 吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈，在阿斯塔纳与总统哈斯穆-卓玛尔特·托卡耶夫
    #    举行会谈。
    #    Events in office: 托卡耶夫 at the visit and talks of March 2021 (与总统哈斯穆-卓玛尔特·
    #    托卡耶夫举行会谈), the return visit and its two talks of May 2022 (托卡耶夫总统回访,
    #    两国元首在小范围和大范围会谈中), the summits after it (两国元首多次……并肩出席) and the
    #    ratification (托卡耶夫总统签署批准): 7; 扎帕罗夫 at all but the ratification: 6.
    Case(
        "heads-of-state",
        ("personZh", "postZh", "stateZh", "events"),
        [
            ("哈斯穆-卓玛尔特·托卡耶夫", "哈萨克斯坦总统", "哈萨克斯坦", 7),
            ("萨德尔·扎帕罗夫", "吉尔吉斯斯坦总统", "吉尔吉斯斯坦", 6),
        ],
    ),
    # Who held which office at each dated event (the same sentences as above), by the first day
    # of each event's date; the summits (此后, after May 2022) begin with May 2022.
    Case(
        "office-holders-at-events",
        ("event", "beginDate", "person", "post"),
        [
            (kk(event), day, kk(person), kk(post))
            for event, day, holders in (
                ("talks-in-astana-2021", date(2021, 3, 1), "both"),
                ("visit-of-japarov-to-kazakhstan-2021", date(2021, 3, 1), "both"),
                ("joint-summit-attendance", date(2022, 5, 1), "both"),
                ("return-visit-of-tokayev-to-kyrgyzstan-2022", date(2022, 5, 1), "both"),
                ("talks-in-bishkek-2022-extended", date(2022, 5, 1), "both"),
                ("talks-in-bishkek-2022-narrow", date(2022, 5, 1), "both"),
                ("ratification-of-deepening-agreement-by-kazakhstan", date(2025, 7, 21), "tokayev"),
            )
            for person, post in (
                ("kassym-jomart-tokayev", "post-president-of-kazakhstan"),
                ("sadyr-japarov", "post-president-of-kyrgyzstan"),
            )
            if holders == "both" or person.endswith(holders)
        ],
        ordered=True,
    ),
    # Who was President of Kyrgyzstan during the May 2022 return visit? 两国元首 at its talks:
    # Japarov.
    Case(
        "office-holders-at-events",
        ("personZh", "postZh", "date"),
        [("萨德尔·扎帕罗夫", "吉尔吉斯斯坦总统", "2022-05")],
        params={
            "event": "kk:return-visit-of-tokayev-to-kyrgyzstan-2022",
            "state": "kk:kyrgyzstan",
        },
    ),
    # Every agreement's events, one row each: 1997年4月8日签署的《永久友好条约》, 2003年12月25日
    # 确立的《同盟关系条约》, 2006年7月4日签署的《哈吉教育合作协定》, 2023年……两国外长还签署了
    # 《2024-2026年合作计划》, 2024年6月……在维也纳签署了……坎巴尔阿塔1号水电站的协议, 今年7月21日，
    # 托卡耶夫总统签署批准了《……深化和扩大同盟关系协定》.
    Case(
        "agreement-events",
        ("agreement", "eventKindEn", "beginDate", "ratifyingStateEn", "signatoriesEn"),
        [
            (kk("treaty-of-eternal-friendship"), "signing", date(1997, 4, 8), None, None),
            (
                kk("treaty-on-allied-relations"),
                "conclusion of an agreement",
                date(2003, 12, 25),
                None,
                None,
            ),
            (kk("education-cooperation-agreement"), "signing", date(2006, 7, 4), None, None),
            (
                kk("cooperation-programme-2024-2026"),
                "signing",
                date(2023, 1, 1),
                None,
                S(
                    "Minister of Foreign Affairs of Kazakhstan",
                    "Minister of Foreign Affairs of Kyrgyzstan",
                ),
            ),
            (kk("kambarata-1-agreement"), "signing", date(2024, 6, 1), None, None),
            (
                kk("agreement-on-deepening-allied-relations"),
                "ratification",
                date(2025, 7, 21),
                "Kazakhstan",
                S("Kassym-Jomart Tokayev"),
            ),
        ],
        ordered=True,
    ),
    # Reasoning 2. 均为联合国、欧洲安全与合作组织、独联体、集体安全条约组织、欧亚经济联盟及上海合作
    #    组织等国际组织成员 - read from each organisation's side.
    Case(
        "organisation-members",
        ("organisationZh", "memberZh"),
        [
            (organisation, member)
            for organisation in (
                "联合国",
                "欧洲安全与合作组织",
                "独联体",
                "集体安全条约组织",
                "欧亚经济联盟",
                "上海合作组织",
            )
            for member in ("哈萨克斯坦", "吉尔吉斯斯坦")
        ],
    ),
    Case(
        "organisation-members",
        ("organisation", "member"),
        [(kk("sco"), kk("kazakhstan")), (kk("sco"), kk("kyrgyzstan"))],
        params={"organisation": "kk:sco"},
    ),
    # Reasoning 3. In Kazakhstan: 2021年3月，吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈，在阿斯塔纳
    #    与总统……举行会谈。
    Case(
        "events-in-state",
        ("event", "placeZh", "date"),
        [
            (kk("visit-of-japarov-to-kazakhstan-2021"), "阿斯塔纳", "2021-03"),
            (kk("talks-in-astana-2021"), "阿斯塔纳", "2021-03"),
        ],
        ordered=True,
    ),
    #    In Kyrgyzstan: 2022年5月，托卡耶夫总统回访比什凯克，两国元首在小范围和大范围会谈中……
    #    此外，2023年在比什凯克，两国外长还签署了《2024-2026年合作计划》
    Case(
        "events-in-state",
        ("event", "placeZh", "date"),
        [
            (kk("return-visit-of-tokayev-to-kyrgyzstan-2022"), "比什凯克", "2022-05"),
            (kk("talks-in-bishkek-2022-extended"), "比什凯克", "2022-05"),
            (kk("talks-in-bishkek-2022-narrow"), "比什凯克", "2022-05"),
            (kk("signing-of-cooperation-programme-2024-2026"), "比什凯克", "2023"),
        ],
        params={"state": "kk:kyrgyzstan"},
        ordered=True,
    ),
]


def _disputes() -> list[tuple[Any, ...]]:
    """The rows of graph/verification.tsv (the sources' table, read here as data) that state
    a version of a contradicted fact: fact, property, publisher and URL."""
    rows = []
    table = (REPO / "graph" / "verification.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        fact, status, prop, article, source, _finding, publisher, _title, url = cells[:9]
        if status == "contradicted" and prop and article and source:
            rows.append((KK + fact[3:], KKO + prop[4:], publisher or None, url or None))
    return rows


# The verification layer's disputes, as the sources' table gives them (its rows are data read
# from the sources, not the article: see tests/test_verification.py for the two known ones)
CASES.append(Case("disputed-facts", ("fact", "property", "publisher", "url"), _disputes()))

SAVED = {q.name: q for q in list_queries(SOURCES)}
INFERRED = sorted(name for name, q in SAVED.items() if q.inferred)


@cache
def asserted_graph() -> Graph:
    return query_graph(inferred=False, paths=SOURCES)


@cache
def inferred_graph() -> Graph:
    return query_graph(inferred=True, paths=SOURCES)


def value(term: Any, separator: str | None = None) -> Any:
    """A row value as the tables above write it."""
    if isinstance(term, URIRef):
        return str(term)
    if separator is not None and term is not None:
        return frozenset(term.split(separator)) if term else frozenset()
    return term


# ---------------------------------------------------------------------------------------------
# Every saved query: it has metadata, it runs, and its answer is the article's
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_answers_as_the_article_does(name: str) -> None:
    """Run as a user runs it (no graph given: the metadata decides asserted or inferred)."""
    query = SAVED[name]
    assert query.summary
    assert query.description
    assert query.tags
    cases = [case for case in CASES if case.query == name]
    assert cases, f"{name} has no expected answer"
    lists = list_columns(query.text)
    for case in cases:
        result = run_query(name, case.params, paths=SOURCES)
        assert result.type == "SELECT"
        assert not [v for v in result.vars if v.startswith("_")], "parameters are not columns"
        assert not set(case.columns) - set(result.vars), case.id
        rows = [tuple(value(row[c], lists.get(c)) for c in case.columns) for row in result.rows]
        if case.ordered:
            assert rows == case.rows, case.id
        else:
            assert Counter(rows) == Counter(case.rows), case.id


def test_every_saved_query_has_an_expected_answer() -> None:
    covered = {case.query for case in CASES}
    assert sorted(set(SAVED) - covered) == [], "saved queries with no expected answer"
    assert sorted(covered - set(SAVED)) == [], "expected answers for queries that do not exist"


def test_question_one_is_diplomatic_relations_and_names_are_kebab_case() -> None:
    assert "diplomatic-relations" in SAVED
    for name in SAVED:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name


# ---------------------------------------------------------------------------------------------
# Reasoning: the inferred questions need the closure
# ---------------------------------------------------------------------------------------------
def test_the_reasoning_questions_are_marked_inferred() -> None:
    assert INFERRED == ["events-in-state", "heads-of-state", "organisation-members"]


@pytest.mark.parametrize("name", INFERRED)
def test_reasoning_question_fails_on_the_asserted_graph(name: str) -> None:
    assert run_query(name, graph=asserted_graph(), paths=SOURCES).rows == ()
    assert len(run_query(name, graph=inferred_graph(), paths=SOURCES).rows) > 0


# entity lists every statement about a node: on the inferred graph, the inferred ones too
@pytest.mark.parametrize("name", sorted(set(SAVED) - set(INFERRED) - {"entity"}))
def test_plain_questions_give_the_same_answer_on_the_inferred_graph(name: str) -> None:
    """Adding the closure neither duplicates nor loses rows (narrowest kinds, sub-properties).
    Lists (GROUP_CONCAT) are compared as sets: no engine fixes the order inside them."""
    asserted = run_query(name, graph=asserted_graph(), paths=SOURCES)
    inferred = run_query(name, graph=inferred_graph(), paths=SOURCES)
    lists = list_columns(SAVED[name].text)

    def rows(result: Any) -> list[dict[str, Any]]:
        return [{k: value(v, lists.get(k)) for k, v in row.items()} for row in result.rows]

    assert rows(inferred) == rows(asserted)


# ---------------------------------------------------------------------------------------------
# Details of single questions
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "node",
    [
        kk("establishment-of-diplomatic-relations"),
        kk("obs-trade-2024"),
        kk("kambarata-1-agreement"),
    ],
)
def test_fact_source_quotes_are_the_article_at_their_offsets(node: str) -> None:
    rows = run_query("fact-source", {"node": node}, graph=asserted_graph(), paths=SOURCES).rows
    assert rows
    for row in rows:
        assert ARTICLE[row["start"] : row["end"]] == row["quote"]


def test_fact_source_of_the_2024_trade_figure() -> None:
    # 2020年，两国贸易额为7.962亿美元，而到2024年已超过17亿美元。
    rows = run_query(
        "fact-source", {"node": "kk:obs-trade-2024"}, graph=asserted_graph(), paths=SOURCES
    ).rows
    assert any("2024年已超过17亿美元" in row["quote"] for row in rows)


def test_expert_claims_quote_the_article() -> None:
    rows = run_query("expert-claims", graph=asserted_graph(), paths=SOURCES).rows
    starts = [row["start"] for row in rows]
    assert starts == sorted(starts)
    for row in rows:
        assert ARTICLE[row["start"] : row["end"]] == row["quote"]
        assert row["claimZh"] in row["quote"]


@pytest.mark.parametrize(
    "params",
    [
        {"entity": "kk:russia"},
        {"entity": KK + "russia"},
        {"label": "Russia"},
        {"label": "RUSSIA"},
        {"label": "俄罗斯"},
    ],
)
def test_entity_by_iri_or_by_label_in_any_language(params: dict[str, str]) -> None:
    rows = run_query("entity", params, graph=asserted_graph(), paths=SOURCES).rows
    assert {row["entity"] for row in rows} == {kk("russia")}
    assert len(rows) == 10


def test_entity_label_matches_alternative_labels() -> None:
    # 托卡耶夫总统回访比什凯克 - the short name the article uses
    for label in ("托卡耶夫", "tokayev", "Kassym-Jomart Tokayev"):
        rows = run_query("entity", {"label": label}, graph=asserted_graph(), paths=SOURCES).rows
        assert {row["entity"] for row in rows} == {kk("kassym-jomart-tokayev")}, label


def test_entity_needs_an_iri_or_a_label() -> None:
    with pytest.raises(MissingParameterError) as raised:
        run_query("entity", graph=asserted_graph(), paths=SOURCES)
    assert raised.value.names == ("entity", "label")


@pytest.mark.parametrize(
    "attack",
    ['"} UNION { ?s ?p ?o } #', "') } UNION { ?s ?p ?o } #", '" . ?s ?p ?o . FILTER("1"="1'],
)
def test_entity_label_injection_is_a_harmless_literal(attack: str) -> None:
    graph = asserted_graph()
    size = len(graph)
    result = run_query("entity", {"label": attack}, graph=graph, paths=SOURCES)
    assert result.rows == ()
    assert result.vars[:3] == ("entity", "direction", "property")
    assert len(graph) == size


def test_agreements_and_timeline_sort_across_precisions() -> None:
    """Day, month and year dates interleave by time, not by datatype."""
    rows = run_query("timeline", graph=asserted_graph(), paths=SOURCES).rows
    begins = [row["beginDate"] for row in rows]
    assert begins == sorted(begins)
    kinds = {type(row["date"]) for row in rows if row["date"] is not None}
    assert kinds == {date, str}  # xsd:date and the month and year literals, side by side
