"""Records of loads under way: one load per graph, a heartbeat, stale loads cleaned."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from samhandling_kg.core.errors import SamhandlingError, printable
from samhandling_kg.load.names import LOAD_PREFIX, LoadConflict, is_minted
from samhandling_kg.sparql.binding import sparql_term

if TYPE_CHECKING:
    from samhandling_kg.stores.endpoint import EndpointStore

RECORDS = "urn:samhandling:loads"
_NS = "urn:samhandling:load#"
_TARGET, _BEAT = f"<{_NS}target>", f"<{_NS}heartbeat>"
#: Seconds between heartbeats of a running load, and without one before a load counts as stopped.
HEARTBEAT = 20.0
LEASE = 300.0
#: How often a load that met another one starting at the same moment tries again.
CLAIM_ATTEMPTS = 3


# --- records: one load per graph, stale loads cleaned ----------------------------------------


def _claim(store: EndpointStore, name: str, graph: str) -> None:
    """Write the load's record, then make sure no other live load names the same graph.

    Only a load that finds itself alone goes on, so two never do. Two that start at the same
    moment both see each other and both step back; each tries again after a random pause, and
    the one that then finds itself alone goes on while the other fails.
    """
    target = sparql_term(URIRef(graph), "graph")
    for attempt in range(CLAIM_ATTEMPTS):
        store.update(f"INSERT {{ GRAPH <{RECORDS}> {{ {_named(name)} {_TARGET} {target} ; {_BEAT} ?now }} }} "
                     "WHERE { BIND(NOW() AS ?now) }")
        try:
            others = [r for r in _records(store).loads if r.target == graph and r.name != name and not r.stale]
        except BaseException:
            _release(store, name)
            raise
        if not others:
            return
        _release(store, name)
        if attempt + 1 < CLAIM_ATTEMPTS:
            time.sleep(random.uniform(0.2, 1.5))
    other = others[0]
    raise LoadConflict(
        f"<{graph}>: another load into this graph is under way ({other.name}, last heard from "
        f"{other.age:.0f} s ago); nothing was changed. Load again when it has finished; if it was "
        f"stopped, its record expires after {LEASE / 60:g} minutes, or remove it now with "
        "'samhandling load --clean --graph-store URL'")


def _named(name: str) -> str:
    """A temporary graph's name written into an update: only one of the form the tool mints
    (checked on the name), and by the one escaping function."""
    if not is_minted(name):
        raise SamhandlingError(f"not a temporary graph of samhandling: {printable(name[:100])!r}")
    return sparql_term(URIRef(name), "temporary graph")


def _forget(name: str) -> str:
    named = _named(name)
    return (f"DELETE {{ GRAPH <{RECORDS}> {{ {named} ?p ?o }} }} "
            f"WHERE {{ GRAPH <{RECORDS}> {{ {named} ?p ?o }} }}")


def _drop_one(name: str) -> str:
    return f"DROP SILENT GRAPH {_named(name)} ;\n{_forget(name)}"


def _release(store: EndpointStore, name: str) -> None:
    try:
        store.update(_forget(name))
    except SamhandlingError:
        pass  # a record left behind expires after LEASE


def _abandon(store: EndpointStore, name: str) -> None:
    """Drop a failed load's temporary graph and record (best effort: they expire anyway)."""
    try:
        store.update(_drop_one(name))
    except SamhandlingError:
        pass


class _Record:
    def __init__(self, name: str, target: str | None, age: float) -> None:
        self.name, self.target, self.age = name, target, age

    @property
    def stale(self) -> bool:
        return self.age > LEASE


class _Records:
    """What the records graph holds: the loads of samhandling's (their names of the minted
    form, IRIs), and every other subject found there (``junk``: shown, never acted on)."""

    def __init__(self, loads: list[_Record], junk: list[str]) -> None:
        self.loads, self.junk = loads, junk


def _records(store: EndpointStore) -> _Records:
    """The load records, with the seconds since each was last heard from (by the store's clock).

    Nothing read back is trusted: the answer is read as plain JSON (a record whose IRI no RDF
    term can hold, as Virtuoso keeps one made by ``IRI()``, does not fail the answer), and a
    record counts only when its subject is an IRI of the form the tool mints; its target only
    when it is an IRI. Everything else is junk, reported by the callers and skipped."""
    variables, bindings = store.select_bindings(
        f"SELECT ?load ?target ?beat (NOW() AS ?now) WHERE {{ GRAPH <{RECORDS}> {{ "
        f"?load ?p ?o OPTIONAL {{ ?load {_TARGET} ?target }} "
        f"OPTIONAL {{ ?load {_BEAT} ?beat }} }} }}")
    if bindings and not {"load", "target", "beat", "now"} <= set(variables):
        raise store.http.error(str(store.endpoint), "did not answer the query for load records")
    found: dict[str, _Record] = {}
    junk: set[str] = set()
    for cells in bindings:
        load = cells.get("load")
        if load is None:
            continue
        if load.get("type") != "uri" or not is_minted(load.get("value")):
            junk.add(_shown(load))
            continue
        name = str(load["value"])
        target = cells.get("target")
        age = _seconds_between(_literal(cells.get("beat")), _literal(cells.get("now")))
        previous = found.get(name)
        if previous is None or age < previous.age:
            found[name] = _Record(name, target["value"] if target and target.get("type") == "uri"
                                  and isinstance(target.get("value"), str) else None, age)
    return _Records(list(found.values()), sorted(junk))


