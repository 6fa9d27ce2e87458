"""The local SPARQL endpoint and site server: HTTP front, query worker pool."""
