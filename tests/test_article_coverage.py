# ruff: noqa: E501, RUF001  (lines quote the article verbatim; its wide characters and a Cyrillic letter are its own)
"""Coverage of the article, fact by fact: each case quotes the article's words and asks the
asserted graph (ontology + article + excerpts, no reasoning) whether it holds that fact.

The list follows the article sentence by sentence; the expected values are read from the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """
PREFIX kk: <https://w3id.org/kazkgz/id/>
PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# (article words, ASK pattern that must hold)
FACTS: list[tuple[str, str]] = [
    # Introduction
    ("date 2025-08-21", 'kk:article dcterms:date "2025-08-21"^^xsd:date'),
    (
        "“哈萨克、吉尔吉斯是一母同胞”，这句话几乎为两国人民所共知",
        'kk:saying-children-of-one-mother a kko:Saying ; rdfs:label "哈萨克、吉尔吉斯是一母同胞"@zh ;'
        " kko:knownTo kk:kazakhstan , kk:kyrgyzstan",
    ),
    (
        "两国自古以来便有着紧密的历史和文化联系",
        "kk:statement-historical-ties kko:about kk:kazakhstan , kk:kyrgyzstan",
    ),
    ("其建国历程亦极为相似", "kk:statement-similar-state-building a kko:Statement"),
    (
        "1991年，两国同时获得独立",
        'kk:independence-of-kazakhstan a kko:Independence ; kko:date "1991"^^xsd:gYear ;'
        " kko:participant kk:kazakhstan . kk:independence-of-kyrgyzstan kko:date"
        ' "1991"^^xsd:gYear ; kko:participant kk:kyrgyzstan',
    ),
    ("作为毗邻国家", "kk:kazakhstan kko:borders kk:kyrgyzstan"),
    ("它们同为多个国际与区域组织的成员", "kk:statement-shared-memberships kko:about kk:kazakhstan"),
    (
        "政治和经济合作关系也不断巩固",
        "kk:statement-cooperation-consolidating kko:topic kk:topic-politics , kk:topic-economy",
    ),
    # Relations since independence
    (
        "于1992年10月15日正式建立外交关系",
        "kk:establishment-of-diplomatic-relations a kko:EstablishmentOfDiplomaticRelations ;"
        ' kko:date "1992-10-15"^^xsd:date ; time:hasTime ?day .'
        " ?day time:hasDateTimeDescription/time:unitType time:unitDay ."
        ' ?day kko:beginDate "1992-10-15"^^xsd:date . kk:establishment-of-diplomatic-relations'
        " kko:participant kk:kazakhstan , kk:kyrgyzstan ."
        " kk:kazakhstan kko:hasDiplomaticRelationsWith kk:kyrgyzstan",
    ),
    (
        "近35年来，两国已签署约150份国家间、政府间和部门间协议",
        'kk:stat-agreement-count kko:count "150"^^xsd:nonNegativeInteger ; kko:valueQualifier kko:Approximately ;'
        " kko:refPeriod ?p ; kko:measuredItem kk:bilateral-agreements ."
        " ?p time:hasDuration ?d ; kko:valueQualifier kko:Nearly ."
        " ?d time:numericDuration 35.0 ; time:unitType time:unitYear",
    ),
    (
        "1997年4月8日签署的《永久友好条约》",
        '?e a kko:Signing ; kko:concludes ?t ; kko:date "1997-04-08"^^xsd:date .'
        ' ?t a kko:Treaty ; rdfs:label "永久友好条约"@zh ; kko:party kk:kazakhstan , kk:kyrgyzstan',
    ),
    (
        "2003年12月25日确立的《同盟关系条约》",
        '?e a kko:Conclusion ; kko:concludes ?t ; kko:date "2003-12-25"^^xsd:date .'
        ' ?t a kko:Treaty ; rdfs:label "同盟关系条约"@zh',
    ),
    (
        "均具有里程碑意义",
        "kk:statement-milestone-treaties kko:about kk:treaty-of-eternal-friendship ,"
        " kk:treaty-on-allied-relations",
    ),
    (
        "由两国元首领导的高级国家间委员会",
        'kk:supreme-interstate-council a kko:BilateralInstitution ; rdfs:label "高级国家间委员会"@zh ;'
        " kko:ledBy kk:post-president-of-kazakhstan , kk:post-president-of-kyrgyzstan",
    ),
    (
        "由政府总理主持的哈吉政府间理事会",
        'kk:intergovernmental-council rdfs:label "哈吉政府间理事会"@zh ;'
        " kko:chairedBy kk:post-prime-minister-of-kazakhstan , kk:post-prime-minister-of-kyrgyzstan",
    ),
    (
        "以及外交部长理事会",
        'kk:council-of-foreign-ministers a kko:BilateralInstitution ; rdfs:label "外交部长理事会"@zh',
    ),
    ("两国在诸多重大议题上的立场高度一致", "kk:statement-aligned-positions a kko:Statement"),
    (
        "均为联合国、欧洲安全与合作组织、独联体、集体安全条约组织、欧亚经济联盟及上海合作组织等国际组织成员",
        " ".join(
            f"?m{i}{j} org:member kk:{state} ; org:organization kk:{org} ."
            for i, org in enumerate(["united-nations", "osce", "cis", "csto", "eaeu", "sco"])
            for j, state in enumerate(["kazakhstan", "kyrgyzstan"])
        ),
    ),
    (
        "近年来，两国元首频繁互访并举行会谈",
        "kk:statement-frequent-visits kko:about kk:kassym-jomart-tokayev , kk:sadyr-japarov",
    ),
    (
        "2021年3月，吉尔吉斯斯坦总统萨德尔·扎帕罗夫正式访哈",
        "?v a kko:OfficialVisit ; kko:visitor kk:sadyr-japarov ; kko:hostState kk:kazakhstan ;"
        ' kko:date "2021-03"^^xsd:gYearMonth ; time:hasTime ?month ;'
        ' kko:beginDate "2021-03-01"^^xsd:date ; kko:endDate "2021-03-31"^^xsd:date .'
        " ?month time:hasDateTimeDescription/time:unitType time:unitMonth ."
        ' kk:sadyr-japarov rdfs:label "萨德尔·扎帕罗夫"@zh ; org:holds kk:post-president-of-kyrgyzstan',
    ),
    (
        "在阿斯塔纳与总统哈斯穆-卓玛尔特·托卡耶夫举行会谈",
        "?t a kko:Talks ; kko:place kk:astana ; kko:participant kk:kassym-jomart-tokayev ,"
        ' kk:sadyr-japarov . kk:kassym-jomart-tokayev rdfs:label "哈斯穆-卓玛尔特·托卡耶夫"@zh ;'
        " org:holds kk:post-president-of-kazakhstan",
    ),
    (
        "2022年5月，托卡耶夫总统回访比什凯克",
        "?v a kko:ReturnVisit ; kko:visitor kk:kassym-jomart-tokayev ; kko:place kk:bishkek ;"
        ' kko:hostState kk:kyrgyzstan ; kko:date "2022-05"^^xsd:gYearMonth ;'
        " kko:returnsVisit kk:visit-of-japarov-to-kazakhstan-2021",
    ),
    (
        "两国元首在小范围和大范围会谈中达成多项具体协议，涵盖政治、经济以及人文领域",
        "kk:talks-in-bishkek-2022-narrow kko:outcome ?a . kk:talks-in-bishkek-2022-extended"
        ' kko:outcome ?a . ?a a kko:AgreementSet ; kko:quantityDescription "多项"@zh ;'
        " kko:topic kk:topic-politics , kk:topic-economy , kk:topic-humanities",
    ),
    (
        "此后，两国元首多次在地区性与全球性峰会上并肩出席",
        "?s a kko:SummitAttendance ; kko:dateQualifier kko:AfterDate ;"
        ' kko:beginDate "2022-05-01"^^xsd:date ; kko:participant kk:kassym-jomart-tokayev , kk:sadyr-japarov',
    ),
    (
        "今年7月21日，托卡耶夫总统签署批准了《哈萨克斯坦共和国与吉尔吉斯斯坦共和国之间的深化和扩大同盟关系协定》",
        "?r a kko:Ratification ; kko:ratificationSignatory kk:kassym-jomart-tokayev ; kko:ratifyingState"
        ' kk:kazakhstan ; kko:date "2025-07-21"^^xsd:date ; kko:ratifies ?a .'
        ' ?a rdfs:label "哈萨克斯坦共和国与吉尔吉斯斯坦共和国之间的深化和扩大同盟关系协定"@zh',
    ),
    (
        "2023年在比什凯克，两国外长还签署了《2024-2026年合作计划》",
        '?s a kko:Signing ; kko:place kk:bishkek ; kko:date "2023"^^xsd:gYear ;'
        " kko:signatoryPost kk:post-foreign-minister-of-kazakhstan , kk:post-foreign-minister-of-kyrgyzstan ;"
        ' kko:concludes ?p . ?p a kko:CooperationProgramme ; rdfs:label "2024-2026年合作计划"@zh',
    ),
    (
        "重点包括吸引相互投资、交通和物流、能源、水资源及数字化等领域的联合项目",
        "kk:cooperation-programme-2024-2026 kko:focusArea kk:topic-mutual-investment ,"
        " kk:topic-transport-and-logistics , kk:topic-energy , kk:topic-water-resources ,"
        " kk:topic-digitalisation",
    ),
    # Economy and trade
    ("经贸关系是两国合作的重要支柱", "kk:statement-economy-pillar kko:topic kk:topic-economy"),
    (
        "近五年来，双边贸易额实现翻倍增长",
        "?g a kko:GrowthFigure ; kko:growthFactor 2.0 ; kko:measuredItem kk:flow-trade-turnover ;"
        " kko:refPeriod ?p . ?p time:hasDuration ?d ."
        " ?d time:numericDuration 5.0 ; time:unitType time:unitYear",
    ),
    (
        "2020年，两国贸易额为7.962亿美元",
        "?o kko:flow kk:flow-trade-turnover ; kko:refPeriod kk:period-2020 ; kko:amount 796200000.0 ;"
        " kko:unitMeasure kko:USD ; kko:valueQualifier kko:Exact ; kko:valueStatus kko:Reported",
    ),
    (
        "而到2024年已超过17亿美元",
        "?o kko:flow kk:flow-trade-turnover ; kko:refPeriod kk:period-2024 ; kko:amount 1700000000.0 ;"
        " kko:valueQualifier kko:MoreThan ; kko:valueStatus kko:Reported",
    ),
    (
        "今年前五个月已达8.218亿美元",
        "?o kko:flow kk:flow-trade-turnover ; kko:refPeriod ?p ; kko:amount 821800000.0 ;"
        ' kko:valueQualifier kko:Exact . ?p kko:beginDate "2025-01-01"^^xsd:date ;'
        ' kko:endDate "2025-05-31"^^xsd:date',
    ),
    (
        "预计全年可突破20亿美元",
        "?o kko:flow kk:flow-trade-turnover ; kko:refPeriod kk:period-2025 ; kko:amount 2000000000.0 ;"
        " kko:valueQualifier kko:MoreThan ; kko:valueStatus kko:Forecast",
    ),
    (
        "哈萨克斯坦已成为吉尔吉斯斯坦继中国和俄罗斯之后的第三大贸易伙伴",
        "?r a kko:TradePartnerRanking ; kko:rankedState kk:kazakhstan ; kko:rankingFor kk:kyrgyzstan ;"
        ' kko:rank "3"^^xsd:positiveInteger ; kko:rankedAfter kk:china , kk:russia',
    ),
    (
        "2024年，哈萨克斯坦对吉出口额达12.6亿美元，主要包括黄金、矿泉及碳酸饮料、石油产品、轻型汽车、煤炭、电力及水泥",
        "?o kko:flow ?f ; kko:refPeriod kk:period-2024 ; kko:amount 1260000000.0 ;"
        " kko:goodsListComplete false ; kko:commodity ?c1 , ?c2 , ?c3 , ?c4 , ?c5 , ?c6 , ?c7 ."
        " ?f kko:fromState kk:kazakhstan ; kko:toState kk:kyrgyzstan ."
        ' ?c1 rdfs:label "黄金"@zh . ?c2 rdfs:label "矿泉及碳酸饮料"@zh . ?c3 rdfs:label "石油产品"@zh .'
        ' ?c4 rdfs:label "轻型汽车"@zh . ?c5 rdfs:label "煤炭"@zh . ?c6 rdfs:label "电力"@zh .'
        ' ?c7 rdfs:label "水泥"@zh',
    ),
    (
        "吉尔吉斯斯坦对哈出口额则为4.56亿美元，涵盖石油产品、贵金属矿石与精矿、无碳钢材、塑料容器、针织男装、碳酸盐、女装、面包及糖制品、陶瓷砖等",
        "?o kko:flow ?f ; kko:refPeriod kk:period-2024 ; kko:amount 456000000.0 ;"
        " kko:goodsListComplete false ;"
        " kko:commodity ?c1 , ?c2 , ?c3 , ?c4 , ?c5 , ?c6 , ?c7 , ?c8 , ?c9 ."
        " ?f kko:fromState kk:kyrgyzstan ; kko:toState kk:kazakhstan ."
        ' ?c1 rdfs:label "石油产品"@zh . ?c2 rdfs:label "贵金属矿石与精矿"@zh .'
        ' ?c3 rdfs:label "无碳钢材"@zh . ?c4 rdfs:label "塑料容器"@zh . ?c5 rdfs:label "针织男装"@zh .'
        ' ?c6 rdfs:label "碳酸盐"@zh . ?c7 rdfs:label "女装"@zh . ?c8 rdfs:label "面包及糖制品"@zh .'
        ' ?c9 rdfs:label "陶瓷砖"@zh',
    ),
    (
        "本月初，两国外长同意将双边年贸易额提升至30亿美元",
        "?a a kko:Accord ; kko:dateQualifier kko:EarlyInPeriod ; kko:date"
        ' "2025-08"^^xsd:gYearMonth ; kko:participantPost kk:post-foreign-minister-of-kazakhstan ;'
        " kko:outcome ?o . ?o kko:amount 3000000000.0 ; kko:valueStatus kko:Target ;"
        " kko:flow kk:flow-trade-turnover",
    ),
    (
        "并计划于2026年在边境建立工业贸易物流综合体，推进联合投资项目",
        '?p a kko:PlannedProject ; kko:status kko:Planned ; kko:date "2026"^^xsd:gYear ;'
        " kko:place kk:kazakhstan-kyrgyzstan-border ; kko:about kk:industrial-trade-logistics-complex ."
        " kk:foreign-ministers-accord-2025-08 kko:outcome ?p ; kko:topic kk:topic-joint-investment-projects",
    ),
    (
        "过去15年间，哈萨克斯坦对吉投资总额达17亿美元",
        "?o a kko:InvestmentFigure ; kko:amount 1700000000.0 ; kko:refPeriod ?p ;"
        " kko:flow kk:flow-investment-kazakhstan-to-kyrgyzstan . ?p time:hasDuration ?d ."
        " ?d time:numericDuration 15.0 ; time:unitType time:unitYear",
    ),
    (
        "2024年前9个月，哈方投资额为4800万美元",
        "?o a kko:InvestmentFigure ; kko:amount 48000000.0 ; kko:refPeriod ?p ;"
        ' kko:flow kk:flow-investment-kazakhstan-to-kyrgyzstan . ?p kko:endDate "2024-09-30"^^xsd:date',
    ),
    (
        "吉方向哈投资480万美元",
        "?o a kko:InvestmentFigure ; kko:amount 4800000.0 ;"
        " kko:flow kk:flow-investment-kyrgyzstan-to-kazakhstan ;"
        " kko:refPeriod kk:period-2024-january-to-september",
    ),
    (
        "双方政府还在农业、边境口岸、道路建设及旅游等领域签署了多项协议",
        "?a a kko:AgreementSet ; kko:topic kk:topic-agriculture , kk:topic-border-crossings ,"
        " kk:topic-road-construction , kk:topic-tourism",
    ),
    (
        "两国共同运行的“楚河-塔拉斯河水利委员会”每年确定水资源分配及设施维修计划",
        'kk:chu-talas-water-commission rdfs:label "楚河-塔拉斯河水利委员会"@zh ;'
        " kko:operatedBy kk:kazakhstan , kk:kyrgyzstan ; kko:frequency kko:Annual ;"
        " kko:function kk:topic-water-allocation , kk:topic-facility-repair-plans",
    ),
    (
        "哈方在夏季从吉尔吉斯斯坦引进电力以灌溉突厥斯坦州农田",
        "?t a kko:Transfer ; kko:season kko:Summer ; kko:fromState kk:kyrgyzstan ;"
        " kko:toState kk:kazakhstan ; kko:commodity kk:commodity-electricity ;"
        " kko:serves kk:turkistan-region ; kko:topic kk:topic-irrigation",
    ),
    (
        "冬季再返还电力",
        "?t a kko:Transfer ; kko:season kko:Winter ; kko:fromState kk:kazakhstan ;"
        " kko:toState kk:kyrgyzstan ; kko:commodity kk:commodity-electricity",
    ),
    (
        "2024年6月，哈、吉、俄三国在维也纳签署了在吉尔吉斯斯坦纳伦州建设坎巴尔阿塔1号水电站的协议",
        '?s a kko:Signing ; kko:place kk:vienna ; kko:date "2024-06"^^xsd:gYearMonth ;'
        " kko:concludes ?a . ?a kko:party kk:kazakhstan , kk:kyrgyzstan , kk:russia ;"
        " kko:about kk:kambarata-1 . kk:kambarata-1 a kko:HydropowerPlant ;"
        " kko:locatedIn kk:naryn-region . kk:naryn-region kko:locatedIn kk:kyrgyzstan",
    ),
    # Regional integration: the expert's claims
    (
        "政治学者、国际问题专家扎纳特·莫明库洛夫",
        'kk:zhanat-momynkulov rdfs:label "扎纳特·莫明库洛夫"@zh ;'
        " kko:occupation kk:occupation-political-scientist , kk:occupation-international-affairs-expert",
    ),
    (
        "会谈有望推动双边关系迈向新阶段",
        "?c a kko:Claim ; kko:claimant kk:zhanat-momynkulov ; kko:reportingVerb kko:PointsOut ;"
        " kko:about kk:visit-under-discussion",
    ),
    (
        "双方将重点讨论经贸合作扩展、水资源与能源利用、交通物流项目推进以及人文合作",
        "?c a kko:Claim ; kko:reportingVerb kko:Believes ; kko:topic kk:topic-trade-expansion ,"
        " kk:topic-water-resources , kk:topic-energy , kk:topic-transport-and-logistics ,"
        " kk:topic-humanitarian-cooperation",
    ),
    (
        "边境稳定与地区安全也将是核心议题",
        "?c a kko:Claim ; kko:topic kk:topic-border-stability , kk:topic-regional-security",
    ),
    (
        "吉尔吉斯民族是哈萨克民族最亲近的兄弟民族之一",
        "?c a kko:Claim ; kko:reportingVerb kko:States ; kko:about kk:kyrgyz-nation , kk:kazakh-nation",
    ),
    (
        "应避免将历史事件政治化，而应以学术视角看待",
        "?c a kko:Claim ; kko:reportingVerb kko:Warns ; kko:topic kk:topic-historical-events",
    ),
    (
        "在集安组织框架下加强安全合作，在欧亚经济联盟框架下推动关税壁垒消除、贸易扩展和劳务流动",
        "?c a kko:Claim ; kko:about kk:csto , kk:eaeu ; kko:topic kk:topic-security-cooperation ,"
        " kk:topic-removal-of-tariff-barriers , kk:topic-trade-growth , kk:topic-labour-mobility",
    ),
    (
        "俄罗斯商品的大量输入对吉尔吉斯斯坦及欲发展本土产业的哈萨克斯坦均构成竞争压力",
        "?c a kko:Claim ; kko:about kk:russia ; kko:topic kk:topic-competition-from-imports",
    ),
    (
        "他强调，平衡俄罗斯、中国和欧盟三方影响力",
        "?c a kko:Claim ; kko:reportingVerb kko:Emphasises ; kko:about kk:russia , kk:china ,"
        " kk:european-union ; kko:topic kk:topic-regional-integration",
    ),
    # Education and culture
    (
        "人文交流同样是两国合作的重要方面",
        "kk:statement-humanitarian-exchange kko:topic kk:topic-humanities",
    ),
    (
        "两国定期举办联合展览、音乐会、国际学术会议及研讨会",
        "?s a kko:EventSeries ; kko:frequency kko:Regular ; kko:eventKind kk:event-kind-exhibition ,"
        " kk:event-kind-concert , kk:event-kind-academic-conference , kk:event-kind-seminar",
    ),
    (
        "教育合作则基于2006年7月4日签署的《哈吉教育合作协定》",
        '?s a kko:Signing ; kko:date "2006-07-04"^^xsd:date ; kko:concludes ?a .'
        ' ?a rdfs:label "哈吉教育合作协定"@zh . kk:scholarship-exchange kko:basedOn ?a',
    ),
    (
        "每年为两国公民互派奖学金赴对方高校深造",
        "kk:scholarship-exchange kko:frequency kko:Annual ; kko:participant kk:kazakhstan , kk:kyrgyzstan",
    ),
    (
        "2019年，约有1000名吉尔吉斯斯坦学生在哈高校学习",
        '?o kko:personCount "1000"^^xsd:nonNegativeInteger ; kko:valueQualifier kko:Approximately ; kko:refPeriod kk:period-2019 ;'
        " kko:flow ?f . ?f kko:fromState kk:kyrgyzstan ; kko:toState kk:kazakhstan",
    ),
    (
        "同时有约2000名哈萨克斯坦学生在吉高校就读",
        '?o kko:personCount "2000"^^xsd:nonNegativeInteger ; kko:valueQualifier kko:Approximately ; kko:refPeriod kk:period-2019 ;'
        " kko:flow ?f . ?f kko:fromState kk:kazakhstan ; kko:toState kk:kyrgyzstan",
    ),
    ("尽管疫情期间有所下降", "kk:statement-student-decline-in-pandemic a kko:Statement"),
    (
        "但2024年仍有2766名哈萨克斯坦学生在吉尔吉斯斯坦学习",
        '?o kko:personCount "2766"^^xsd:nonNegativeInteger ; kko:valueQualifier kko:Exact ; kko:refPeriod kk:period-2024 ;'
        " kko:flow kk:flow-students-kazakhstan-in-kyrgyzstan",
    ),
    (
        "穆赫塔尔·阿乌埃佐夫诞辰百年诞辰",
        '?c a kko:Commemoration ; kko:commemorates kk:mukhtar-auezov ; kko:anniversaryYears "100"^^xsd:positiveInteger ;'
        " kko:anniversaryKind kko:BirthAnniversary ; kko:participant kk:kazakhstan , kk:kyrgyzstan",
    ),
    (
        "库尔曼哈兹175周年",
        '?c kko:commemorates kk:kurmangazy ; kko:anniversaryYears "175"^^xsd:positiveInteger',
    ),
    (
        "江布尔150周年",
        '?c kko:commemorates kk:jambyl ; kko:anniversaryYears "150"^^xsd:positiveInteger',
    ),
    (
        "《玛纳斯》英雄史诗千年纪念",
        '?c kko:commemorates kk:manas-epic ; kko:anniversaryYears "1000"^^xsd:positiveInteger',
    ),
    (
        "托克托古尔·萨特尔甘诺夫150周年",
        '?c kko:commemorates kk:toktogul-satylganov ; kko:anniversaryYears "150"^^xsd:positiveInteger',
    ),
    ("以及艾特玛托夫等文化巨匠的纪念活动", "?c a kko:Commemoration ; kko:commemorates kk:aitmatov"),
    (
        "哈萨克斯坦境内的吉尔吉斯族侨社在增进两国人文交流中也发挥着作用",
        "kk:kyrgyz-diaspora-in-kazakhstan kko:hostCountry kk:kazakhstan ; kko:communityOf kk:kyrgyz-nation ."
        " kk:statement-diaspora-role kko:about kk:kyrgyz-diaspora-in-kazakhstan",
    ),
    (
        "阿斯塔纳的吉尔吉斯民族文化协会",
        "kk:kyrgyz-cultural-association-astana a kko:CulturalCentre ; kko:place kk:astana ;"
        ' rdfs:label "吉尔吉斯民族文化协会"@zh',
    ),
    (
        "塔拉兹的“玛纳斯-阿塔”中心",
        '?c a kko:CulturalCentre ; kko:place kk:taraz ; rdfs:label "玛纳斯-阿塔"@zh',
    ),
    ("阿克套的“Ala-LLP”", '?c a kko:CulturalCentre ; kko:place kk:aktau ; rdfs:label "Ala-LLP"@zh'),
    (
        "以及阿拉木图的“Мeken”、“吉尔吉斯-阿塔”等",
        '?a a kko:CulturalCentre ; kko:place kk:almaty ; rdfs:label "\\u041Ceken"@zh .'
        ' ?b a kko:CulturalCentre ; kko:place kk:almaty ; rdfs:label "吉尔吉斯-阿塔"@zh',
    ),
    (
        "两国在官方与民间层面的多层次合作，正在不断丰富双边关系的内涵",
        "kk:statement-multilevel-cooperation a kko:Statement",
    ),
    ("【编译：达娜】", 'kk:article kko:compiler ?p . ?p rdfs:label "达娜"@zh'),
]