def _shown(term: dict[str, object]) -> str:
    """A term of a store's answer for a message: its kind and value, escaped and shortened."""
    value = printable(str(term.get("value"))[:200])
    return f"<{value}>" if term.get("type") == "uri" else f"{term.get('type')} {value!r}"


def _literal(term: dict[str, object] | None) -> Literal | None:
    if term is None or term.get("type") not in ("literal", "typed-literal"):
        return None
    value = term.get("value")
    return Literal(value) if isinstance(value, str) else None


def junk_note(junk: Sequence[str]) -> str:
    """The line that reports records of ``urn:samhandling:loads`` the tool did not write."""
    return (f"skipped {len(junk)} record{'s' if len(junk) != 1 else ''} in <{RECORDS}> that "
            f"{'are' if len(junk) != 1 else 'is'} not a load of samhandling's (only graphs named "
            f"{LOAD_PREFIX}<time>:<random> are ever dropped): {', '.join(junk[:5])}"
            + (", …" if len(junk) > 5 else ""))


def _seconds_between(beat: object, now: object) -> float:
    """Seconds from ``beat`` to ``now`` (both the store's xsd:dateTime); infinite if unreadable."""
    earlier, later = _instant(beat), _instant(now)
    if earlier is None or later is None:
        return float("inf")
    return (later - earlier).total_seconds()


def _instant(term: object) -> datetime | None:
    if not isinstance(term, Literal):
        return None
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", str(term).strip())
    if not match:
        return None
    moment = datetime.fromisoformat(match.group(1)).replace(
        microsecond=int((match.group(2) or "0")[:6].ljust(6, "0")))
    zone = match.group(3)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.replace(tzinfo=timezone.utc)


def clean_stale(store: EndpointStore) -> tuple[list[str], list[str]]:
    """Drop the temporary graphs and records of loads not heard from for :data:`LEASE`
    seconds; the names dropped, and the junk records skipped."""
    records = _records(store)
    stale = [record.name for record in records.loads if record.stale]
    _drop(store, stale)
    return stale, records.junk


def clean_all(store: EndpointStore) -> list[str]:
    """Drop every load record and every temporary graph (``urn:samhandling:load:…`` of the
    minted form), whether its load looks alive or not: for when the user knows no load is
    running. Records and graphs of any other name are reported (``store.on_warning``) and left."""
    records = _records(store)
    names = {record.name for record in records.loads}
    junk = set(records.junk)
    variables, bindings = store.select_bindings(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{LOAD_PREFIX}")) }}')
    for cells in bindings:
        graph = cells.get("g")
        if graph is None:
            continue
        if graph.get("type") == "uri" and is_minted(graph.get("value")):
            names.add(str(graph["value"]))
        else:
            junk.add(_shown(graph))
    ordered = sorted(names)
    _drop(store, ordered)
    if junk and store.on_warning is not None:
        store.on_warning(junk_note(sorted(junk)))
    return ordered


def _drop(store: EndpointStore, names: Sequence[str]) -> None:
    for name in names:  # one request each: a store may refuse very long updates
        store.update(_drop_one(name))


class _Heartbeat:
    """Refreshes a load's record while it runs, on a connection of its own."""

    def __init__(self, store: EndpointStore, name: str) -> None:
        self._store = store.sibling()
        self._name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="samhandling-load-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop beating; wait for a beat under way, so it does not meet the swap in the store
        (Virtuoso times out a transaction that waits for the record's lock). The swap itself
        runs on the lease."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._store.http.timeout + 1)
        if not self._thread.is_alive():
            self._store.http.close()

    def _run(self) -> None:
        named = _named(self._name)
        record = f"GRAPH <{RECORDS}> {{ {named} {_BEAT} ?beat }}"
        while not self._stop.wait(HEARTBEAT):
            try:  # refreshes an existing record only: a released record stays released
                self._store.update(f"DELETE {{ {record} }} INSERT {{ GRAPH <{RECORDS}> {{ {named} "
                                   f"{_BEAT} ?now }} }} WHERE {{ {record} BIND(NOW() AS ?now) }}")
            except Exception:
                pass
