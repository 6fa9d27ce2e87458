"""samhandling-kg: the knowledge graph of the Norwegian e-health digital interaction forms.

The public API::

    from samhandling_kg import load_knowledge_graph, run_question, list_questions, SAM
    graph = load_knowledge_graph()
    result = run_question("cq03-technical-forms-for-organisational-form",
                          {"form": "sam:ChangeAndShare"})
"""

from __future__ import annotations

from samhandling_kg.core.errors import EndpointError, InputError, QueryError, SamhandlingError
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
from samhandling_kg.core.version import __version__
from samhandling_kg.io.rdf import parse_file
from samhandling_kg.kg.graph import load_knowledge_graph, materialise, ontology_graph, shapes_graph
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
