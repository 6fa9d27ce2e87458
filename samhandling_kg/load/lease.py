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

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.sparql.binding import sparql_term

if TYPE_CHECKING:
    from samhandling_kg.stores.endpoint import EndpointStore
from samhandling_kg.load.names import LoadConflict

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
        store.update(f"INSERT {{ GRAPH <{RECORDS}> {{ <{name}> {_TARGET} {target} ; {_BEAT} ?now }} }} "
                     "WHERE { BIND(NOW() AS ?now) }")
        try:
            others = [r for r in _records(store) if r.target == graph and r.name != name and not r.stale]
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


def _forget(name: str) -> str:
    return (f"DELETE {{ GRAPH <{RECORDS}> {{ <{name}> ?p ?o }} }} "
            f"WHERE {{ GRAPH <{RECORDS}> {{ <{name}> ?p ?o }} }}")


def _release(store: EndpointStore, name: str) -> None:
    try:
        store.update(_forget(name))
    except SamhandlingError:
        pass  # a record left behind expires after LEASE


def _abandon(store: EndpointStore, name: str) -> None:
    """Drop a failed load's temporary graph and record (best effort: they expire anyway)."""
    try:
        store.update(f"DROP SILENT GRAPH <{name}> ;\n{_forget(name)}")
    except SamhandlingError:
        pass


class _Record:
    def __init__(self, name: str, target: str | None, age: float) -> None:
        self.name, self.target, self.age = name, target, age

    @property
    def stale(self) -> bool:
        return self.age > LEASE


def _records(store: EndpointStore) -> list[_Record]:
    """The load records, with the seconds since each was last heard from (by the store's clock)."""
    result = store.select(f"SELECT ?load ?target ?beat (NOW() AS ?now) WHERE {{ GRAPH <{RECORDS}> {{ "
                          f"?load ?p ?o OPTIONAL {{ ?load {_TARGET} ?target }} "
                          f"OPTIONAL {{ ?load {_BEAT} ?beat }} }} }}")
    if result.rows and not {"load", "target", "beat", "now"} <= set(result.variables):
        raise store.http.error(str(store.endpoint), "did not answer the query for load records")
    found: dict[str, _Record] = {}
    for row in result.rows:
        cells = dict(zip(result.variables, row))
        load, target, beat, now = cells["load"], cells["target"], cells["beat"], cells["now"]
        if load is None:
            continue
        age = _seconds_between(beat, now)
        name = str(load)
        previous = found.get(name)
        if previous is None or age < previous.age:
            found[name] = _Record(name, str(target) if target is not None else None, age)
    return list(found.values())


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


def clean_stale(store: EndpointStore) -> list[str]:
    """Drop the temporary graphs and records of loads not heard from for :data:`LEASE` seconds."""
    stale = [record.name for record in _records(store) if record.stale]
    _drop(store, stale)
    return stale


def clean_all(store: EndpointStore) -> list[str]:
    """Drop every load record and every temporary graph (``urn:samhandling:load:…``), whether
    its load looks alive or not: for when the user knows no load is running."""
    from samhandling_kg.load.names import LOAD_PREFIX

    names = {record.name for record in _records(store)}
    graphs = store.select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                          f'FILTER(STRSTARTS(STR(?g), "{LOAD_PREFIX}")) }}')
    names |= {str(row[0]) for row in graphs.rows if row and row[0] is not None}
    ordered = sorted(names)
    _drop(store, ordered)
    return ordered


def _drop(store: EndpointStore, names: Sequence[str]) -> None:
    for name in names:  # one request each: a store may refuse very long updates
        store.update(f"DROP SILENT GRAPH <{name}> ;\n{_forget(name)}")


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
        record = f"GRAPH <{RECORDS}> {{ <{self._name}> {_BEAT} ?beat }}"
        while not self._stop.wait(HEARTBEAT):
            try:  # refreshes an existing record only: a released record stays released
                self._store.update(f"DELETE {{ {record} }} INSERT {{ GRAPH <{RECORDS}> {{ <{self._name}> "
                                   f"{_BEAT} ?now }} }} WHERE {{ {record} BIND(NOW() AS ?now) }}")
            except Exception:
                pass
