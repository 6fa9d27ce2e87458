"""Validating solution descriptions with SHACL: input, engines, report."""
