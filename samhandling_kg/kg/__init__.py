"""The knowledge graph: the ontology and shapes, OWL 2 RL rules, competency questions."""
