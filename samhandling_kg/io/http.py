"""HTTP to triple stores: one client (httpx), one error mapping, credentials only where asked.

Every request the package makes to a SPARQL endpoint or graph store goes through
:class:`HttpClient`:

* TLS certificates are verified (the system trust store, or ``SSL_CERT_FILE``);
* a store may stay silent at most ``timeout`` seconds per connect, read or write;
* credentials are sent only after the store asks (a ``401`` with a ``Basic`` or ``Digest``
  challenge; Digest is httpx's maintained implementation: MD5, SHA, SHA-256, SHA-512 and
  their ``-sess`` forms), never to any other URL: **redirects are not followed** — a ``3xx``
  is reported with its target, so a store cannot send the password on to another origin;
* credentials over plain ``http://`` to a host that is not this machine are sent, but with a
  warning (``on_warning``) — the password, or a hash of it, can be read on the way;
* every message is one line naming the URL (without user information) and passes through
  :meth:`HttpClient.redact`, which removes the password and its Basic encoding.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import ssl
import urllib.parse
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path

import httpx

from samhandling_kg.core import limits
from samhandling_kg.core.errors import EndpointError, SamhandlingError, fill, localised

#: Seconds a remote store may stay silent before the request fails (SAMHANDLING_TIMEOUT).
DEFAULT_TIMEOUT = 60.0
USER_ENV, PASSWORD_ENV, TIMEOUT_ENV = "SAMHANDLING_USER", "SAMHANDLING_PASSWORD", "SAMHANDLING_TIMEOUT"
_CHUNK = 1 << 16


class InsecureCredentialsWarning(UserWarning):
    """Credentials were sent over plain http:// to a host that is not this machine."""


