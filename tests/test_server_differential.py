"""One query text, one reading: a differential corpus of queries that two SPARQL parsers could
read two ways (comments ended by characters only one of them takes for a line end, SPARQL 1.1
§19.2 codepoint escapes, ``#`` inside IRIs and strings, keyword case) and of SERVICE, LOAD,
FROM, FROM NAMED and updates in every position the grammar allows. Each is sent to a real
server on every store, by GET, POST (form and direct) and the query page, while a listening
socket (the trap) that every SERVICE, LOAD and FROM names records any connection: each query
must be refused with its status and a message, or answered harmlessly, and the trap must see
nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from server_helpers import HTTP, Server, Trap, running_server, trap_listener

pytestmark = pytest.mark.realdata

SERVICE = 403  # SERVICE and updates: refused as not allowed
BAD = 400  # unreadable text, or a graph the server does not hold
OK = 200  # answered, touching nothing outside

TRANSPORTS = ("get", "post-form", "post-direct", "query-page")
STORES = ("memory", "oxigraph")

# (name, query text, expected status); TRAP stands for the trap's URL and the case's name
COMMENTS = [
    ("comment-cr", "ASK { # c\rSERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("comment-crlf", "ASK { # c\r\nSERVICE SILENT <TRAP> { ?a ?b ?c }\n}", SERVICE),
    ("comment-lf", "ASK { # c\nSERVICE SILENT <TRAP> { ?a ?b ?c }\n}", SERVICE),
    ("comment-ff", "ASK { # c\fSERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("comment-vt", "ASK { # c\vSERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("comment-nel", "ASK { # c\x85SERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("comment-ls", "ASK { # c\u2028SERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("comment-ps", "ASK { # c\u2029SERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("comment-at-end-cr", "ASK { ?s ?p ?o } # c\rSERVICE SILENT <TRAP> { }", BAD),
    ("comment-cr-from", "SELECT * # c\rFROM <TRAP>\nWHERE { ?s ?p ?o } LIMIT 1", BAD),
    ("comment-harmless", "ASK { # a comment\n ?s ?p ?o }\n# SERVICE <TRAP> {}", OK),
    ("comment-ff-outside", "ASK {\f?s ?p ?o }", BAD),
    ("comment-ls-outside", "ASK {\u2028?s ?p ?o }", BAD),
]
ESCAPES = [
    ("escape-u", r"ASK { \u0053ERVICE SILENT <TRAP> { ?a ?b ?c } }", SERVICE),
    ("escape-big-u", r"ASK { \U00000053ERVICE SILENT <TRAP> { ?a ?b ?c } }", SERVICE),
    ("escape-last-letter", r"ASK { SERVIC\u0045 SILENT <TRAP> { ?a ?b ?c } }", SERVICE),
    ("escape-lowercase-hex", r"ASK { \u0073ervice SILENT <TRAP> { ?a ?b ?c } }", SERVICE),
    ("escape-newline-in-comment", "ASK { # c\\u000ASERVICE SILENT <TRAP> { ?a ?b ?c }\n}", SERVICE),
    ("escape-cr-in-comment", "ASK { # c\\u000DSERVICE SILENT <TRAP> { ?a ?b ?c }\n}", BAD),
    ("escape-of-escape", r"ASK { \u005Cu0053ERVICE SILENT <TRAP> { ?a ?b ?c } }", BAD),
    (
        "escape-ends-iri",
        r"ASK { <urn:a\u003E ?p ?o . SERVICE SILENT <TRAP> { ?a ?b ?c } }",
        SERVICE,
    ),
    (
        "escape-ends-string",
        'ASK { FILTER ("a\\u0022 != "") SERVICE SILENT <TRAP> { ?a ?b ?c } # ")\n}',
        SERVICE,
    ),
    ("escape-surrogate", r'ASK { FILTER ("\uD800" != "") }', BAD),
    ("escape-from", r"SELECT * \u0046ROM <TRAP> WHERE { ?s ?p ?o } LIMIT 1", BAD),
    ("escape-in-string-harmless", r'ASK { FILTER ("caf\u00E9" = "café") }', OK),
]
HASHES = [
    (
        "hash-in-iri",
        "ASK { <http://example.org/#a> ?p ?o . SERVICE SILENT <TRAP> { ?a ?b ?c } }",
        SERVICE,
    ),
    ("hash-in-string", 'ASK { FILTER ("#" != "") SERVICE SILENT <TRAP> { ?a ?b ?c } }', SERVICE),
    (
        "hash-in-single-quotes",
        "ASK { FILTER ('#' != '') SERVICE SILENT <TRAP> { ?a ?b ?c } }",
        SERVICE,
    ),
    (
        "hash-in-long-string",
        'ASK { FILTER ("""a # b\nc""" != "") SERVICE SILENT <TRAP> { } }',
        SERVICE,
    ),
    ("hash-harmless", 'ASK { FILTER (STR(<urn:x#y>) != "#") }', OK),
    ("service-in-string-harmless", 'ASK { FILTER ("SERVICE <TRAP> { }" != "") }', OK),
    ("service-variable-harmless", "SELECT ?service WHERE { BIND (1 AS ?service) }", OK),
    (
        "service-prefixed-name-harmless",
        "PREFIX service: <urn:x:> ASK { FILTER (service:a != service:b) }",
        OK,
    ),
]
CASES = [
    ("case-lower", "ASK { service SILENT <TRAP> { ?a ?b ?c } }", SERVICE),
    ("case-mixed", "ASK { sErViCe SILENT <TRAP> { ?a ?b ?c } }", SERVICE),
    ("case-load", "lOaD <TRAP>", SERVICE),
    ("case-from", "SELECT * fRoM <TRAP> WHERE { ?s ?p ?o } LIMIT 1", BAD),
]
POSITIONS = [
    ("service-top", "SELECT * WHERE { SERVICE <TRAP> { ?s ?p ?o } }", SERVICE),
    ("service-silent", "SELECT * WHERE { SERVICE SILENT <TRAP> { ?s ?p ?o } }", SERVICE),
    ("service-variable", "SELECT * WHERE { BIND (<TRAP> AS ?e) SERVICE ?e { ?s ?p ?o } }", SERVICE),
    ("service-nested", "SELECT * WHERE { { { SERVICE <TRAP> { ?s ?p ?o } } } }", SERVICE),
    (
        "service-optional",
        "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <TRAP> { ?s ?p ?o } } }",
        SERVICE,
    ),
    ("service-minus", "SELECT * WHERE { ?x ?y ?z MINUS { SERVICE <TRAP> { ?x ?p ?o } } }", SERVICE),
    (
        "service-union",
        "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <TRAP> { ?s ?p ?o } } }",
        SERVICE,
    ),
    ("service-graph", "SELECT * WHERE { GRAPH ?g { SERVICE <TRAP> { ?s ?p ?o } } }", SERVICE),
    (
        "service-subquery",
        "SELECT * WHERE { { SELECT * WHERE { SERVICE <TRAP> { ?s ?p ?o } } } }",
        SERVICE,
    ),
    ("service-filter-exists", "ASK { FILTER EXISTS { SERVICE <TRAP> { ?s ?p ?o } } }", SERVICE),
    (
        "service-filter-not-exists",
        "ASK { FILTER NOT EXISTS { SERVICE <TRAP> { ?s ?p ?o } } }",
        SERVICE,
    ),
    (
        "service-bind-exists",
        "SELECT ?x WHERE { BIND (EXISTS { SERVICE <TRAP> { ?s ?p ?o } } AS ?x) }",
        SERVICE,
    ),
    (
        "service-projection",
        "SELECT (EXISTS { SERVICE <TRAP> { ?s ?p ?o } } AS ?x) WHERE { }",
        SERVICE,
    ),
    (
        "service-order-by",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <TRAP> { ?s ?p ?o } })",
        SERVICE,
    ),
    (
        "service-having",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } HAVING (EXISTS { SERVICE <TRAP> { } })",
        SERVICE,
    ),
    ("service-construct", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <TRAP> { ?s ?p ?o } }", SERVICE),
    ("service-construct-where", "CONSTRUCT WHERE { SERVICE <TRAP> { ?s ?p ?o } }", SERVICE),
    ("service-describe", "DESCRIBE ?s WHERE { SERVICE <TRAP> { ?s ?p ?o } }", SERVICE),
    ("service-inside-service", "ASK { SERVICE <TRAP> { SERVICE <TRAP> { } } }", SERVICE),
    ("from", "SELECT * FROM <TRAP> WHERE { ?s ?p ?o } LIMIT 1", BAD),
    ("from-named", "SELECT * FROM NAMED <TRAP> WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", BAD),
    ("from-ask", "ASK FROM <TRAP> { ?s ?p ?o }", BAD),
    ("from-construct", "CONSTRUCT { ?s ?p ?o } FROM <TRAP> WHERE { ?s ?p ?o }", BAD),
    ("from-describe", "DESCRIBE ?s FROM <TRAP> WHERE { ?s ?p ?o }", BAD),
    ("from-in-subquery", "SELECT * WHERE { { SELECT * FROM <TRAP> WHERE { ?s ?p ?o } } }", BAD),
    ("describe-harmless", "DESCRIBE <TRAP>", OK),
    ("graph-iri-harmless", "ASK { GRAPH <TRAP> { ?s ?p ?o } }", OK),
    ("load", "LOAD <TRAP>", SERVICE),
    ("load-silent-into", "LOAD SILENT <TRAP> INTO GRAPH <urn:g>", SERVICE),
    ("insert-data", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", SERVICE),
    ("insert-where-service", "INSERT { ?s ?p ?o } WHERE { SERVICE <TRAP> { ?s ?p ?o } }", SERVICE),
    ("delete-where", "DELETE WHERE { ?s ?p ?o }", SERVICE),
    ("with-delete", "WITH <TRAP> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", SERVICE),
    ("delete-using", "DELETE { ?s ?p ?o } USING <TRAP> WHERE { ?s ?p ?o }", SERVICE),
    ("clear", "CLEAR ALL", SERVICE),
    ("drop", "DROP GRAPH <TRAP>", SERVICE),
    ("create", "CREATE GRAPH <TRAP>", SERVICE),
    (
        "add-move-copy",
        "ADD <TRAP> TO DEFAULT ; MOVE <TRAP> TO DEFAULT ; COPY <TRAP> TO DEFAULT",
        SERVICE,
    ),
    ("query-then-load", "ASK { } ; LOAD <TRAP>", (BAD, SERVICE)),
    ("load-then-query", "LOAD <TRAP> ; ASK { }", (BAD, SERVICE)),
]
CORPUS = COMMENTS + ESCAPES + HASHES + CASES + POSITIONS
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    with trap_listener() as listening:
        yield listening