@pytest.fixture(scope="module")
def asserted() -> Graph:
    graph = Graph()
    graph.parse(ROOT / "ontology" / "kazkgz.ttl")
    for name in ("article.ttl", "excerpts.ttl"):
        graph.parse(ROOT / "graph" / name)
    return graph


def test_every_quoted_fact_is_in_the_article() -> None:
    text = (ROOT / "graph" / "source" / "article.zh.txt").read_text(encoding="utf-8")
    missing = [words for words, _ in FACTS if words not in text]
    assert missing == []


@pytest.mark.parametrize(("words", "pattern"), FACTS, ids=[words[:24] for words, _ in FACTS])
def test_fact_is_in_the_graph(asserted: Graph, words: str, pattern: str) -> None:
    assert asserted.query(f"{PREFIXES} ASK {{ {pattern} }}").askAnswer, words


def test_the_graph_does_not_name_states_the_article_does_not() -> None:
    """The article names four states; the reference layer (graph/reference.ttl) may add more."""
    graph = Graph().parse(ROOT / "graph" / "article.ttl")
    rows = graph.query(f"{PREFIXES} SELECT ?s WHERE {{ ?s a kko:State }}")
    assert {str(row[0]).rsplit("/", 1)[1] for row in rows} == {
        "kazakhstan",
        "kyrgyzstan",
        "russia",
        "china",
    }
