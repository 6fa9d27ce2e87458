"""Errors the command line turns into one line on stderr and exit status 2.

Every error a user can cause is a :class:`SamhandlingError`; anything else escaping is a bug.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from samhandling_kg.core.text import printable


class SamhandlingError(Exception):
    """Base of every error caused by input, usage or an outside system.

    An error raised with :func:`localised` carries its message in nb, nn and en; ``str()`` is
    the English one (what the API and logs see), and the command line prints the one of its
    ``--lang`` (:meth:`in_language`)."""

    #: The message in each language, when the raiser gave them.
    texts: dict[str, str] | None = None

    def in_language(self, lang: str | None) -> str:
        """The message in ``lang`` when the error has one, else ``str()``."""
        return (self.texts or {}).get(lang or "") or str(self)


def fill(texts: dict[str, str], **values: object) -> dict[str, str]:
    """``texts`` (one per language) each filled from ``values``; a value that is itself an
    error (or a dict of texts) gives its own text in that language."""
    def value(item: object, lang: str) -> object:
        if isinstance(item, SamhandlingError):
            return item.in_language(lang)
        if isinstance(item, dict):
            return item.get(lang, item.get("en", ""))
        return item

    return {lang: text.format(**{k: value(v, lang) for k, v in values.items()})
            for lang, text in texts.items()}


_Error = TypeVar("_Error", bound="SamhandlingError")


def localised(error: type[_Error], texts: dict[str, str], **values: object) -> _Error:
    """``error`` with its message in nb, nn and en (``texts``, each filled from ``values``,
    see :func:`fill`); ``str()`` is the English one."""
    filled = fill(texts, **values)
    instance = error(filled["en"])
    instance.texts = filled
    return instance


def input_error(source: str | Path, texts: dict[str, str], line: int | None = None,
                **values: object) -> InputError:
    """An :class:`InputError` whose reason is given in nb, nn and en (``texts`` filled as by
    :func:`fill`); ``str()`` is ``FILE:LINE: reason`` in English, each language's text puts
    the same place before its own reason."""
    reasons = fill(texts, **values)
    error = InputError(source, reasons["en"], line)
    error.reasons = reasons
    where = f"{error.source}:{line}" if line is not None else error.source
    error.texts = {lang: f"{where}: {reason}" for lang, reason in reasons.items()}
    return error


class InputError(SamhandlingError):
    """A file that cannot be read or parsed. ``str()`` is ``FILE:LINE: what``."""

    def __init__(self, source: str | Path, message: str, line: int | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.reason = message
        #: The reason in each language, when the raiser gave them (:func:`input_error`).
        self.reasons: dict[str, str] | None = None
        where = f"{self.source}:{line}" if line is not None else self.source
        super().__init__(f"{where}: {message}")


class QueryError(SamhandlingError):
    """A query that is unknown, malformed, an update, or given wrong parameters."""


class UpdateRefused(QueryError):
    """A SPARQL update where only read queries run (``serve`` answers it 403, not 400)."""


class EndpointError(SamhandlingError):
    """A SPARQL endpoint or graph store that failed or could not be reached.

    ``uncertain``: the request went out whole and its answer was lost, so the store may have
    done what it asked. ``keeps_claim``: a load ended this way leaves its record in the store
    on purpose (the store may yet apply its swap), so it must not be abandoned."""

    def __init__(self, message: str, *, uncertain: bool = False, keeps_claim: bool = False) -> None:
        super().__init__(message)
        self.uncertain = uncertain
        self.keeps_claim = keeps_claim


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what is true afterwards (e.g. a load whose swap the store had already done).
    ``str()`` is the line to show; the command exits 130. ``keeps_claim`` as for
    :class:`EndpointError`."""

    def __init__(self, message: str, *, keeps_claim: bool = False) -> None:
        super().__init__(message)
        self.keeps_claim = keeps_claim


def keeps_claim(exc: BaseException) -> bool:
    """Whether a load that ended with ``exc`` left its record in the store on purpose."""
    return isinstance(exc, (EndpointError, Interrupted)) and exc.keeps_claim


def uncertain(exc: BaseException) -> bool:
    """Whether the request that ended with ``exc`` may have been carried out (answer lost)."""
    return isinstance(exc, EndpointError) and exc.uncertain


class UnsupportedShape(SamhandlingError):
    """A shape uses a SHACL feature the compiler does not translate."""


#: (``printable`` is re-exported: the one escaping function lives in core/text.py.)
__all__ = ["EndpointError", "InputError", "Interrupted", "QueryError", "SamhandlingError",
           "UnsupportedShape", "UpdateRefused", "fill", "input_error", "localised", "printable"]
