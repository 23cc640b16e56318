"""What describes the published files: a VoID description of the graphs (``void.ttl``) and a
DCAT 3 catalogue record of the dataset, its distributions and its SPARQL service
(``catalog.ttl``). Every IRI is absolute, under the project's base, so that both files load
with no base IRI; every date comes from the inputs, so that the same inputs give the same
bytes."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, VOID

from kg.core.namespaces import BASE, KK, bind_prefixes
from kg.core.settings import library_versions

__all__ = [
    "DOWNLOAD",
    "GRAPH",
    "LICENCE",
    "MEDIA_TYPES",
    "PUBLISHER",
    "Distribution",
    "catalogue_record",
    "release_date",
    "void_description",
]

GRAPH = Namespace(BASE + "graph/")
#: where the published files are downloaded from: the project's base, then dist/
DOWNLOAD = BASE + "dist/"
#: the data's and the ontology's licence (the code's is in LICENSE)
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: the project's maintainers, publisher and creator of the dataset (as of the ontology)
PUBLISHER = URIRef(BASE + "id/maintainers")
SPARQL_ENDPOINT = URIRef(BASE + "sparql")
SPDX = Namespace("http://spdx.org/rdf/terms#")
#: dcat:version, new in DCAT 3 (rdflib's DCAT namespace predates it)
DCAT_VERSION = URIRef(str(DCAT) + "version")
IANA = "https://www.iana.org/assignments/media-types/"
#: file extension -> media type
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nq": "application/n-quads",
    "trig": "application/trig",
}
TITLE = "Kazakhstan–Kyrgyzstan relations"


@dataclass(frozen=True)
class Distribution:
    """One published file: its name, what it holds (in words) and its bytes."""

    name: str
    holds: str
    data: bytes


def release_date(ontology: Graph) -> date | None:
    """The date of this release: ``$SOURCE_DATE_EPOCH`` if set, else the ontology's
    ``dcterms:modified``, so that a build of the same inputs is dated the same; None if the
    inputs give no date (the descriptions then state none)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    modified = [
        o.toPython() for o in ontology.objects(None, DCTERMS.modified) if isinstance(o, Literal)
    ]
    dates = [d for d in modified if isinstance(d, date)]
    return max(dates) if dates else None