def credentials_from_env(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    env = os.environ if env is None else env
    user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
    if user is None and password is None:
        return None
    if not user or password is None:
        raise localised(SamhandlingError, {"nb": "sett både {user} og {password}, eller ingen av dem",
                                           "nn": "set både {user} og {password}, eller ingen av dei",
                                           "en": "set both {user} and {password}, or neither"},
                        user=USER_ENV, password=PASSWORD_ENV)
    return user, password


def timeout_from_env(env: Mapping[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    value = env.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e6:
        raise localised(SamhandlingError, {"nb": "{env} må være et antall sekunder, ikke «{value}»",
                                           "nn": "{env} må vere eit tal sekund, ikkje «{value}»",
                                           "en": "{env} must be a number of seconds, not {value_repr}"},
                        env=TIMEOUT_ENV, value=value, value_repr=repr(value))
    return seconds


def display_url(url: str) -> str:
    """The URL without user information, query or fragment (never show a password, even a
    misplaced one). A URL too broken to take apart is shown as a quoted string."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return repr(url.split("@")[-1][:200])
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


_BAD_PORT = {"nb": "{url}: ikke en gyldig URL: porten er utenfor området (1-65535)",
             "nn": "{url}: ikkje ein gyldig URL: porten er utanfor området (1-65535)",
             "en": "{url}: not a valid URL: port out of range (1-65535)"}


def check_url(url: str) -> str:
    """``url`` if it is a usable http(s) URL; otherwise one clear :class:`SamhandlingError`."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when out of range or not a number
    except ValueError as exc:
        if "port" in str(exc).lower():
            raise localised(SamhandlingError, _BAD_PORT, url=display_url(url)) from None
        raise localised(SamhandlingError, {
            "nb": "{url}: ikke en gyldig URL: «{reason}»", "nn": "{url}: ikkje ein gyldig URL: «{reason}»",
            "en": "{url}: not a valid URL: {reason}"}, url=display_url(url), reason=exc) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise localised(SamhandlingError, {
            "nb": "{url}: ikke en http(s)-URL", "nn": "{url}: ikkje ein http(s)-URL",
            "en": "{url}: not an http(s) URL"}, url=display_url(url) if parts.hostname else repr(url))
    if port == 0:
        raise localised(SamhandlingError, _BAD_PORT, url=display_url(url))
    if parts.username or parts.password:
        raise localised(SamhandlingError, {"nb": "{url}: legg påloggingen i {user} og {password}, ikke i URL-en",
                                           "nn": "{url}: legg pålogginga i {user} og {password}, ikkje i URL-en",
                                           "en": "{url}: put credentials in {user} and {password}, not in the URL"},
                        url=display_url(url), user=USER_ENV, password=PASSWORD_ENV)
    return url


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.localdomain", "ip6-localhost") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class _ChallengeAuth(httpx.Auth):
    """Answer a store's 401 challenge with Basic or Digest (httpx's), and remember the scheme
    so later requests — a big upload above all — go out once, already authenticated."""

    def __init__(self, user: str, password: str, on_send: Callable[[httpx.Request, str], None]) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = None
        self._on_send = on_send

    @property
    def scheme(self) -> str | None:
        return self._scheme

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme == "basic":
            yield from self._send_basic(request)
            return
        if self._scheme == "digest":
            self._on_send(request, "Digest")
            yield from self._digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        schemes = [h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")]
        if "digest" in schemes:
            self._scheme = "digest"
            flow = self._digest.auth_flow(request)
            next(flow)  # the unauthenticated request, already answered with the challenge
            try:
                retry = flow.send(response)
            except KeyError as exc:  # an algorithm httpx does not implement
                raise localised(EndpointError, {
                    "nb": "{url}: lageret ber om Digest-algoritmen {algorithm}, som ikke støttes",
                    "nn": "{url}: lageret ber om Digest-algoritmen {algorithm}, som ikkje er støtta",
                    "en": "{url}: the store asks for Digest algorithm {algorithm}, which is not "
                          "supported"},
                    url=display_url(str(request.url)), algorithm=repr(exc.args[0])) from None
            except httpx.ProtocolError:
                raise localised(EndpointError, {
                    "nb": "{url}: lageret sendte en ugyldig Digest-utfordring",
                    "nn": "{url}: lageret sende ei ugyldig Digest-utfordring",
                    "en": "{url}: the store sent a malformed Digest challenge"},
                    url=display_url(str(request.url))) from None
            self._on_send(retry, "Digest")
            answer = yield retry
            try:
                flow.send(answer)
            except StopIteration:
                pass
        elif "basic" in schemes:
            self._scheme = "basic"
            yield from self._send_basic(request)

    def _send_basic(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._on_send(request, "Basic")
        yield from self._basic.auth_flow(request)


class HttpClient:
    """Requests to one store: TLS verified, a timeout, credentials only after a challenge and
    only to the URLs asked for (no redirects followed)."""

    def __init__(self, credentials: tuple[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT,
                 *, tls_context: ssl.SSLContext | None = None,
                 on_warning: Callable[[str], None] | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()
        self.on_warning = on_warning
        self._warned: set[str] = set()
        self._auth = _ChallengeAuth(*credentials, self._before_sending) if credentials else None
        self._client = httpx.Client(
            verify=self.tls_context, timeout=httpx.Timeout(timeout), follow_redirects=False,
            # One connection per request, as a store's proxy or load balancer expects of uploads;
            # the few requests of a command do not need keep-alive.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": "samhandling-kg"}, transport=transport, trust_env=False)

    # -- secrets

    def redact(self, text: str) -> str:
        """``text`` without the password, in plain or in the Basic encoding of the credentials."""
        if not self.credentials or not self.credentials[1]:
            return text
        user, password = self.credentials
        basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        for secret in (basic, basic.rstrip("="), password,
                       base64.b64encode(password.encode()).decode("ascii").rstrip("=")):
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _before_sending(self, request: httpx.Request, scheme: str) -> None:
        host = request.url.host
        if request.url.scheme == "http" and not is_loopback(host) and host not in self._warned:
            self._warned.add(host)
            message = (f"sending the credentials from {USER_ENV}/{PASSWORD_ENV} ({scheme}) over "
                       f"plain http:// to {host}: anyone on the way can read them; use https://")
            if self.on_warning is not None:
                self.on_warning(message)
            else:
                warnings.warn(message, InsecureCredentialsWarning, stacklevel=2)

    # -- requests

    @property
    def authenticated(self) -> bool:
        """Whether the store's authentication scheme is known (later requests go out signed)."""
        return self._auth is not None and self._auth.scheme is not None

    def error(self, url: str, what: str | dict[str, str], *, uncertain: bool = False) -> EndpointError:
        """An :class:`EndpointError` naming the URL, ``what`` in English or in nb, nn and en.
        ``uncertain``: the request was sent whole and its answer lost, so the store may have
        done what it asked."""
        texts = what if isinstance(what, dict) else {"en": what}
        error = EndpointError(self.redact(f"{display_url(url)}: {texts['en']}"), uncertain=uncertain)
        if isinstance(what, dict):
            error.texts = {lang: self.redact(f"{display_url(url)}: {text}") for lang, text in texts.items()}
        return error

    def request(self, method: str, url: str, *, body: bytes | Path | None = None,
                params: Iterable[tuple[str, str]] = (),
                headers: Mapping[str, str] | None = None,
                ok: Iterable[int] = (200, 201, 204), into: Path | None = None) -> httpx.Response:
        """Send; answer a 401 challenge once; raise :class:`EndpointError` unless the status is
        in ``ok``. A :class:`~pathlib.Path` body is streamed from the file; with ``into`` the
        answer is streamed into that file instead of memory."""
        check_url(url)
        sending = dict(headers or {})
        content: bytes | Iterable[bytes] | None
        upload: _Upload | None = None
        if isinstance(body, Path):
            sending["Content-Length"] = str(body.stat().st_size)
            content = upload = _Upload(body)
        else:
            content = body
        try:
            request = self._client.build_request(method, url, params=list(params) or None,
                                                 headers=sending, content=content)
            response = self._client.send(request, auth=self._auth or httpx.USE_CLIENT_DEFAULT,
                                         stream=True)
            if into is None:
                self._read_bounded(url, response)
            else:
                try:
                    if response.status_code in set(ok):
                        with into.open("wb") as handle:
                            for chunk in response.iter_bytes(_CHUNK):
                                handle.write(chunk)
                    else:
                        response.read()
                finally:
                    response.close()
        except httpx.ReadTimeout:
            # The request went out whole; the store may have acted on it.
            raise self.error(url, fill(_TIMED_OUT, s=f"{self.timeout:g}"), uncertain=True) from None
        except httpx.TimeoutException:
            raise self.error(url, fill(_TIMED_OUT, s=f"{self.timeout:g}")) from None
        except httpx.ConnectError as exc:
            raise self.error(url, _connect_failure(exc)) from None
        except httpx.WriteError as exc:
            raise self.error(url, fill(_LOST["upload" if body is not None else "send"], kind=type(exc).__name__)) from None
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            if upload is not None:  # uncertain only if the whole file went out
                raise self.error(url, fill(_LOST["upload"], kind=type(exc).__name__),
                                 uncertain=upload.done) from None
            raise self.error(url, fill(_LOST["answer"], kind=type(exc).__name__), uncertain=True) from None
        except httpx.StreamError:
            raise self.error(url, {
                "nb": "lageret ba om påloggingen på nytt midt i en opplasting; prøv igjen",
                "nn": "lageret bad om pålogginga på nytt midt i ei opplasting; prøv igjen",
                "en": "the store asked for the credentials again in the middle of an upload; try again"}) from None
        except httpx.HTTPError as exc:
            raise self.error(url, fill({"nb": "forespørselen feilet («{kind}: {exc}»)",
                                        "nn": "førespurnaden feila («{kind}: {exc}»)",
                                        "en": "request failed ({kind}: {exc})"},
                                       kind=type(exc).__name__, exc=exc)) from None
        if response.status_code not in set(ok):
            raise self.error(url, self.described(response))
        return response

    def _read_bounded(self, url: str, response: httpx.Response) -> None:
        """Read the answer into memory, counting its bytes after decoding (a gzip or brotli
        bomb is stopped as it expands, not after) up to :data:`limits.ANSWER`."""
        most = limits.ANSWER.value()
        parts: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes(_CHUNK):
                size += len(chunk)
                if size > most:
                    raise self.error(url, fill({"nb": "svaret er større enn {limit}",
                                                "nn": "svaret er større enn {limit}",
                                                "en": "the answer is larger than {limit}"},
                                               limit=limits.ANSWER.described(most)))
                parts.append(chunk)
        finally:
            response.close()
        response._content = b"".join(parts)  # what response.read() would have set

    def describe(self, response: httpx.Response) -> str:
        return self.described(response)["en"]

    def described(self, response: httpx.Response) -> dict[str, str]:
        """What a refusing answer means, in nb, nn and en (the store's own words quoted)."""
        status = f"{response.status_code} {response.reason_phrase}".strip()
        if response.status_code == 401:
            if self.credentials:
                return fill({"nb": "{status}: lageret avviste påloggingen fra {env}",
                             "nn": "{status}: lageret avviste påloggina frå {env}",
                             "en": "{status}: the store refused the credentials from {env}"},
                            status=status, env=f"{USER_ENV}/{PASSWORD_ENV}")
            return fill({"nb": "{status}: lageret krever pålogging; sett {user} og {password}",
                         "nn": "{status}: lageret krev pålogging; set {user} og {password}",
                         "en": "{status}: the store wants credentials; set {user} and {password}"},
                        status=status, user=USER_ENV, password=PASSWORD_ENV)
        if response.status_code == 403:
            return fill({"nb": "{status}: ingen tilgang med denne påloggingen",
                         "nn": "{status}: inga tilgang med denne pålogginga",
                         "en": "{status}: access forbidden for these credentials"}, status=status)
        if response.status_code == 404:
            return fill({"nb": "{status}: ingenting på denne adressen (sjekk URL-en)",
                         "nn": "{status}: ingenting på denne adressa (sjekk URL-en)",
                         "en": "{status}: nothing at this address (check the URL)"}, status=status)
        if 300 <= response.status_code < 400:
            return fill({"nb": "{status}: videresendt til {target}; videresendinger følges ikke (påloggingen "
                               "går bare til URL-en du gir): bruk den URL-en",
                         "nn": "{status}: vidaresend til {target}; vidaresendingar vert ikkje følgde "
                               "(pålogginga går berre til URL-en du gjev): bruk den URL-en",
                         "en": "{status}: redirected to {target}; redirects are not followed (credentials "
                               "go only to the URL you give): use that URL"},
                        status=status, target=display_url(response.headers.get("Location", "?")))
        detail = " ".join(response.content[:300].decode("utf-8", "replace").split())[:200]
        texts = ({"nb": "serverfeil {status}", "nn": "serverfeil {status}", "en": "server error {status}"}
                 if response.status_code >= 500 else
                 {"nb": "forespørselen ble avvist: {status}", "nn": "førespurnaden vart avvist: {status}",
                  "en": "request refused {status}"})
        if detail:
            texts = {lang: text + (": {detail}" if lang == "en" else ": «{detail}»") for lang, text in texts.items()}
        return fill(texts, status=status, detail=detail)

    def close(self) -> None:
        self._client.close()


class _Upload:
    """A file sent in chunks; ``done`` once the last byte went out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done = False

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
        self.done = True


#: A connection lost while uploading, sending the request or waiting for the answer.
_LOST = {
    "upload": {"nb": "forbindelsen ble brutt under opplastingen ({kind})",
               "nn": "sambandet vart brote under opplastinga ({kind})",
               "en": "connection lost while uploading ({kind})"},
    "send": {"nb": "forbindelsen ble brutt mens forespørselen ble sendt ({kind})",
             "nn": "sambandet vart brote medan førespurnaden vart send ({kind})",
             "en": "connection lost while sending the request ({kind})"},
    "answer": {"nb": "forbindelsen ble brutt før svaret kom ({kind})",
               "nn": "sambandet vart brote før svaret kom ({kind})",
               "en": "connection lost while waiting for the answer ({kind})"}}
#: A request that got no answer in time.
_TIMED_OUT = {"nb": "fikk ikke svar på {s} s", "nn": "fekk ikkje svar på {s} s", "en": "timed out after {s} s"}
_REFUSED = {"nb": "tilkoblingen ble avvist (kjører lageret?)", "nn": "tilkoplinga vart avvist (køyrer lageret?)",
            "en": "connection refused (is the store running?)"}


def _connect_failure(exc: httpx.ConnectError) -> dict[str, str]:
    """Why a connection failed, in nb, nn and en (the system's own words quoted)."""
    english = _connect_failure_en(exc)
    if english == _REFUSED["en"]:
        return dict(_REFUSED)
    detail = english.partition("(")[2].removesuffix(")")
    for start, nb, nn in (("TLS certificate not trusted", "TLS-sertifikatet er ikke til å stole på",
                           "TLS-sertifikatet er ikkje til å stole på"),
                          ("TLS failed", "TLS feilet", "TLS feila"),
                          ("cannot resolve the host name", "finner ikke vertsnavnet", "finn ikkje vertsnamnet"),
                          ("cannot connect", "får ikke koblet til", "får ikkje kopla til")):
        if english.startswith(start):
            return {"nb": f"{nb} («{detail}»)", "nn": f"{nn} («{detail}»)", "en": english}
    return dict.fromkeys(("nb", "nn", "en"), english)


def _connect_failure_en(exc: httpx.ConnectError) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed ({cause.reason or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused (is the store running?)"
        if isinstance(cause, OSError) and "name or service" in str(cause).lower():
            return f"cannot resolve the host name ({cause.strerror or cause})"
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused (is the store running?)"
    if ("name" in text.lower() and "resol" in text.lower()) or "Name or service" in text:
        return f"cannot resolve the host name ({text})"
    return f"cannot connect ({text or type(exc).__name__})"
