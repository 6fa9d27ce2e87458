"""Stores that answer queries: local (rdflib, Oxigraph) and SPARQL endpoints."""