@pytest.fixture(scope="module", params=STORES)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"differential-{request.param}")
    # oxigraph: the default engine, over the built dataset; memory: rdflib
    options: tuple[str, ...] = ("--workers", "2", "--store", request.param)
    with running_server(folder, *options, env={"KG_CACHE_ENTRIES": "0"}) as running:
        yield running


def _send(http: httpx.Client, transport: str, query: str) -> httpx.Response:
    if transport == "get":
        return http.get("/sparql", params={"query": query})
    if transport == "post-form":
        return http.post("/sparql", data={"query": query})
    if transport == "post-direct":
        headers = {"Content-Type": "application/sparql-query; charset=utf-8"}
        return http.post("/sparql", content=query.encode("utf-8"), headers=headers)
    # the query page's answer: the workbench's form sends the query to /sparql as a browser
    return http.get("/sparql", params={"query": query}, headers=BROWSER)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_every_query_of_the_corpus_is_refused_or_harmless(
    server: Server, trap: Trap, transport: str
) -> None:
    wrong = []
    with httpx.Client(base_url=server.url, timeout=30) as http:
        for name, template, expected in CORPUS:
            query = template.replace("TRAP", f"{trap.url}/{transport}/{name}")
            answer = _send(http, transport, query)
            allowed = expected if isinstance(expected, tuple) else (expected,)
            if answer.status_code not in allowed:
                wrong.append(f"{name}: {answer.status_code} (not {allowed}): {answer.text[:200]}")
            elif answer.status_code != OK and transport != "query-page":
                assert len(answer.text.strip()) > 10, name  # a message saying why
    assert wrong == []
    assert trap.seen == []


