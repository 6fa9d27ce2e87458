"""Publishing: the ontology export, SKOS-AP-NO concepts, the DCAT-AP-NO solution catalogue."""
