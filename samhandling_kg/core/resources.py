"""Where the shipped Turtle and query files are.

In a wheel they sit in ``samhandling_kg/_data/``; in a source checkout (editable install or
tests run from the repository) they are the top-level folders the contract names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # samhandling_kg/


@cache
def data_dir(name: str) -> Path:
    """The folder ``ontology``, ``shapes`` or ``queries``."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the installed package has no '{name}' folder; reinstall samhandling-kg")


def ontology_path() -> Path:
    return data_dir("ontology") / "samhandling.ttl"


def shape_paths() -> list[Path]:
    return sorted(data_dir("shapes").glob("*.ttl"))


def query_paths() -> list[Path]:
    return sorted(data_dir("queries").glob("*.rq"))
