"""SHACL shapes compiled to SPARQL: one query per shape and constraint, answering every focus
node at once — the compiler's public face.

pySHACL evaluates each constraint node by node (and each SHACL-SPARQL constraint once per
focus node, about 90,000 evaluations on 10,000 records). Here each constraint of each shape
becomes one SELECT whose rows are the findings: ``?this`` (focus node), ``?value`` (value
node, when the component reports one) and ``?path`` (when the finding brings its own result
path). The queries are SPARQL 1.1 (the few SHACL-SPARQL constraints that need ``$this``
pre-bound inside a nested group use Oxigraph's ``LATERAL``, and run only locally), so they
run as well in the embedded Oxigraph store as at a SPARQL endpoint.

The compiler (:mod:`.base`) covers SHACL Core and SHACL-SPARQL: every constraint component
has one compile function in the module of its family, selected from one map
(:mod:`.registry`). What it cannot run raises :class:`UnsupportedShape` naming the component
and the shape, before anything runs: never a silent pass. The semantics follow SHACL (W3C
Recommendation, 2017); tests/validation/test_w3c_suite.py holds them to the W3C test suite and
tests/validation/test_engine_parity.py, test_parity_general.py to pySHACL.
"""

from __future__ import annotations

from functools import cache

from samhandling_kg.core.errors import UnsupportedShape
from samhandling_kg.kg.graph import shapes_graph
from samhandling_kg.validation.compiler.base import (
    FOCUS,
    FOCUS_OF,
    CompiledCheck,
    MalformedShape,
    compile_shapes,
)

__all__ = ["FOCUS", "FOCUS_OF", "CompiledCheck", "MalformedShape", "UnsupportedShape",
           "compile_shapes", "compiled_profile"]


@cache
def compiled_profile() -> tuple[CompiledCheck, ...]:
    """The project's profile (shapes/*.ttl), compiled once per process."""
    return compile_shapes(shapes_graph())
