"""samhandling-kg: the knowledge graph of the Norwegian e-health digital interaction forms.

The public API::

    from samhandling_kg import load_knowledge_graph, run_question, list_questions, SAM
    graph = load_knowledge_graph()
    result = run_question("cq03-technical-forms-for-organisational-form",
                          {"form": "sam:ChangeAndShare"})
"""

from __future__ import annotations

from .api import run, run_query, run_question
from .errors import EndpointError, InputError, QueryError, SamhandlingError
from .graph import load_knowledge_graph, materialise, ontology_graph, shapes_graph
from .namespace import ONTOLOGY_IRI, SAM
from .questions import Question, get_question, list_questions
from .rdfio import parse_file
from .recommend import Recommendation, decision_data, recommend
from .sparql import QueryResult
from .stores import EndpointStore, OxigraphStore, RdflibStore, Store, open_store
from .validation import ValidationReport, ValidationResult, validate
from .version import __version__

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
