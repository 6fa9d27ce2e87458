"""samhandling-kg: the knowledge graph of the Norwegian e-health digital interaction forms.

The public API::

    from samhandling_kg import load_knowledge_graph, run_question, list_questions, SAM
    graph = load_knowledge_graph()
    result = run_question("cq03-technical-forms-for-organisational-form",
                          {"form": "sam:ChangeAndShare"})
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for readers and type checkers; at run time they load on first use
    from samhandling_kg.core.errors import EndpointError, InputError, QueryError, SamhandlingError
    from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
    from samhandling_kg.core.version import __version__
    from samhandling_kg.io.rdf import parse_file
    from samhandling_kg.kg.graph import (
        load_knowledge_graph,
        materialise,
        ontology_graph,
        shapes_graph,
    )
    from samhandling_kg.kg.questions import Question, get_question, list_questions
    from samhandling_kg.query.run import run, run_query, run_question
    from samhandling_kg.recommendation.data import decision_data
    from samhandling_kg.recommendation.rule import Recommendation, recommend
    from samhandling_kg.sparql.results import QueryResult
    from samhandling_kg.stores.base import Store
    from samhandling_kg.stores.endpoint import EndpointStore, open_store
    from samhandling_kg.stores.local import OxigraphStore, RdflibStore
    from samhandling_kg.validation.engines import validate
    from samhandling_kg.validation.model import ValidationReport, ValidationResult

#: Each public name and the module that defines it. The package imports nothing until a name
#: is used: importing it (as the ``samhandling`` command does first) changes nothing and costs
#: nothing, so the command handles Ctrl-C from its first instant (``__main__.entry``).
_PUBLIC = {
    "EndpointError": "samhandling_kg.core.errors",
    "InputError": "samhandling_kg.core.errors",
    "QueryError": "samhandling_kg.core.errors",
    "SamhandlingError": "samhandling_kg.core.errors",
    "ONTOLOGY_IRI": "samhandling_kg.core.namespace",
    "SAM": "samhandling_kg.core.namespace",
    "__version__": "samhandling_kg.core.version",
    "parse_file": "samhandling_kg.io.rdf",
    "load_knowledge_graph": "samhandling_kg.kg.graph",
    "materialise": "samhandling_kg.kg.graph",
    "ontology_graph": "samhandling_kg.kg.graph",
    "shapes_graph": "samhandling_kg.kg.graph",
    "Question": "samhandling_kg.kg.questions",
    "get_question": "samhandling_kg.kg.questions",
    "list_questions": "samhandling_kg.kg.questions",
    "run": "samhandling_kg.query.run",
    "run_query": "samhandling_kg.query.run",
    "run_question": "samhandling_kg.query.run",
    "decision_data": "samhandling_kg.recommendation.data",
    "Recommendation": "samhandling_kg.recommendation.rule",
    "recommend": "samhandling_kg.recommendation.rule",
    "QueryResult": "samhandling_kg.sparql.results",
    "Store": "samhandling_kg.stores.base",
    "EndpointStore": "samhandling_kg.stores.endpoint",
    "open_store": "samhandling_kg.stores.endpoint",
    "OxigraphStore": "samhandling_kg.stores.local",
    "RdflibStore": "samhandling_kg.stores.local",
    "validate": "samhandling_kg.validation.engines",
    "ValidationReport": "samhandling_kg.validation.model",
    "ValidationResult": "samhandling_kg.validation.model",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'samhandling_kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


__all__ = [
    "ONTOLOGY_IRI",
    "SAM",
    "EndpointError",
    "EndpointStore",
    "InputError",
    "OxigraphStore",
    "QueryError",
    "QueryResult",
    "Question",
    "RdflibStore",
    "Recommendation",
    "SamhandlingError",
    "Store",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "decision_data",
    "get_question",
    "list_questions",
    "load_knowledge_graph",
    "materialise",
    "ontology_graph",
    "open_store",
    "parse_file",
    "recommend",
    "run",
    "run_query",
    "run_question",
    "shapes_graph",
    "validate",
]
