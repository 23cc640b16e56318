# Types implied by rdfs:subClassOf (RDFS rule rdfs9), on the copy that the integrity constraints
# run on. Not part of the Recommendation's normalization: the constraints match rdf:type literally
# (IC-19: "?v a skos:Concept"), and the graph types its codes with subclasses that the ontology
# declares (kk:flow-trade-turnover a kko:Flow; kko:Flow rdfs:subClassOf skos:Concept). Run with the
# ontology loaded beside the data.
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

INSERT {
    ?x rdf:type ?super .
} WHERE {
    ?x rdf:type ?class .
    ?class rdfs:subClassOf+ ?super .
}
