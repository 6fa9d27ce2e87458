"""The installed version, written once in pyproject.toml; a module of its own so that writing a
report or printing ``--version`` does not import the stores."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samhandling-kg")
except PackageNotFoundError:  # pragma: no cover - running from a checkout that is not installed
    __version__ = "0+unknown"
