"""Everything the articles name is in the graph: names, dates and figures, listed by hand.

The tables below were written by reading the five articles; they are the
coverage contract of the curated data.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
import pytest

from gsekg.namespaces import GSE, sparql_prologue
from kgdata import all_claims, names, normalise, registry

# (source prefix, a name as the article writes it, the entity it must resolve to)
NAMES = [
    ("000", "ALSCO", "alecso"),
    ("000", "World Smart Education Conference 2023", "gse2023"),
    ("000", "Mohamed Ould Amar", "mohamed-ould-amar"),
    ("000", "Mohamed Jemni", "mohamed-jemni"),
    ("000", "Arab Code Week", "arab-code-week"),
    ("000", "ALECSO NFT Platform", "alecso-nft-platform"),
    ("000", "Beijing Normal University", "bnu"),
    ("000", "BNU", "bnu"),
    ("000", "UNESCO Institute for Information Technologies in Education", "unesco-iite"),
    ("000", "IITE", "unesco-iite"),
    ("000", "Commonwealth of Learning", "col"),
    ("000", "COL", "col"),
    ("000", "International society for Technology in Education", "iste"),
    ("000", "ISTE", "iste"),
    ("000", "Arab League Educational, Cultural and Scientific Organization", "alecso"),
    ("000", "ALECSO", "alecso"),
    ("000", "Southeast Asia Ministers of Education Organization", "seameo"),
    ("000", "SEAMEO", "seameo"),
    ("000", "Global Smart Education Network", "gsenet"),
    ("000", "GSENet", "gsenet"),
    ("000", "GSNet", "gsenet"),
    ("000", "GSENet Beijing Declaration on Smart Education Strategies", "beijing-declaration"),
    ("000", "Transforming Education Summit", "transforming-education-summit"),
    ("000", "Beijing", "beijing"),
    ("000", "China", "china"),
    ("000", "Algeria", "algeria"),
    ("001", "Smart Learning Institute of Beijing Normal University", "slibnu"),
    ("001", "Moscow", "moscow"),
    ("001", "Arab League Educational, Cultural, and Scientific Organization", "alecso"),
    ("001", "UNESCO-ICHEI", "unesco-ichei"),
    ("001", "International Centre for Higher Education Innovation", "unesco-ichei"),
    ("001", "Children and Youth Science Center", "cast-cysc"),
    ("001", "China Association for Science and Technology", "cast"),
    ("001", "International Digital Solidarity", "international-digital-solidarity"),
    ("001", "New York", "new-york"),
    ("002", "GSE2022", "gse2022"),
    ("002", "2022 Global Smart Education Conference", "gse2022"),
    ("002", "UNESCO IITE", "unesco-iite"),
    ("002", "Tao Zhan", "tao-zhan"),
    ("002", "Tatiana Shutova", "tatiana-shutova"),
    ("002", "National Smart Education Strategy Joint Research Plan", "joint-research-plan"),
    ("002", "National Research University Higher School of Economics", "hse"),
    ("002", "HSE", "hse"),
    ("002", "National Smart Education Framework", "pub-national-framework"),
    ("002", "Global Smart Education Policy Analysis", "pub-policy-analysis"),
    ("002", "National Smart Education Evaluation Index", "pub-evaluation-index"),
    ("002", "National Public Service System for Smart Education", "pub-public-service-system"),
    ("002", "Smart Campus Design for Future Education", "pub-smart-campus-design"),
    ("002", "Student Forum on Learning Crisis and Futures of Education", "gse2022-student-forum"),
    (
        "002",
        "Global Competition on Design for Future Education",
        "competition-design-future-education-5",
    ),
    ("002", "E-Library For Teachers", "elibrary-for-teachers"),
    ("002", "NetDragon", "netdragon"),
    ("002", "China Institute of Education and Social Development", "cieds"),
    ("002", "Collaborative Innovation Centre of Assessment for Basic Education Quality", "cicabeq"),
    (
        "002",
        "National Engineering Laboratory for Cyberlearning and Intelligent Technology",
        "nel-cyberlearning",
    ),
    ("002", "NetDragon Huayu Education", "netdragon-huayu"),
    ("002", "Unisplendour Wisdom Education", "unisplendour-wisdom-education"),
    ("002", "H3C Group", "h3c"),
    ("002", "Lenovo", "lenovo"),
    ("002", "iFlytek", "iflytek"),
    ("002", "Nigeria", "nigeria"),
    ("002", "Turkmenistan", "turkmenistan"),
    ("002", "Malaysia", "malaysia"),
    ("002", "Bangladesh", "bangladesh"),
    ("002", "South Africa", "south-africa"),
    ("002", "Tunisia", "tunisia"),
    ("002", "Uganda", "uganda"),
    ("003", "SLIBNU", "slibnu"),
    ("003", "Southeast Asian Ministers of Education Organization", "seameo"),
    ("003", "Net Dragon", "netdragon"),
    ("003", "E-Library for Teachers", "elibrary-for-teachers"),
    (
        "003",
        "Rethinking and Redesigning National Smart Education Strategy",
        "project-national-strategy",
    ),
    (
        "003",
        "Utilizing Intelligent Technology to Transform Teaching and Learning"
        " Towards Smart Education",
        "project-intelligent-technology",
    ),
    ("004", "ASLECSO", "alecso"),
    ("004", "UNESCO IICBA", "unesco-iicba"),
    ("004", "UNESCO INRULED", "unesco-inruled"),
    (
        "004",
        "UNESCO International Research and Training Centre for Rural Education",
        "unesco-inruled",
    ),
    ("004", "Department of Science and Technology", "moe-china-dst"),
    ("004", "Ministry of Education of the People's Republic of China", "moe-china"),
    ("004", "Svetlana Knyazeva", "svetlana-knyazeva"),
    ("004", "Natalia Amelina", "natalia-amelina"),
    ("004", "Unit of Digital Pedagogy and Learning Materials", "iite-unit-digital-pedagogy"),
    (
        "004",
        "Unit of Teacher Professional Development and Networking",
        "iite-unit-teacher-development",
    ),
    ("004", "UNESCO Recommendation on Open Educational Resources", "unesco-oer-recommendation"),
    ("004", "International Science Education Forum", "gse2020-forum-science-education"),
    ("004", "International Association of Smart Learning Environments", "iasle"),
    ("004", "Cardiff University", "cardiff-university"),
    ("004", "Centre for Research and Development in Learning", "ntu-crdl"),
    ("004", "Nanyang Technological University", "ntu"),
    ("004", "State Key Laboratory of Virtual Reality Technology and Systems", "vr-state-key-lab"),
    ("004", "National Engineering Laboratory for Educational Big Data", "nel-educational-big-data"),
    (
        "004",
        "National and Local Joint Engineering Laboratory for Learning Analysis Technology"
        " of Cyberlearning Data",
        "nljel-learning-analysis",
    ),
    ("004", "Canada", "canada"),
    ("004", "Ghana", "ghana"),
    ("004", "France", "france"),
    ("004", "Japan", "japan"),
    ("004", "Russia", "russia"),
    ("004", "Serbia", "serbia"),
    ("004", "Singapore", "singapore"),
    ("004", "United States", "united-states"),
    ("004", "United Kingdom", "united-kingdom"),
    ("004", "Smart Education in 5G Era", "gse2020-forum-5g"),
    ("004", "K12 Education in the Age of Intelligence", "gse2020-forum-k12"),
]

# (subject, a date or year the articles give for it)
DATES = [
    ("gse2020", '"2020-08-20"^^xsd:date'),
    ("gse2020", '"2020-08-22"^^xsd:date'),
    ("gse2022", '"2022-08-18"^^xsd:date'),
    ("gse2022", '"2022-08-20"^^xsd:date'),
    ("gse2022-student-forum", '"2022-08-19"^^xsd:date'),
    ("gse2023", '"2023-08-18"^^xsd:date'),
    ("gse2023", '"2023-08-20"^^xsd:date'),
    ("gse2024", '"2024-08-18"^^xsd:date'),
    ("arab-code-week-2021", '"2021"^^xsd:gYear'),
    ("arab-code-week-2022", '"2022"^^xsd:gYear'),
    ("project-intelligent-technology", '"2024"^^xsd:gYear'),
    ("transforming-education-summit", '"2022"^^xsd:gYear'),
    ("unesco-general-conference-40", '"2019-11"^^xsd:gYearMonth'),
    ("arab-ministers-conference-18", '"2021-12"^^xsd:gYearMonth'),
]

# (subject, a figure the articles report about it, its qualifier)
FIGURES = [
    ("gse2020", 3000000, "over"),
    ("gse2022", 4000000, "over"),
    ("gse2022", 3000000, "almost"),
    ("gse2022", 700000, "over"),
    ("gse2024", 3000, "over"),
    ("gse2022-student-forum", 15, None),
    ("arab-code-week-2022", 2000000, "over"),
    ("arab-code-week-2022", 50000, None),
    ("arab-code-week-2022", 6000, None),
    ("unesco-genai-study", 450, None),
    ("unesco-genai-study", 10, "lessThan"),
]


@cache
def _names() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for iri, labels in names().items():
        for label in labels:
            index.setdefault(normalise(label), set()).add(iri.removeprefix(GSE))
    return index


@cache
def _union() -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in registry())
    for claim in all_claims():
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in claim.triples)
    return store


def _ask(pattern: str) -> bool:
    result = _union().query(sparql_prologue() + f"ASK {{ {pattern} }}")
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


@pytest.mark.parametrize(("source", "name", "slug"), NAMES, ids=[n[1][:40] for n in NAMES])
def test_name_resolves_to_one_entity(source: str, name: str, slug: str) -> None:
    assert _names().get(normalise(name)) == {slug}, f"{name!r} (in {source}) should name gse:{slug}"


@pytest.mark.parametrize(("slug", "value"), DATES, ids=[f"{s}-{v[:8]}" for s, v in DATES])
def test_date_is_recorded(slug: str, value: str) -> None:
    assert _ask(f"gse:{slug} ?p {value}"), f"gse:{slug} lacks {value}"


@pytest.mark.parametrize(
    ("slug", "value", "qualifier"), FIGURES, ids=[f"{s}-{v}" for s, v, _ in FIGURES]
)
def test_figure_is_structured(slug: str, value: int, qualifier: str | None) -> None:
    qualified = f"; gso:qualifier gso:{qualifier}" if qualifier else ""
    assert _ask(
        f"gse:{slug} ?p ?q . ?q a gso:Quantity ; schema:value ?v {qualified} ; gso:counts ?what . "
        f"FILTER(?v = {value})"
    ), f"gse:{slug} lacks the figure {value} ({qualifier})"
