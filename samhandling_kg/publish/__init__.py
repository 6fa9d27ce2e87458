"""Publishing: the ontology export, SKOS-AP-NO concepts."""
