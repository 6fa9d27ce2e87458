"""SPARQL text and answers: the read-only guard, parameter binding, results and their formats."""
