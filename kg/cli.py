"""The ``kg`` command: a thin layer over the library, one function per command.

Exit codes: 0 success; 1 the data does not conform, is inconsistent, or a check fails;
2 a usage or input error (bad arguments, malformed Turtle or SPARQL, unknown query ...).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.core.lazy import lazy_module

if TYPE_CHECKING:  # imported on first use: `kg query` never loads pyshacl or owlrl, and
    # answers from the cache without loading rdflib
    from rdflib.term import Node

    from kg import stores
    from kg.core import namespaces
    from kg.graph import (
        cache,
        counts,
        loading,
        provenance,
        search,
        serialization,
        validation,
        verification,
    )
    from kg.publishing import build as publish
    from kg.queries import disputes
    from kg.queries import execution as queries
    from kg.queries.results import QueryResult
else:  # stand-ins that import each module on first attribute access
    stores = lazy_module("kg.stores")
    namespaces = lazy_module("kg.core.namespaces")
    cache, counts, loading, provenance, search, serialization, validation, verification = (
        lazy_module(f"kg.graph.{name}")
        for name in (
            "cache",
            "counts",
            "loading",
            "provenance",
            "search",
            "serialization",
            "validation",
            "verification",
        )
    )
    publish = lazy_module("kg.publishing.build")
    queries = lazy_module("kg.queries.execution")
    disputes = lazy_module("kg.queries.disputes")
from kg.core.errors import KgError, UsageError
from kg.core.paths import default_sources
from kg.core.progress import Progress
from kg.core.settings import (
    ASSERTED_GRAPH,
    ENGINES,
    EXPORT_FORMATS,
    INFERRED_GRAPH,
    RESULT_FORMATS,
    library_versions,
)
from kg.queries import answers

__all__ = ["main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"kg: {text}\n")


def _render(result: QueryResult, args: argparse.Namespace) -> str:
    result.check_format(args.format)
    found = _doubtful(result)
    if args.format == "json" and found:
        data = json.loads(result.serialize("json"))
        data["verification"] = [
            {"row": f.row, "column": f.column, "node": str(f.node), "status": f.status}
            for f in found
        ]
        return json.dumps(data, ensure_ascii=False) + "\n"
    if args.format != "table":
        return result.serialize(args.format)
    table = result.table(width=_table_width(args), languages=args.languages)
    names = {f.node: namespaces.compact(f"<{f.node}>").strip("<>") for f in found}
    return table + "".join(line + "\n" for line in disputes.warning_lines(found, names))


def _doubtful(result: QueryResult) -> tuple[disputes.Flag, ...]:
    """The rows that rest on a contradicted or unverified fact of the project's verification
    layer (none where the project has no such layer)."""
    layer_files = default_sources().verification
    if result.type != "SELECT" or not layer_files:
        return ()
    return disputes.flags(result, loading.load_graph(paths=layer_files))


def _table_width(args: argparse.Namespace) -> int | None:
    """--width; else on a terminal, as wide as it is; into a pipe or a file, no limit."""
    if args.width:
        return int(args.width)
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _answer(
    args: argparse.Namespace,
    query: str | None,
    inputs: Sequence[Path],
    request: dict[str, object],
    run: Callable[[], QueryResult],
) -> None:
    """Print the answer of ``run()``. On the project's files in memory it goes through the
    answer cache (see :mod:`kg.queries.answers`), keyed by ``request`` and the ``inputs`` files,
    unless --no-cache, or ``query`` (its text; None if unreadable) may change from run to run."""

    def compute() -> str:
        with Progress("querying", quiet=args.quiet or not sys.stderr.isatty()):
            return _render(run(), args)

    cacheable = args.store == "memory" and not args.endpoint and not args.no_cache
    if not cacheable or query is None or not answers.repeatable(query):
        _out(compute())
        return
    request |= {"inferred": args.inferred, "format": args.format}
    if args.format == "table":  # what the table looks like is part of the answer kept
        request |= {"width": _table_width(args), "languages": args.languages}
    _out(answers.answer(inputs, request, compute))


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"a parameter is written name=value, not {pair!r}")
        params[name.strip()] = value
    return params


# ---------------------------------------------------------------- commands


_SEVERITIES = ("Violation", "Warning", "Info")


def cmd_validate(args: argparse.Namespace) -> int:
    report = validation.validate(args.files or None, include_reference=args.reference)
    if args.format == "ttl":
        _out(report.report_graph.serialize(format="turtle"))
    else:
        for result in report.results:
            _out(str(result))
        counts = {s: sum(r.severity == s for r in report.results) for s in _SEVERITIES}
        verdict = "conforms" if report.conforms else "does NOT conform"
        _out(
            f"The data {verdict} ({counts['Violation']} violations, {counts['Warning']} warnings, "
            f"{counts['Info']} notes)."
        )
    return EXIT_OK if report.conforms else EXIT_DATA


def cmd_reason(args: argparse.Namespace) -> int:
    files = default_sources().graph_files(args.reference)
    if not files:
        raise UsageError("no ontology or graph files found (set KG_HOME to the project root)")
    started = time.monotonic()
    with Progress("reasoning", quiet=args.quiet):
        closure = cache.reason_files(files, use_cache=not args.no_cache, engine=args.reasoner)
    elapsed = time.monotonic() - started
    if args.output:
        serialization.export(closure.inferred, args.format, args.output)
    origin = "loaded from the cache" if closure.from_cache else f"computed by {closure.engine}"
    _out(f"{len(closure.inferred)} inferred triples ({origin} in {elapsed:.2f} s)")
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
    saved = queries.list_queries()
    if args.format == "json":
        listing = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "inferred": q.inferred,
                "params": [
                    {"name": p.name, "type": p.type, "required": p.required, "default": p.default}
                    for p in q.params
                ],
            }
            for q in saved
        ]
        _out(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max((len(q.name) for q in saved), default=0)
    for q in saved:
        flags = " [inferred]" if q.inferred else ""
        _out(f"{q.name.ljust(width)}  {q.summary}{flags}")
        for p in q.params:
            need = "required" if p.required else "optional"
            if p.default is not None:
                need += f", default {p.default}"
            _out(f"{'':{width}}    -p {p.name}=<{p.type}>  ({need})")
    if not saved:
        _out("(no saved queries)")
    return EXIT_OK


def _store(args: argparse.Namespace, read_only: bool = True) -> stores.Store | None:
    """The store that --store/--path/--endpoint name (None: rdflib on the project's files)."""
    if getattr(args, "endpoint", None):
        return stores.RemoteStore(
            args.endpoint,
            gsp=getattr(args, "gsp", None),
            update=getattr(args, "update", None),
            user=getattr(args, "user", None),
            password=getattr(args, "password", None),
            digest=getattr(args, "digest", False),
            graph=getattr(args, "graph", None),
        )
    if args.store == "memory":
        return None
    return stores.open_store(args.store, path=args.path, read_only=read_only)


def cmd_query(args: argparse.Namespace) -> int:
    params = _params(args.param)
    sources = default_sources()
    query_file = (sources.queries_dir or Path()) / f"{args.name}.rq"
    try:
        text = None if "/" in args.name or "\\" in args.name else query_file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # run_query says what is wrong
    _answer(
        args,
        text,
        [*sources.graph_files(), *sources.verification, query_file],
        {"command": "query", "name": args.name, "params": params},
        lambda: queries.run_query(args.name, params, inferred=args.inferred, store=_store(args)),
    )
    return EXIT_OK


def _query_text(arg: str) -> tuple[str, str | None]:
    """The query's text, and the file it was read from (None: the argument or stdin)."""
    if arg == "-":
        return sys.stdin.read(), None
    candidate = Path(arg)
    if len(arg) < 4096 and "\n" not in arg and candidate.suffix in (".rq", ".sparql"):
        try:
            return candidate.read_text(encoding="utf-8"), arg
        except OSError as exc:
            raise UsageError(f"cannot read {arg}: {exc.strerror or exc}") from exc
    return arg, None


def cmd_sparql(args: argparse.Namespace) -> int:
    text, source = _query_text(args.query)
    params = _params(args.param)
    _answer(
        args,
        text,
        [*default_sources().graph_files(), *default_sources().verification],
        {"command": "sparql", "query": text, "params": params},
        lambda: queries.sparql(
            text, inferred=args.inferred, store=_store(args), params=params, source=source
        ),
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    graph = loading.load_graph(include_reference=args.reference)
    if args.inferred:
        with Progress("reasoning", quiet=args.quiet):
            graph += cache.load_inferred(include_reference=args.reference)
    if args.output:
        serialization.export(graph, args.format, args.output)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(serialization.serialize(graph, args.format))
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    with Progress("building", quiet=args.quiet) as progress:
        report = publish.build(args.out, progress=progress.step, engine=args.reasoner)
    counts = {s: sum(r.severity == s for r in report.validation.results) for s in _SEVERITIES}
    _out(
        f"validation: conforms ({counts['Warning']} warnings, {counts['Info']} notes: "
        "see kg validate)"
    )
    _out(
        f"asserted (ontology + article): {report.asserted_triples} triples; "
        f"inferred: {report.inferred_triples} "
        f"({'cached' if report.inferred_from_cache else 'computed'}); "
        f"reference: {report.reference_triples}; verification: {report.verification_triples}"
    )
    _out(f"checks: {len(report.checks)} passed")
    _out(f"wrote {len(report.files)} files to {report.out_dir}/")
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    store = _store(args, read_only=False)
    if store is None:
        raise UsageError("kg push needs --endpoint URL or --store oxigraph --path DIR")
    which = None if args.which == "both" else (args.which,)
    with Progress("pushing", quiet=args.quiet):
        loaded = stores.load_published(store, args.dist, which, graph=args.graph)
    store.close()
    for graph, count in loaded.items():
        _out(f"{graph}: {count} triples")
    return EXIT_OK


def cmd_source(args: argparse.Namespace) -> int:
    found = provenance.source(args.node)
    title = namespaces.compact(f"<{found.node}>").strip("<>")
    _out(f"{title}" + (f"  ({found.label})" if found.label else ""))
    if not found.evidence:
        _out("  no excerpt of the article is linked to this node (kko:evidence)")
    for ev in found.evidence:
        _out(f"  {namespaces.compact(str(ev.excerpt))}")
        _out(f"    quote:    {ev.exact}")
        check = "" if ev.verified else "  (the offsets do NOT select this quote)"
        _out(f"    offsets:  [{ev.start}, {ev.end}){check}")
        if ev.sentence:
            _out(f"    sentence: {ev.sentence}")
    if found.statements:
        _out("  per statement:")
    for statement in found.statements:
        shown = namespaces.compact(statement.object.n3())
        shown = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
        _out(f"    {namespaces.compact(str(statement.predicate))} {shown}")
        for ev in statement.evidence:
            _out(f"      {namespaces.compact(str(ev.excerpt))}: {ev.exact}")
    _print_verification(found.verification)
    return EXIT_OK


def _term_text(term: Node) -> str:
    """A term as a CURIE or its Turtle form, for the terminal."""
    shown = namespaces.compact(term.n3())
    return shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown


def _print_verification(assessment: verification.Assessment | None) -> None:
    """What independent sources say of the node, under its quotes."""
    if assessment is None:
        if default_sources().verification:  # a project with the layer: say it has nothing
            _out("  verification: no assessment in the verification layer")
        return
    mark = "  (DISPUTED)" if assessment.status == "contradicted" else ""
    _out(f"  verification: {assessment.status}{mark}")
    for finding in assessment.findings:
        if finding.property is not None and finding.source_value is not None:
            article = _term_text(finding.article_value) if finding.article_value else "(none)"
            _out(
                f"    {_term_text(finding.property)}: article {article}; "
                f"source {_term_text(finding.source_value)}"
            )
        if finding.body:
            _out(f"      {finding.body}")
        src = finding.source
        if src is not None:
            parts = [p for p in (src.publisher, src.title, src.published, src.url) if p]
            _out(f"      source: {'; '.join(parts)}")
        elif finding.found_via:
            _out(f"      searched: {finding.found_via}")


def _verification_stats(args: argparse.Namespace) -> int:
    found = verification.verification_stats()
    if args.format == "json":
        data = {
            "facts": found.facts,
            "assessed": found.assessed,
            "by_status": dict(found.by_status),
            "findings": found.findings,
            "sources": found.sources,
            "unassessed": [namespaces.compact(f"<{n}>").strip("<>") for n in found.unassessed],
        }
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    _out(f"fact-bearing nodes:   {found.facts}")
    _out(f"assessed:             {found.assessed}")
    _out("facts by status:")
    for status, count in found.by_status:
        _out(f"  {count:5d}  {status}")
    _out(f"findings (rows):      {found.findings}")
    _out(f"sources:              {found.sources}")
    for node in found.unassessed:
        _out(f"  not assessed: {namespaces.compact(f'<{node}>').strip('<>')}")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    if args.verification:
        return _verification_stats(args)
    found = counts.stats(include_reference=args.reference)
    if args.format == "json":
        data = {
            "layers": list(found.layers),
            "triples": found.triples,
            "entities": found.entities,
            "excerpts": found.excerpts,
            "nodes_with_evidence": found.nodes_with_evidence,
            "entities_by_class": {
                namespaces.compact(str(c)): n for c, n in found.entities_by_class
            },
        }
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    _out(f"layers:               {', '.join(found.layers)}")
    _out(f"triples:              {found.triples}")
    _out(f"entities (kk:):       {found.entities}")
    _out(f"excerpts:             {found.excerpts}")
    _out(f"nodes with evidence:  {found.nodes_with_evidence}")
    _out("entities by class:")
    for cls, count in found.entities_by_class:
        _out(f"  {count:5d}  {namespaces.compact(str(cls))}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    hits = search.search(args.text, limit=args.limit)
    if args.format == "json":
        data = [
            {
                "iri": str(hit.node),
                "labels": dict(hit.labels),
                "match": hit.match,
                "matched": {"value": str(hit.matched), "lang": hit.matched.language},
                "property": namespaces.compact(str(hit.property)),
                "types": [namespaces.compact(str(t)) for t in hit.types],
            }
            for hit in hits
        ]
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not hits:
        _out(f"nothing matches {args.text!r}")
        return EXIT_OK
    for hit in hits:
        types = ", ".join(namespaces.compact(str(t)) for t in hit.types)
        names = " / ".join(text for _, text in hit.labels)
        _out(f"{hit.match:<9}  {namespaces.compact(str(hit.node))}  {names}  [{types}]")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.server import run

    run.serve(run.config_from_args(args))  # a missing extra or a busy port: a UsageError
    return EXIT_OK


# ---------------------------------------------------------------- parser


def _parser() -> argparse.ArgumentParser:
    versions = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    parser = argparse.ArgumentParser(
        prog="kg",
        description="The Kazakhstan–Kyrgyzstan knowledge graph: validate, reason, query, "
        "publish. Exit codes: 0 success, 1 data does not conform or a check fails, "
        "2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=versions)
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="project root holding ontology/, graph/, shapes/, queries/ (default: $KG_HOME, "
        "else the installed or checked-out project)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, parser=p)
        return p

    p = command("validate", cmd_validate, "validate the data against the SHACL shapes")
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILES",
        help="Turtle files to validate instead of the project's article data",
    )
    p.add_argument(
        "--reference", action="store_true", help="validate the reference layer with the data"
    )
    p.add_argument(
        "--format",
        choices=["text", "ttl"],
        default="text",
        help="text: one line per result (default); ttl: the SHACL validation report graph",
    )

    p = command("reason", cmd_reason, "compute (or load from the cache) the OWL RL closure")
    p.add_argument("--no-cache", action="store_true", help="recompute, ignoring the cache")
    _reasoner_option(p)
    p.add_argument("--reference", action="store_true", help="include the reference layer")
    p.add_argument("-o", "--output", type=Path, help="write the inferred triples to this file")
    p.add_argument(
        "--format",
        choices=list(EXPORT_FORMATS),
        default="ttl",
        help="format of --output (default: ttl)",
    )

    p = command("queries", cmd_queries, "list the saved queries with their parameters")
    p.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )

    p = command("query", cmd_query, "run a saved query by name")
    p.add_argument("name", metavar="NAME", help="the saved query's name (see: kg queries)")
    _param_option(p)
    _query_options(p)

    p = command("sparql", cmd_sparql, "run an ad hoc SPARQL query")
    p.add_argument(
        "query",
        metavar="QUERY|FILE|-",
        help="the query text, a .rq/.sparql file, or - to read it from standard input; a "
        "text with a #+ header runs as that saved query does (its defaults and parameters)",
    )
    _param_option(p)
    _query_options(p)

    p = command("export", cmd_export, "serialise the asserted graph")
    p.add_argument(
        "--format",
        choices=list(EXPORT_FORMATS),
        required=True,
        help="ttl (Turtle), nt (N-Triples), jsonld (JSON-LD) or xml (RDF/XML)",
    )
    p.add_argument("--inferred", action="store_true", help="add the inferred triples")
    p.add_argument("--reference", action="store_true", help="add the reference layer")
    p.add_argument(
        "-o", "--output", type=Path, help="write to this file (atomically) instead of stdout"
    )

    p = command(
        "build",
        cmd_build,
        "validate, reason, run the checks and write every artefact (with VoID and SHA256SUMS)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("dist"), help="output directory (default: dist)"
    )
    _reasoner_option(p)

    p = command(
        "push",
        cmd_push,
        "load the published graphs (kg build) into a store, replacing them: a SPARQL endpoint "
        "(Graph Store Protocol) or an Oxigraph folder",
    )
    p.add_argument(
        "--dist", type=Path, default=Path("dist"), help="the published files (default: dist)"
    )
    p.add_argument(
        "--which",
        choices=["asserted", "inferred", "both"],
        default="both",
        help="which published graph to load (default: both, each into its named graph, and "
        "the verification layer where it was published)",
    )
    _store_options(p, push=True)

    p = command("source", cmd_source, "show the article's words behind a node")
    p.add_argument("node", metavar="NODE", help="a full IRI or a CURIE such as kk:kazakhstan")

    p = command("stats", cmd_stats, "count triples, entities by class and excerpts")
    p.add_argument(
        "--reference",
        action="store_true",
        help="count the reference layer too (default: the asserted graph, ontology and article)",
    )
    p.add_argument(
        "--verification",
        action="store_true",
        help="count the verification layer instead: fact-bearing nodes assessed, facts by "
        "status, findings, sources, and the facts not yet assessed",
    )
    p.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )

    p = command(
        "search", cmd_search, "find entities and terms by name (Chinese, English, Russian, Kazakh)"
    )
    p.add_argument("text", metavar="TEXT", help="a name or part of one, e.g. 托卡耶夫 or Tokayev")
    p.add_argument(
        "--limit", type=int, default=20, help="show at most this many hits (default: 20)"
    )
    p.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="output format (default: table)",
    )

    p = command("serve", cmd_serve, "serve SPARQL, the saved queries and Linked Data over HTTP")
    _serve_options(p)
    parser.set_defaults(commands=list(sub.choices))
    return parser


