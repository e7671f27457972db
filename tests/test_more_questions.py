"""Questions of the same kind as the competency questions, about other facts in the articles.

The competency questions are examples: the graph must answer "a question of the same kind
about any other fact". Each case below is a question no saved query answers, its SPARQL, and
the answer written by hand from the article (compact IRIs, literal lexical forms), not pasted
from the query output.
"""

from __future__ import annotations

import pytest

from gsekg import queries
from gsekg.engines import Engine

SOURCE = "?claim prov:wasDerivedFrom/dcterms:identifier ?id . BIND(SUBSTR(?id, 1, 3) AS ?source)"

CASES: list[tuple[str, str, set[tuple[str, ...]]]] = [
    (
        "Which countries did the GSE 2022 student representatives come from, and how many spoke?",
        """SELECT ?country ?students WHERE {
             gse:gse2022-student-forum schema:superEvent gse:gse2022 ;
                 gso:participantCountry ?country ;
                 gso:participation/schema:value ?students }""",
        {
            (country, "15")
            for country in (
                "gse:china",
                "gse:malaysia",
                "gse:bangladesh",
                "gse:serbia",
                "gse:south-africa",
                "gse:tunisia",
                "gse:uganda",
                "gse:nigeria",
            )
        },
    ),
    (
        "Who approved the blockchain certificate project, where and when?",
        """SELECT ?body ?ordinal ?place ?month WHERE {
             gse:arab-blockchain-certificates gso:approval ?approval .
             ?approval gso:approvedBy ?body ; schema:location ?place ; gso:month ?month .
             ?body gso:ordinal ?ordinal }""",
        {("gse:arab-ministers-conference-18", "18", "gse:algeria", "2021-12")},
    ),
    (
        "What is the theme of the second Arab Code Week, and in which year was it held?",
        """SELECT ?edition ?year ?theme WHERE {
             ?edition schema:superEvent gse:arab-code-week ; gso:ordinal 2 ;
                 gso:year ?year ; gso:theme ?theme }""",
        {
            (
                "gse:arab-code-week-2022",
                "2022",
                "Artificial Intelligence and Environmental Protection",
            )
        },
    ),
    (
        "Which organisations co-organised the 2020 OER forum, and is that list complete?",
        """SELECT ?organisation ?complete WHERE {
             gse:gse2020-forum-oer schema:superEvent gse:gse2020 ; gso:coOrganiser ?organisation .
             ?list a gso:RoleList ; gso:roleIn gse:gse2020-forum-oer ;
                 gso:roleKind roles:co-organiser ; gso:complete ?complete }""",
        {
            ("gse:unesco-iite", "true"),
            ("gse:alecso", "true"),
            ("gse:unesco-inruled", "true"),
        },
    ),
    (
        "Where is UNESCO IITE located according to 001?",
        """SELECT ?place WHERE {
             GRAPH ?claim { gse:unesco-iite schema:location ?place }
             ?claim prov:wasDerivedFrom src:001_ec682e7534bf026a }""",
        {("gse:moscow",)},
    ),
    (
        "Which honorific does each person have?",
        """SELECT ?person ?honorific WHERE {
             ?person a schema:Person ; schema:honorificPrefix ?honorific }""",
        {
            ("gse:mohamed-ould-amar", "Dr."),
            ("gse:mohamed-jemni", "Dr."),
            ("gse:tao-zhan", "Mr."),
            ("gse:svetlana-knyazeva", "Ms."),
            ("gse:natalia-amelina", "Ms."),
        },
    ),
    (
        "Where did Tao Zhan speak, in which post, according to which source?",
        f"""SELECT DISTINCT ?event ?edition ?kind ?post ?source WHERE {{
             GRAPH ?claim {{
               ?role gso:agent gse:tao-zhan ; gso:roleKind ?kind ; gso:roleIn ?event }}
             ?event schema:superEvent* ?edition . ?edition a gso:ConferenceEdition .
             OPTIONAL {{ ?role gso:inCapacity/schema:jobTitle ?post }}
             {SOURCE} }}""",
        {
            ("gse:gse2020-opening", "gse:gse2020", "roles:speaker", "Director", "004"),
            ("gse:gse2022", "gse:gse2022", "roles:speaker", "Director", "002"),
        },
    ),
    (
        "How long is the GSENet Chair's term, and is the post rotated?",
        """SELECT ?term ?rotating ?in WHERE {
             gse:gsenet-chair gso:termLength ?term ; gso:rotating ?rotating ; org:postIn ?in }""",
        {("P2Y", "true", "gse:gsenet")},
    ),
    (
        "How many objectives, planned activities, expected outcomes and member benefits"
        " does GSENet list?",
        """SELECT ?property (COUNT(DISTINCT ?value) AS ?n) WHERE {
             gse:gsenet ?property ?value .
             VALUES ?property {
               gso:objective gso:plannedActivity gso:expectedOutcome gso:memberBenefit } }
           GROUP BY ?property""",
        {
            ("gso:objective", "5"),
            ("gso:plannedActivity", "5"),
            ("gso:expectedOutcome", "4"),
            ("gso:memberBenefit", "4"),
        },
    ),
    (
        "Which goals does the Beijing Declaration serve, and which event does it follow up?",
        """SELECT ?property ?target WHERE {
             gse:beijing-declaration ?property ?target .
             VALUES ?property { gso:contributesTo gso:followsUp } }""",
        {
            ("gso:contributesTo", "gse:sdg4"),
            ("gso:contributesTo", "gse:education-2030-agenda"),
            ("gso:followsUp", "gse:transforming-education-summit"),
        },
    ),
    (
        "Which projects from a competition went into the E-Library, and which competition?",
        """SELECT ?entries ?competition ?ordinal WHERE {
             gse:elibrary-for-teachers gso:includes ?entries .
             ?entries gso:presentedAt ?competition .
             ?competition a gso:Competition ; gso:ordinal ?ordinal }""",
        {
            (
                "gse:competition-design-future-education-5-entries",
                "gse:competition-design-future-education-5",
                "5",
            )
        },
    ),
    (
        "From which countries did the experts at GSE 2020 come?",
        "SELECT ?country WHERE { gse:gse2020 gso:participantCountry ?country }",
        {
            ("gse:canada",),
            ("gse:china",),
            ("gse:ghana",),
            ("gse:france",),
            ("gse:japan",),
            ("gse:russia",),
            ("gse:serbia",),
            ("gse:singapore",),
            ("gse:united-states",),
            ("gse:united-kingdom",),
        },
    ),
    (
        "Who built the E-Library for Teachers, in which role, according to each source?",
        f"""SELECT ?agent ?kind ?source WHERE {{
             GRAPH ?claim {{
               ?role gso:roleIn gse:elibrary-for-teachers ; gso:roleKind ?kind ; gso:agent ?agent }}
             {SOURCE} }}""",
        {
            ("gse:unesco-iite", "roles:developer", "002"),
            ("gse:netdragon", "roles:developer", "002"),
            ("gse:unesco-iite", "roles:developer", "003"),
            ("gse:netdragon", "roles:partner", "003"),
        },
    ),
    (
        "Who launched the International Digital Solidarity initiative, at which event, where?",
        """SELECT ?launcher ?event ?city WHERE {
             gse:international-digital-solidarity gso:launchedBy ?launcher ;
                 gso:launchedAt ?event .
             ?event schema:location ?city }""",
        {("gse:alecso", "gse:transforming-education-summit", "gse:new-york")},
    ),
    (
        "What did UNESCO's study on generative AI guidance find?",
        """SELECT ?value ?qualifier ?unit ?of WHERE {
             gse:unesco-genai-study dcterms:creator gse:unesco ; dcterms:relation ?figure .
             ?figure schema:value ?value ; gso:qualifier ?qualifier .
             OPTIONAL { ?figure schema:unitText ?unit }
             OPTIONAL { ?figure gso:partOfQuantity/schema:value ?of } }""",
        {("450", "gso:exactly", "", ""), ("10", "gso:lessThan", "percent", "450")},
    ),
    (
        "Who adopted the UNESCO OER Recommendation, at which session and when?",
        """SELECT ?adopter ?session ?ordinal ?month WHERE {
             gse:unesco-oer-recommendation gso:adoptedBy ?adopter ; gso:adoptedAt ?session .
             ?session gso:ordinal ?ordinal ; gso:month ?month }""",
        {("gse:unesco-general-conference", "gse:unesco-general-conference-40", "40", "2019-11")},
    ),
    (
        "How long does the project launched at GSE 2020 run, and which goals does it serve?",
        """SELECT ?project ?duration ?goal WHERE {
             ?project gso:launchedAt gse:gse2020 ; gso:duration ?duration ;
                 gso:contributesTo ?goal }""",
        {
            ("gse:project-national-strategy", "P5Y", "gse:sdg4"),
            ("gse:project-national-strategy", "P5Y", "gse:education-2030-agenda"),
        },
    ),
    (
        "Which UNESCO institutes and centres co-organised GSE 2020?",
        """SELECT ?organisation WHERE {
             gse:gse2020 gso:coOrganiser ?organisation .
             ?organisation org:subOrganizationOf gse:unesco }""",
        {("gse:unesco-iite",), ("gse:unesco-iicba",), ("gse:unesco-inruled",)},
    ),
    (
        "Which anniversary of BNU did a GSE 2022 speaker congratulate it on, and who?",
        """SELECT ?speaker ?ordinal ?about WHERE {
             ?role gso:roleIn gse:gse2022 ; gso:agent ?speaker ; dcterms:relation ?anniversary .
             ?anniversary gso:ordinal ?ordinal ; schema:about ?about }""",
        {("gse:tatiana-shutova", "120", "gse:bnu")},
    ),
    (
        "Which source says China is promoting the digital transformation of education?",
        f"""SELECT ?source WHERE {{
             GRAPH ?claim {{ gse:china gso:aim ?aim }}
             FILTER(CONTAINS(?aim, "digital transformation") && CONTAINS(?aim, "intelligent"))
             {SOURCE} }}""",
        {("002",)},
    ),
    (
        "What, according to 001, concerns the Arab world (or Arab region)?",
        """SELECT ?thing WHERE { ?thing schema:spatialCoverage gse:arab-world }""",
        {("gse:alecso-ichei-studies",), ("gse:partnership-alecso-slibnu",)},
    ),
]


@pytest.fixture(scope="module")
def engine(bundled: Engine) -> Engine:
    """The session's bundled store (conftest)."""
    return bundled


@pytest.mark.parametrize(
    ("question", "sparql", "expected"), CASES, ids=[f"q{i:02d}" for i in range(1, len(CASES) + 1)]
)
def test_question_is_answered_as_the_article_says(
    engine: Engine, question: str, sparql: str, expected: set[tuple[str, ...]]
) -> None:
    result = engine.query(sparql)
    rows = {tuple(queries.normalise_term(cell) for cell in row) for row in result.rows}
    missing = sorted(expected - rows)
    unexpected = sorted(rows - expected)
    assert not missing and not unexpected, (
        f"{question}\nmissing: {missing}\nunexpected: {unexpected}"
    )
