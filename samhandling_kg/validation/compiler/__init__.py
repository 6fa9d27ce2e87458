"""The SHACL shapes compiled to SPARQL queries."""