def _serve_options(p: argparse.ArgumentParser) -> None:
    from kg.server.run import add_arguments  # no Starlette or uvicorn: they load on serving

    add_arguments(p)


def _store_options(p: argparse.ArgumentParser, push: bool = False) -> None:
    p.add_argument(
        "--store",
        choices=["memory", "oxigraph"],
        default="memory",
        help="memory: rdflib on the project's files (default); oxigraph: the store in --path",
    )
    p.add_argument("--path", type=Path, metavar="DIR", help="the Oxigraph store's folder")
    p.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 endpoint instead of --store")
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="one named graph that holds everything (default: the named graphs "
        f"{ASSERTED_GRAPH} and {INFERRED_GRAPH}; 'default': the endpoint's "
        "default graph)"
        if not push
        else "load everything into this one named graph (default: "
        f"{ASSERTED_GRAPH} and {INFERRED_GRAPH})",
    )
    p.add_argument("--user", help="user name for the endpoint (HTTP Basic, or --digest)")
    p.add_argument("--password", help="password for the endpoint")
    p.add_argument("--digest", action="store_true", help="use HTTP Digest authentication")
    if push:
        p.add_argument("--gsp", metavar="URL", help="the endpoint's Graph Store Protocol URL")
        p.add_argument(
            "--update",
            metavar="URL",
            help="the endpoint's SPARQL Update URL, for the swap (default: --endpoint)",
        )


