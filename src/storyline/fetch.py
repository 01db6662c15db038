"""The HTTP fetcher of live sources: timeouts, retries, conditional GET, robots.txt, per-host limits, and the
SSRF guard.

Every request has one deadline covering connect, TLS, headers and body; bodies are decompressed as they
arrive, never beyond ``max_response_bytes``; every address connected to is vetted first (and pinned, so a DNS
answer changing after the check cannot slip through), including IPv6 forms that embed an IPv4 address.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from storyline.ingest.inputs import decode
from storyline.model import SkipReason
from storyline.settings import Settings

MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay is honoured up to this many seconds
ROBOTS_TTL = 24 * 3600.0  # robots.txt is fetched again after this many seconds
ROBOTS_RETRY = 600.0  # ... or this many, when it was unreachable
_REDIRECTS = (301, 302, 303, 307, 308)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TOTAL_TIMEOUT_FACTOR = 4  # a whole response must arrive within this many fetch_timeouts


class FetchError(Exception):
    """A URL could not be fetched. ``permanent`` errors are not tried again at the next poll."""

    def __init__(
        self,
        message: str,
        reason: SkipReason = SkipReason.FETCH_FAILED,
        *,
        permanent: bool = False,
        retry_after: float = 0.0,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after  # seconds the server asked us to wait (429, 503)


@dataclass(frozen=True)
class Fetched:
    """A response: 200 with its body, or 304 (not modified) with none."""

    url: str  # after redirects
    status: int
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    def text(self) -> str:
        """The body decoded: the charset the server named, else UTF-8 or the detected charset."""
        charset = _charset(self.content_type)
        if charset:
            try:
                return self.content.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return decode(self.content)


# -- SSRF guard -----------------------------------------------------------------------------------


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: the last 32 bits are an IPv4 address
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # IPv4-translated (SIIT): the last 32 bits too
_NOT_PUBLIC_V6 = tuple(
    ipaddress.ip_network(n)
    for n in (
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "fec0::/10",  # site-local (deprecated, still routed inside some networks)
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "::/96",  # IPv4-compatible (deprecated) and the unspecified/loopback addresses
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
    )
)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: mapped, compatible, NAT64, 6to4 or Teredo (client)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _TRANSLATED or int(ip) >> 32 == 0:  # 64:ff9b::a.b.c.d, ::ffff:0:a.b.c.d, ::a.b.c.d
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """Whether an IP address is a public, routable unicast address (not private, loopback, link-local...).

    An IPv6 address that embeds an IPv4 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) is public
    only when that IPv4 address is; site-local, unique-local and local-use NAT64 addresses never are.
    """
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _NOT_PUBLIC_V6):
            return False
        inner = embedded_ipv4(ip)
        if inner is not None:
            return inner.is_global and not inner.is_multicast and not inner.is_reserved
        if ip.is_site_local:
            return False
    return ip.is_global and not ip.is_multicast


def vet_address(host: str, port: int, allow_private: bool) -> str:
    """Resolve ``host`` and return an address to connect to; refuse hosts with any non-public address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    if not allow_private:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise FetchError(
                f"{host} resolves to a private, loopback or link-local address ({refused[0]}); "
                "refused (allow it with --allow-private or the allow_private setting)",
                SkipReason.DISALLOWED,
                permanent=True,
            )
    return addresses[0]


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to the address it vetted, so a DNS answer changing after the check cannot slip through."""

    def __init__(self, inner: httpcore.NetworkBackend, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = vet_address(host, port, self._allow_private)
        timeout = _remaining(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise FetchError("unix sockets are not fetched", SkipReason.DISALLOWED, permanent=True)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# -- one deadline for a whole request ---------------------------------------------------------------

_request = threading.local()  # .deadline: the monotonic time by which the current thread's request must end


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the current request's deadline; raise ``error`` when none is left.

    Every socket operation of a request (connect, TLS, writing, reading headers and body) goes through
    here, so a server trickling bytes, one a second, cannot hold a request past its deadline.
    """
    deadline = getattr(_request, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the whole request did not finish in time")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write is bounded by the deadline of the request using it."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _decoded(raw: Iterator[bytes], encoding: str, limit: int) -> bytes:
    """The body, decompressed as it streams in and cut as soon as it passes ``limit`` bytes decoded.

    httpx decodes a whole received chunk at once (a 64 KiB gzip bomb chunk becomes ~64 MiB before any
    check); here no decompression step may produce more than what is left of the limit.
    """
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
        raise FetchError(f"content encoding {encoding!r} is not supported", permanent=True)
    chunks: list[bytes] = []
    size = 0

    def keep(data: bytes) -> None:
        nonlocal size
        size += len(data)
        if size > limit:
            raise FetchError(_too_large(size, limit), SkipReason.TOO_LARGE, permanent=True)
        chunks.append(data)

    if not codings:
        for chunk in raw:
            keep(chunk)
        return b"".join(chunks)
    wbits = zlib.MAX_WBITS | 32 if codings[0] != "deflate" else zlib.MAX_WBITS  # gzip or zlib header
    inflater = zlib.decompressobj(wbits)
    first = True
    try:
        for chunk in raw:
            if first and codings[0] == "deflate" and chunk and (chunk[0] & 0x0F) != 8:
                inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent as raw deflate, no header
            first = False
            data = chunk
            while data:
                keep(inflater.decompress(data, limit - size + 1))
                data = inflater.unconsumed_tail
                if inflater.eof:
                    rest = inflater.unused_data
                    if not rest.strip(b"\x00"):
                        break
                    inflater, data = zlib.decompressobj(wbits), rest  # another gzip member
        keep(inflater.flush())
    except zlib.error as exc:
        raise FetchError(f"the compressed body is damaged ({exc})") from exc
    return b"".join(chunks)


# -- the fetcher ----------------------------------------------------------------------------------


@dataclass
class _Host:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_request: float = 0.0
    delay: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_error: str | None = None  # robots.txt unreachable: the host is not fetched
    robots_until: float = 0.0  # monotonic time after which robots.txt is fetched again


class Fetcher:
    """HTTP GET with every politeness and safety rule storyline keeps. Thread-safe; use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        transport = httpx.HTTPTransport(retries=0)
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore.ConnectionPool):  # pin connections to vetted addresses (DNS rebinding)
            pool._network_backend = _GuardedBackend(pool._network_backend, settings.allow_private)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.fetch_timeout),
            follow_redirects=False,  # followed here, so each hop is vetted and counted
            trust_env=False,  # no proxy from the environment: the SSRF guard must see the real address
            headers={"User-Agent": settings.user_agent},
        )
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        html_only: bool = False,
        robots: bool = True,
    ) -> Fetched:
        """Fetch ``url``, following redirects. Raises FetchError with the reason when it cannot."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if html_only:
            headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
        for _ in range(self.settings.max_redirects + 1):
            try:
                parts = urlsplit(url)
                port = parts.port or (443 if parts.scheme == "https" else 80)
                hostname = parts.hostname
            except ValueError as exc:  # a bad IPv6 literal, a port out of range
                raise FetchError(
                    f"not a valid URL: {url[:200]} ({exc})", SkipReason.DISALLOWED, permanent=True
                ) from exc
            if parts.scheme not in ("http", "https") or not hostname:
                raise FetchError(f"not an http(s) URL: {url[:200]}", SkipReason.DISALLOWED, permanent=True)
            vet_address(hostname, port, self.settings.allow_private)
            if robots:
                self._check_robots(url)
            fetched = self._attempts(url, headers, html_only)
            if fetched.status not in _REDIRECTS:
                return fetched
            url = urljoin(url, fetched.url)
        raise FetchError(f"more than {self.settings.max_redirects} redirects", permanent=True)

    def _attempts(self, url: str, headers: dict[str, str], html_only: bool) -> Fetched:
        """One GET, tried again after a network error, 429 or 5xx, waiting longer each time."""
        error = FetchError("not fetched")
        for attempt in range(self.settings.fetch_retries + 1):
            if attempt:
                wait = self.settings.retry_backoff * 2 ** (attempt - 1)
                time.sleep(max(wait, error.retry_after))
            try:
                with self._slot(url):
                    return self._once(url, headers, html_only)
            except FetchError as exc:
                if exc.permanent:
                    raise
                error = exc
            except httpx.TimeoutException:
                error = FetchError(
                    f"timed out (fetch_timeout {self.settings.fetch_timeout:g}s; a whole request "
                    f"{self.settings.fetch_timeout * _TOTAL_TIMEOUT_FACTOR:g}s)"
                )
            except httpx.HTTPError as exc:
                error = FetchError(f"network error: {type(exc).__name__}: {exc}")
        raise error

    def _once(self, url: str, headers: dict[str, str], html_only: bool) -> Fetched:
        """One request, connect to last byte, within ``_TOTAL_TIMEOUT_FACTOR`` fetch_timeouts."""
        _request.deadline = time.monotonic() + self.settings.fetch_timeout * _TOTAL_TIMEOUT_FACTOR
        try:
            return self._request(url, headers, html_only)
        except httpcore.TimeoutException as exc:  # raised by the deadline outside httpx's own mapping
            raise httpx.TimeoutException(str(exc)) from exc
        finally:
            _request.deadline = None

    def _request(self, url: str, headers: dict[str, str], html_only: bool) -> Fetched:
        limit = self.settings.max_response_bytes
        headers = {**headers, "Accept-Encoding": "gzip, deflate"}  # the encodings decoded within the limit
        with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location", permanent=True)
                return Fetched(url=location, status=status)
            if status == 304:
                return Fetched(url=url, status=304)
            if status == 429 or status >= 500:
                retry_after = _retry_after(response.headers.get("Retry-After"))
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), retry_after=retry_after)
            if status != 200:
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), permanent=status not in (408,))
            content_type = response.headers.get("Content-Type")
            media = (content_type or "").split(";")[0].strip().lower()
            if html_only and media and media not in _HTML_TYPES:
                raise FetchError(f"content type {media}, not HTML", SkipReason.NOT_HTML, permanent=True)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(_too_large(int(declared), limit), SkipReason.TOO_LARGE, permanent=True)
            content = _decoded(response.iter_raw(), response.headers.get("Content-Encoding", ""), limit)
            return Fetched(
                url=url,
                status=200,
                content=content,
                content_type=content_type,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = _Host(threading.Semaphore(self.settings.host_connections), delay=self.settings.host_delay)
                self._hosts[key] = host
            return host

    @contextmanager
    def _slot(self, url: str) -> Iterator[None]:
        """At most ``host_connections`` requests to a host at once, started ``host_delay`` seconds apart."""
        host = self._host(url)
        with host.slots:
            with host.lock:
                now = time.monotonic()
                start = max(now, host.next_request)
                host.next_request = start + host.delay
            if start > now:
                time.sleep(start - now)
            yield

    def _check_robots(self, url: str) -> None:
        """Raise FetchError when robots.txt disallows ``url`` for our User-Agent (RFC 9309 rules)."""
        host = self._host(url)
        with host.lock:
            fresh = time.monotonic() < host.robots_until
        if not fresh:
            self._load_robots(url, host)
        if host.robots_error:
            raise FetchError(host.robots_error, SkipReason.DISALLOWED)
        if host.robots is not None and not host.robots.can_fetch(self.settings.user_agent, url):
            raise FetchError("robots.txt disallows it", SkipReason.DISALLOWED, permanent=True)

    def _load_robots(self, url: str, host: _Host) -> None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser: urllib.robotparser.RobotFileParser | None = None
        error = None
        try:
            fetched = self.get(robots_url, robots=False)
            parser = urllib.robotparser.RobotFileParser(robots_url)
            parser.parse(fetched.content.decode("utf-8", errors="replace").splitlines())
        except FetchError as exc:
            # RFC 9309: a 4xx robots.txt means no rules; an unreachable one means nothing may be fetched.
            if exc.permanent and str(exc).startswith("HTTP 4"):
                parser = None
            else:
                error = f"robots.txt of {parts.netloc} unreachable ({exc}); not fetched"
        delay = self.settings.host_delay
        if parser is not None:
            crawl_delay = parser.crawl_delay(self.settings.user_agent)
            if crawl_delay is not None:
                delay = max(delay, min(float(crawl_delay), MAX_CRAWL_DELAY))
        with host.lock:
            host.robots, host.robots_error, host.delay = parser, error, delay
            host.robots_until = time.monotonic() + (ROBOTS_RETRY if error else ROBOTS_TTL)


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _retry_after(value: str | None) -> float:
    if not value:
        return 0.0
    if value.strip().isdigit():
        return min(float(value), MAX_CRAWL_DELAY)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min((when - datetime.now(timezone.utc)).total_seconds(), MAX_CRAWL_DELAY))


def _too_large(size: int, limit: int) -> str:
    return f"response larger than max_response_bytes ({size:,} > {limit:,} bytes)"
