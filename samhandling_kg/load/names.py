"""What a load is called and what it reports: temporary graph names, the load report."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone

from samhandling_kg.core import resources
from samhandling_kg.core.errors import EndpointError

LOAD_PREFIX = "urn:samhandling:load:"
#: The whole form of a name :func:`temporary_graph_name` mints. Only a graph whose name has
#: this form is ever dropped by ``load`` or ``load --clean``, whatever a record says.
MINTED = re.compile(r"urn:samhandling:load:[0-9]{8}T[0-9]{6}Z:[0-9a-f]{12}")


def is_minted(name: object) -> bool:
    """Whether ``name`` (a string read back from a store) is a temporary graph name of ours."""
    return isinstance(name, str) and MINTED.fullmatch(name) is not None


def temporary_graph_name() -> str:
    """A recognisable name for a load's temporary graph: prefix, UTC time, random part."""
    return f"{LOAD_PREFIX}{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}:{secrets.token_hex(6)}"


@dataclass(frozen=True)
class LoadReport:
    """What a load put where: the graph, the triples it now holds, the time it took."""

    store: str
    graph: str
    triples: int
    files: tuple[str, ...]
    seconds: float
    #: Things the user should know although the load succeeded (e.g. stale temporary graphs
    #: removed, a swap confirmed only after its answer was lost).
    notes: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        ontology = str(resources.ontology_path())
        data = [f for f in self.files if f != ontology]
        count = f"{len(data)} file{'' if len(data) == 1 else 's'}"
        source = count if len(data) == len(self.files) else "the ontology" + (f" and {count}" if data else "")
        return (f"loaded {self.triples} triples from {source} into graph <{self.graph}> "
                f"at {self.store} in {self.seconds:.2f} s")


class LoadConflict(EndpointError):
    """Another load into the same graph is under way."""
