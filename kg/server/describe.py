"""The SPARQL Service Description (sd:) and VoID description of the endpoint."""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from kg.core.namespaces import BASE, KK, bind_prefixes
from kg.server.graphs import GRAPH_IRIS, HeldGraphs

__all__ = ["ENTAILMENT", "SD", "service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
_TITLES = {
    "asserted": "the asserted graph: the ontology and the article's facts",
    "inferred": "the triples the OWL RL closure adds to the asserted graph "
    "(as a default graph: asserted + inferred)",
    "shapes": "the SHACL shapes",
    "reference": "the reference layer: facts from other sources, each naming its source",
    "verification": "the verification layer: what independent sources say of each of the "
    "article's facts",
}


def _regime(name: str) -> URIRef:
    return ENTAILMENT["OWL-RL-RDF" if name == "inferred" else "Simple"]


def _void_counts(void: Graph, node: URIRef, graph: Graph) -> None:
    void.add((node, VOID.triples, Literal(len(graph))))
    void.add((node, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    void.add((node, VOID.properties, Literal(len(set(graph.predicates())))))
    void.add((node, VOID.classes, Literal(len(set(graph.objects(None, RDF.type))))))


def service_description(endpoint: str, graphs: HeldGraphs) -> Graph:
    """The service description of ``endpoint`` with a VoID description of each graph."""
    sd = bind_prefixes(Graph())
    sd.bind("sd", SD)
    sd.bind("formats", FORMATS)
    sd.bind("ent", ENTAILMENT)
    service = URIRef(endpoint)
    sd.add((service, RDF.type, SD.Service))
    sd.add((service, SD.endpoint, service))
    sd.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    sd.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for name in _RESULT_FORMATS:
        sd.add((service, SD.resultFormat, FORMATS[name]))
    dataset = BNode()
    sd.add((service, SD.defaultDataset, dataset))
    sd.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    sd.add((dataset, SD.defaultGraph, default))
    sd.add((default, RDF.type, SD.Graph))
    sd.add((default, DCTERMS.description, Literal(_TITLES["asserted"], lang="en")))
    sd.add((default, SD.entailmentRegime, ENTAILMENT.Simple))
    _void_counts(sd, default, graphs.asserted)  # type: ignore[arg-type]
    root = URIRef(BASE)
    sd.add((root, RDF.type, VOID.Dataset))
    sd.add((root, DCTERMS.title, Literal("Kazakhstan–Kyrgyzstan relations", lang="en")))
    sd.add((root, VOID.sparqlEndpoint, service))
    sd.add((root, VOID.uriSpace, Literal(str(KK))))
    sd.add((root, VOID.vocabulary, URIRef(BASE + "ontology")))
    sd.add((root, VOID.exampleResource, KK.kazakhstan))
    total = sum(len(graphs.by_name(n)) for n in GRAPH_IRIS)
    sd.add((root, VOID.triples, Literal(total)))
    for name, iri in GRAPH_IRIS.items():
        graph_iri = URIRef(iri)
        named = BNode()
        sd.add((dataset, SD.namedGraph, named))
        sd.add((named, RDF.type, SD.NamedGraph))
        sd.add((named, SD.name, graph_iri))
        sd.add((named, SD.entailmentRegime, _regime(name)))
        sd.add((named, SD.graph, graph_iri))
        sd.add((graph_iri, RDF.type, SD.Graph))
        sd.add((graph_iri, RDF.type, VOID.Dataset))
        sd.add((graph_iri, DCTERMS.description, Literal(_TITLES[name], lang="en")))
        sd.add((root, VOID.subset, graph_iri))
        _void_counts(sd, graph_iri, graphs.by_name(name))
    return sd
