"""Which requests ``serve`` answers at all, from their head alone: the request target, the
Host header, and where a browser says the request comes from."""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from email.message import Message

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
#: A Host header (or the authority of an absolute-form target): a name or an IPv4 address,
#: or an IPv6 address in brackets, and an optional numeric port; no user, no path.
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?")


def _host_name(host: str) -> str:
    return host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]


def is_local(name: str) -> bool:
    """Whether a host name or address names this machine (a loopback address, localhost)."""
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name.lower() in _LOCAL_HOSTS


def request_path(target: str, method: str) -> str | None:
    """The path of a request target: a path as it is, an absolute-form target
    (``http://127.0.0.1:7879/sparql?…``) only when it names this machine; else None (400)."""
    if target.startswith("/") or (target == "*" and method == "OPTIONS"):
        return target
    parts = urllib.parse.urlsplit(target)
    if parts.scheme.lower() in ("http", "https") and _HOST.fullmatch(parts.netloc) \
            and is_local(_host_name(parts.netloc)):
        return urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return None


def host_refusal(hosts: list[str], version: str, *, local_only: bool) -> tuple[int, str] | None:
    """None when the Host headers are fine; else the status and line to answer. Exactly one
    Host header (HTTP/1.1 requires it), a host name or address and a numeric port, nothing
    else (RFC 9112 section 3.2); on a loopback address only names of this machine (against
    DNS rebinding)."""
    if len(hosts) > 1 or (not hosts and version != "HTTP/1.0") or (hosts and not _HOST.fullmatch(hosts[0])):
        return 400, "give exactly one Host header: a host name or address and a port"
    if local_only and hosts and not is_local(_host_name(hosts[0])):
        return 403, "this endpoint only answers requests addressed to this machine"
    return None


def is_cross_site(headers: Message, method: str, path: str) -> bool:
    """Whether another web site made a browser send this request (a form POST or an image
    pointing at /sparql runs a query and times it, whatever CORS says about reading the
    answer): ``Sec-Fetch-Site`` other than same-origin or none, or an ``Origin`` other than
    this server's. A link followed to a page (a navigation) is not, except to /sparql."""
    site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
    origin = (headers.get("Origin") or "").strip()
    navigation = (method in ("GET", "HEAD") and path != "/sparql"
                  and (headers.get("Sec-Fetch-Mode") or "").lower() == "navigate")
    if navigation:
        return False
    if site not in ("", "same-origin", "none"):
        return True
    host = (headers.get("Host") or "").strip().lower()
    return bool(origin) and origin.lower() not in (f"http://{host}", f"https://{host}")