def _reasoner_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reasoner",
        choices=ENGINES,
        help="fast: owlrl on the schema, reasonable on everything (the default when reasonable "
        "is installed); owlrl: owlrl alone, the reference (default: $KG_REASONER if set)",
    )


def _param_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter value (repeatable); IRIs may be CURIEs such as kk:kazakhstan",
    )


def _query_options(p: argparse.ArgumentParser) -> None:
    _store_options(p)
    p.add_argument(
        "--inferred",
        action="store_true",
        help="query the asserted graph plus the OWL RL inferences",
    )
    p.add_argument(
        "--format",
        choices=["table", *RESULT_FORMATS, *(f for f in EXPORT_FORMATS if f not in RESULT_FORMATS)],
        default="table",
        help="table for people (default); for SELECT, json, csv, tsv or xml (SPARQL 1.1 "
        "results); for ASK, json or xml; for CONSTRUCT and DESCRIBE, ttl, nt, jsonld or xml "
        "(RDF/XML)",
    )
    p.add_argument(
        "--width",
        type=int,
        metavar="N",
        help="cut the table to N columns (default: the terminal's width on a terminal, no limit "
        "otherwise)",
    )
    p.add_argument(
        "--languages",
        action="store_true",
        help="show each text's language tag in the table (Russia@en)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="run the query even if its answer is cached (the answer cache is used only on "
        "the project's files in memory, and is keyed by every input)",
    )


def _closest(word: str, choices: Sequence[str]) -> str:
    """ ", did you mean X?" for the choice closest to ``word``, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments; an unknown command or option is refused by the parser it belongs to
    (exit 2, with its usage) with the closest name suggested."""
    parser = _parser()
    words = list(sys.argv[1:] if argv is None else argv)
    commands: list[str] = parser.get_default("commands")
    home = {words[i + 1] for i, w in enumerate(words[:-1]) if w == "--home"}
    command = next((w for w in words if not w.startswith("-") and w not in home), None)
    if command is not None and command not in commands:
        parser.error(f"unknown command {command!r}{_closest(command, commands)}")
    args, extras = parser.parse_known_args(words)
    if extras:
        own: argparse.ArgumentParser = getattr(args, "parser", parser)
        options = re.findall(r"--[a-z][a-z-]*", own.format_help())
        hints = "".join(_closest(e.split("=")[0], options) for e in extras if e.startswith("-"))
        own.error(f"unrecognized arguments: {' '.join(extras)}{hints}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kg`` command; returns the exit code."""
    args = _parse(argv)
    if args.home:
        home = Path(args.home).resolve()
        if not any((home / part).is_dir() for part in ("ontology", "graph", "shapes", "queries")):
            _err(f"error: {args.home} holds no project (no ontology/, graph/, shapes/ or queries/)")
            return EXIT_USAGE
        os.environ["KG_HOME"] = str(home)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KgError as exc:
        _err(f"error: {exc}")
        for detail in getattr(exc, "details", ()):
            sys.stderr.write(f"  {detail}\n")
        return exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except OSError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
