"""Asking the graph: a competency question or any read query, on a local store or an endpoint."""