def test_an_update_posted_as_such_is_refused(server: Server, trap: Trap) -> None:
    headers = {"Content-Type": "application/sparql-update"}
    answer = HTTP.post(
        f"{server.url}/sparql", content=f"LOAD <{trap.url}/update>".encode(), headers=headers
    )
    assert answer.status_code == 403
    assert "read-only" in answer.text
    assert trap.seen == []


def test_the_query_page_shows_the_refusal(server: Server, trap: Trap) -> None:
    query = f"ASK {{ # c\rSERVICE SILENT <{trap.url}/page> {{ ?a ?b ?c }}\n}}"
    answer = HTTP.get(f"{server.url}/sparql", params={"query": query}, headers=BROWSER, timeout=30)
    assert answer.status_code == BAD
    assert "line" in answer.text
    assert 'class="error"' in answer.text
    assert trap.seen == []


def test_a_harmless_case_gives_the_expected_answer(server: Server) -> None:
    """The normalised text is the query: a comment, an escape in a string, a ``#`` in an IRI
    keep their meaning."""
    query = '# a comment\rnot ended by the CR above\nASK { FILTER ("caf\\u00E9" = "café") }'
    answer = HTTP.get(f"{server.url}/sparql", params={"query": query}, timeout=30)
    assert answer.status_code == BAD  # a lone CR in a comment is refused, with where it is
    assert "line 1" in answer.text
    query = 'ASK { FILTER ("caf\\u00E9" = "caf\u00e9" && STR(<urn:x#y>) = "urn:x#y") } # end'
    answer = HTTP.get(f"{server.url}/sparql", params={"query": query}, timeout=30)
    assert answer.status_code == OK, answer.text
    assert answer.json()["boolean"] is True
    query = 'ASK { FILTER ("caf\\u00E9" = "cafe") }'
    assert HTTP.get(f"{server.url}/sparql", params={"query": query}).json()["boolean"] is False


def test_ordinary_queries_keep_their_answers(server: Server) -> None:
    query = (
        "PREFIX kko: <https://w3id.org/kazkgz/ontology#> # the ontology\r\n"
        "SELECT ?state WHERE { ?state a kko:State } # every state\n ORDER BY ?state"
    )
    answer = HTTP.get(f"{server.url}/sparql", params={"query": query, "format": "csv"})
    assert answer.status_code == OK, answer.text
    # the article names four states: 哈萨克斯坦, 吉尔吉斯斯坦, 俄罗斯 and 中国
    assert answer.text.split() == [
        "state",
        "https://w3id.org/kazkgz/id/china",
        "https://w3id.org/kazkgz/id/kazakhstan",
        "https://w3id.org/kazkgz/id/kyrgyzstan",
        "https://w3id.org/kazkgz/id/russia",
    ]