def _partitions(void: Graph, dataset: URIRef, graph: Graph) -> None:
    classes = Counter(o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    properties = Counter(p for p in graph.predicates() if isinstance(p, URIRef))
    void.add((dataset, VOID.triples, Literal(len(graph))))
    void.add((dataset, VOID.classes, Literal(len(classes))))
    void.add((dataset, VOID.properties, Literal(len(properties))))
    void.add((dataset, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    void.add((dataset, VOID.distinctObjects, Literal(len(set(graph.objects())))))
    for cls, count in sorted(classes.items()):
        part = URIRef(f"{dataset}/class-partition/{_digest(cls)}")
        void.add((dataset, VOID.classPartition, part))
        void.add((part, VOID["class"], cls))
        void.add((part, VOID.entities, Literal(count)))
    for prop, count in sorted(properties.items()):
        part = URIRef(f"{dataset}/property-partition/{_digest(prop)}")
        void.add((dataset, VOID.propertyPartition, part))
        void.add((part, VOID.property, prop))
        void.add((part, VOID.triples, Literal(count)))


def _digest(term: URIRef) -> str:
    """A short, stable name for a partition of ``term``."""
    return hashlib.sha256(str(term).encode()).hexdigest()[:16]


def void_description(
    graphs: dict[str, Graph], dumps: dict[str, list[str]], released: date | None
) -> Graph:
    """A VoID description of the named graphs (``name`` → graph) with their dumps (``name`` →
    file names under :data:`DOWNLOAD`), the SPARQL endpoint and the software versions."""
    void = bind_prefixes(Graph())
    root = URIRef(BASE)
    void.add((root, RDF.type, VOID.Dataset))
    void.add((root, DCTERMS.title, Literal(TITLE, lang="en")))
    if released is not None:
        void.add((root, DCTERMS.modified, Literal(released)))
    void.add((root, DCTERMS.license, LICENCE))
    void.add((root, VOID.uriSpace, Literal(str(KK))))
    void.add((root, VOID.vocabulary, URIRef(BASE + "ontology")))
    void.add((root, VOID.sparqlEndpoint, SPARQL_ENDPOINT))
    versions = library_versions()
    void.add((root, OWL.versionInfo, Literal(versions["kazkgz"])))
    activity = URIRef(BASE + "build/" + versions["kazkgz"])
    void.add((root, PROV.wasGeneratedBy, activity))
    void.add((activity, RDF.type, PROV.Activity))
    for name, version in versions.items():
        agent = BNode(f"software-{name}")
        void.add((activity, PROV.wasAssociatedWith, agent))
        void.add((agent, RDF.type, PROV.SoftwareAgent))
        void.add((agent, RDFS.label, Literal(name)))
        void.add((agent, OWL.versionInfo, Literal(version)))
    for name, graph in graphs.items():
        dataset = GRAPH[name]
        void.add((root, VOID.subset, dataset))
        void.add((dataset, RDF.type, VOID.Dataset))
        void.add((dataset, DCTERMS.title, Literal(f"{name} graph", lang="en")))
        for file in dumps.get(name, []):
            void.add((dataset, VOID.dataDump, URIRef(DOWNLOAD + file)))
        _partitions(void, dataset, graph)
    return void


def catalogue_record(files: list[Distribution], released: date | None) -> Graph:
    """A DCAT 3 catalogue record: the dataset, one distribution per file (media type, byte
    size, SHA-256 checksum, download URL, licence), publisher and creator, version and dates,
    and the SPARQL endpoint as a data service."""
    g = bind_prefixes(Graph())
    g.bind("dcat", DCAT)
    g.bind("spdx", SPDX)
    g.bind("foaf", FOAF)
    catalogue = URIRef(BASE + "catalog")
    dataset = URIRef(BASE)
    version = library_versions()["kazkgz"]
    g.add((catalogue, RDF.type, DCAT.Catalog))
    g.add((catalogue, DCTERMS.title, Literal(f"{TITLE}: catalogue", lang="en")))
    g.add((catalogue, DCTERMS.description, Literal(
        "The published files and the SPARQL service of the Kazakhstan–Kyrgyzstan knowledge "
        "graph.", lang="en")))  # fmt: skip
    g.add((catalogue, DCTERMS.publisher, PUBLISHER))
    if released is not None:
        g.add((catalogue, DCTERMS.modified, Literal(released)))
    g.add((catalogue, DCAT.dataset, dataset))
    g.add((PUBLISHER, RDF.type, FOAF.Group))
    g.add((PUBLISHER, RDF.type, FOAF.Agent))  # stated: the catalogue is read without inference
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    g.add(
        (LICENCE, RDFS.label, Literal("Creative Commons Attribution 4.0 International", lang="en"))
    )
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((PUBLISHER, FOAF.name, Literal("Kazakhstan–Kyrgyzstan knowledge graph maintainers")))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((dataset, DCTERMS.title, Literal("哈萨克斯坦与吉尔吉斯斯坦关系", lang="zh")))
    g.add((dataset, DCTERMS.description, Literal(
        "The relations between Kazakhstan and Kyrgyzstan as one news article (Chinese, "
        "2025-08-21) describes them: an OWL ontology, the article's facts validated by SHACL "
        "with the quotes behind them, their OWL RL inferences, a reference layer of other "
        "sources, and a verification layer that says what independent sources say of each "
        "fact.", lang="en")))  # fmt: skip
    g.add((dataset, DCTERMS.publisher, PUBLISHER))
    g.add((dataset, DCTERMS.creator, PUBLISHER))
    g.add((dataset, DCTERMS.license, LICENCE))
    for code in ("zh", "en"):
        language = URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{code}")
        g.add((dataset, DCTERMS.language, language))
        g.add((language, RDF.type, DCTERMS.LinguisticSystem))
    g.add((dataset, DCAT_VERSION, Literal(version)))
    if released is not None:
        g.add((dataset, DCTERMS.issued, Literal(released)))
        g.add((dataset, DCTERMS.modified, Literal(released)))
    g.add((dataset, DCTERMS.conformsTo, URIRef(BASE + "ontology")))
    g.add((URIRef(BASE + "ontology"), RDF.type, DCTERMS.Standard))
    for keyword in ("Kazakhstan", "Kyrgyzstan", "knowledge graph", "treaties", "trade"):
        g.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    for file in sorted(files, key=lambda f: f.name):
        distribution = URIRef(f"{BASE}dist#{file.name}")
        ext = file.name.rsplit(".", 1)[-1]
        media = MEDIA_TYPES[ext]
        checksum = URIRef(f"{BASE}dist#{file.name}-sha256")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCTERMS.title, Literal(file.holds, lang="en")))
        # the URLs' type stated: DCAT-AP's shapes ask for rdfs:Resource, and read no inference
        g.add((URIRef(DOWNLOAD + file.name), RDF.type, RDFS.Resource))
        g.add((distribution, DCAT.downloadURL, URIRef(DOWNLOAD + file.name)))
        g.add((distribution, DCAT.accessURL, URIRef(DOWNLOAD + file.name)))
        g.add((distribution, DCAT.mediaType, URIRef(IANA + media)))
        g.add((URIRef(IANA + media), RDF.type, DCTERMS.MediaType))
        g.add(
            (distribution, DCAT.byteSize, Literal(len(file.data), datatype=XSD.nonNegativeInteger))
        )
        g.add((distribution, DCTERMS.license, LICENCE))
        if released is not None:
            g.add((distribution, DCTERMS.issued, Literal(released)))
        g.add((distribution, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        digest = hashlib.sha256(file.data).hexdigest()
        g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    service = URIRef(BASE + "sparql-service")
    g.add((catalogue, DCAT.service, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal(f"{TITLE}: SPARQL 1.1 endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, SPARQL_ENDPOINT))
    g.add((SPARQL_ENDPOINT, RDF.type, RDFS.Resource))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((service, DCTERMS.conformsTo, protocol))
    g.add((protocol, RDF.type, DCTERMS.Standard))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.license, LICENCE))
    return g
