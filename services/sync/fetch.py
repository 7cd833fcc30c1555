"""Download one public feed, safely.

Everything a sync downloads goes through :class:`Fetcher`:

- **https only**, except loopback addresses (127.0.0.0/8, ::1, ``localhost``) so a
  publisher can test with ``kindred feed serve``. The rule is checked again on every
  redirect, and a public server may never redirect to this device.
- **Conditional requests** (``If-None-Match`` / ``If-Modified-Since``): an unchanged feed
  costs one small 304 reply.
- **gzip**, decoded here rather than by httpx, so that both the bytes on the wire and the
  unpacked bytes are counted while streaming: an oversized body or a decompression bomb
  is refused as soon as it crosses the limit, never after it has filled the memory.
- **Time-outs**: connect, read (between two packets) and a total time for the whole body,
  so a server that drips one byte a second cannot hold a sync forever.
- **Retries with back-off** for transient failures only (connection refused or reset,
  time-outs, a cut-off body, HTTP 408/429/500/502/503/504).
- **No user data**: a fixed, generic ``User-Agent: Kindred``, no cookies (none are ever
  stored), no ``Referer``, no proxy or ``.netrc`` credentials from the environment, and the
  URL exactly as the source gave it. Nothing about the person, their device or their
  location is ever added.

In the browser build (Pyodide has no sockets and no httpx) the same rules hold, but the
download goes through the browser (``services.platform.fetch_bytes``): the browser follows
redirects (each hop is checked once the answer is in), unpacks gzip and revalidates its own
HTTP cache (only CORS-safelisted headers are sent, so a static host needs no preflight; an
unchanged feed is recognised by its ``Last-Modified``/``ETag``); a host that does not allow
other sites to read its feed (CORS) is said so in plain words.

Errors are :class:`FetchError` subclasses whose message is written for the person using
the app ("Could not reach example.org …"), never a traceback.
"""

from __future__ import annotations

import email.utils
import http.cookiejar
import ipaddress
import random
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from urllib.parse import urlsplit

from services import platform
from services.i18n import N_, Message

try:
    import httpx
except ImportError:  # the in-browser build (Pyodide) has no sockets and does not bundle httpx
    httpx = None

USER_AGENT = "Kindred"
# The only headers a request ever carries (besides Host and, for an update check, the
# validators the server itself gave us last time). Tests compare against this list.
REQUEST_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json, text/csv;q=0.9, */*;q=0.5",
    "Accept-Encoding": "gzip",
    "Connection": "keep-alive",
}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
TRANSIENT_STATUSES = {408, 429, 500, 502, 503, 504}
MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchLimits:
    """How long to wait and how much to accept. Tests pass tiny values."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence between two packets
    total_timeout: float = 180.0  # the whole of one attempt, headers and body
    max_bytes: int = 128 * MiB  # as sent over the network (possibly compressed)
    max_decoded_bytes: int = 256 * MiB  # after gzip is unpacked
    max_redirects: int = 5
    retries: int = 2  # further attempts after the first, for transient failures only
    backoff: float = 1.0  # seconds before the first retry; doubled for each next one
    max_backoff: float = 15.0  # never wait longer than this between attempts


DEFAULT_LIMITS = FetchLimits()


@dataclass(frozen=True)
class FetchResult:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int  # 200 (or another 2xx) or 304
    body: bytes | None  # the unpacked body; None when not modified
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    wire_bytes: int = 0  # bytes received for the body, before unpacking
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- errors -------------------------------------------------------------------------


class FetchError(Exception):
    """A download failed. ``str(error)`` is a plain-language sentence for people."""

    transient = False  # worth trying again after a pause

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.message = message
        self.url = url
        self.attempts = 1


class InvalidAddress(FetchError):
    """The text is not a usable web address."""


class UnsafeAddress(FetchError):
    """Not https (and not this device), credentials in the URL, or a redirect to this device."""


class ConnectionFailed(FetchError):
    transient = True


class CertificateProblem(FetchError):
    """The server's TLS certificate could not be verified: never retried, never ignored."""


class TimedOut(FetchError):
    transient = True


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, status: int, url: str | None = None, retry_after: float | None = None):
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
        self.transient = status in TRANSIENT_STATUSES


class TooLarge(FetchError):
    """The body is bigger than the limit (on the wire, or once unpacked)."""


class DecompressionBomb(TooLarge):
    """A small compressed body that would unpack to more than the limit."""


class Truncated(FetchError):
    """The body ended before its announced end. A network hiccup, usually: retried."""

    transient = True


class BadContent(FetchError):
    """Unsupported or corrupt compression."""


class TooManyRedirects(FetchError):
    pass


class NotAllowedByBrowser(FetchError):
    """In the browser: no answer that the page may read — the host does not allow other sites to
    read its feed (CORS), or it cannot be reached. Not retried at once."""


# --- addresses ----------------------------------------------------------------------


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def normalise_url(text: str) -> str:
    """What a person typed, as an address: trimmed, ``https://`` added when no scheme is given."""
    text = (text or "").strip()
    if not text:
        raise InvalidAddress(Message(N_("Enter the address of a feed, for example https://example.org/groups.json.")))
    if "://" not in text:
        text = "https://" + text
    check_url(text)
    return text


class _Parts:
    """The pieces of an address check_url needs, from httpx or (in the browser) urllib."""

    def __init__(self, url):
        if httpx is not None:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
            self.url, self.scheme, self.host, self.userinfo = parsed, parsed.scheme, parsed.host, parsed.userinfo
            return
        text = str(url)
        if any(c in text for c in " \t\r\n"):
            raise ValueError("spaces in an address")
        split = urlsplit(text)
        self.url = text
        self.scheme = split.scheme
        self.host = split.hostname or ""
        self.userinfo = split.username or split.password
        split.port  # noqa: B018 - raises ValueError for a port that is not a number


def check_url(url: str | httpx.URL, *, redirected_from: str | httpx.URL | None = None) -> httpx.URL | str:
    """Refuse anything but https (or plain http to this device). Returns the parsed URL
    (an ``httpx.URL``; the text itself in the browser build, which has no httpx)."""
    shown = str(url)
    if httpx is None and not platform.IS_BROWSER:
        raise InvalidAddress(Message(N_("Updating the directory from the web is not available in this version of Kindred.")), url=shown)
    try:
        parsed = _Parts(url)
    except (TypeError, ValueError) + ((httpx.InvalidURL,) if httpx is not None else ()):
        raise InvalidAddress(Message(N_("\u201c{address}\u201d is not a web address Kindred can use."), address=shown), url=shown) from None
    scheme = parsed.scheme.lower()
    if scheme not in ("https", "http") or not parsed.host:
        raise InvalidAddress(
            Message(N_("\u201c{address}\u201d is not a web address Kindred can use. It should start with https://."), address=shown), url=shown
        )
    if parsed.userinfo:
        raise UnsafeAddress(
            Message(N_("Addresses with a user name or password are not supported: a feed must be public.")), url=shown
        )
    loopback = is_loopback_host(parsed.host)
    if scheme == "http" and not loopback:
        raise UnsafeAddress(
            Message(N_("{address} is not a secure address. Kindred only downloads over https:// "
                       "(plain http:// is allowed only from this device, for testing)."), address=shown),
            url=shown,
        )
    if redirected_from is not None and loopback:
        origin = _Parts(redirected_from)
        if not is_loopback_host(origin.host):
            raise UnsafeAddress(
                Message(N_("{host} tried to send Kindred to an address on this device; that is not allowed."), host=origin.host),
                url=shown,
            )
    return parsed.url


# --- the client -----------------------------------------------------------------------


class _NoCookies(http.cookiejar.CookiePolicy):
    """Never store a cookie, never send one."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False

    def domain_return_ok(self, domain, request) -> bool:
        return False

    def path_return_ok(self, path, request) -> bool:
        return False


def _host_of(url: str | httpx.URL) -> str:
    try:
        return _Parts(url).host or str(url)
    except Exception:  # noqa: BLE001 - only for messages
        return str(url)


def _size(n: int) -> str:
    if n >= MiB:
        return Message(N_("{n} MB"), n=round(n / MiB) if n % MiB == 0 or n >= 10 * MiB else round(n / MiB, 1))
    if n >= 1024:
        return Message(N_("{n} KB"), n=round(n / 1024))
    return Message(N_("{n} bytes"), n=n)


def _seconds(value: float) -> str:
    if value == 1:
        return Message(N_("1 second"))
    return Message(N_("{n} seconds"), n=int(value) if value == int(value) else value)


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _status_message(status: int, url: str) -> str:
    host = _host_of(url)
    if status in (404, 410):
        return Message(N_("There is no feed at this address any more ({host} answered \u201cnot found\u201d, HTTP {status})."),
                       host=host, status=str(status))
    if status in (401, 403):
        return Message(N_("{host} refused to hand out the feed (HTTP {status}). A feed must be public."), host=host, status=str(status))
    if status == 429:
        return Message(N_("{host} is busy and asked Kindred to wait (HTTP 429). It will be tried again later."), host=host)
    if status >= 500:
        return Message(N_("{host} had a problem of its own (HTTP {status}). Try again later."), host=host, status=str(status))
    return Message(N_("{host} answered with an unexpected HTTP status {status}."), host=host, status=str(status))


@dataclass
class _Inflater:
    """gzip (or deflate) decoding with a hard cap on the unpacked size."""

    kind: str
    limit: int
    out: bytearray = field(default_factory=bytearray)

    def __post_init__(self):
        self._new()

    def _new(self) -> None:
        # gzip: 16 + MAX_WBITS; deflate: try the zlib wrapper first, raw deflate as a fallback.
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS if self.kind == "gzip" else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> None:
        pending = data
        while pending:
            if self._decoder.eof:
                if not pending.strip(b"\0"):
                    return  # padding after the last gzip member
                self._new()  # another gzip member follows
            room = self.limit - len(self.out)
            try:
                piece = self._decoder.decompress(pending, room + 1)  # max_length 0 would mean "no limit"
            except zlib.error:
                if self.kind == "deflate" and not self._started:
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                    self._started = True
                    continue
                raise BadContent(Message(N_("The feed's compressed data is damaged, so it could not be unpacked."))) from None
            self._started = True
            self.out += piece
            if len(self.out) > self.limit:
                raise self._bomb()
            pending = self._decoder.unused_data if self._decoder.eof else self._decoder.unconsumed_tail

    def _bomb(self) -> DecompressionBomb:
        return DecompressionBomb(
            Message(N_("The feed would unpack to more than {size}, which is not safe to open, so it was refused."), size=_size(self.limit))
        )

    def finish(self) -> bytes:
        # Output still held back because of the cap is produced by feeding nothing.
        while not self._decoder.eof:
            room = self.limit - len(self.out)
            try:
                piece = self._decoder.decompress(b"", room + 1)
            except zlib.error:
                raise BadContent(Message(N_("The feed's compressed data is damaged, so it could not be unpacked."))) from None
            if not piece:
                break
            self.out += piece
            if len(self.out) > self.limit:
                raise self._bomb()
        if not self._decoder.eof and self.kind == "gzip":
            raise Truncated(Message(N_("The download was cut off before the end of the compressed feed.")))
        return bytes(self.out)


_tls_lock = threading.Lock()
_tls_context: ssl.SSLContext | None = None


def default_tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process (certifi's roots), as httpx would make it.

    Building one reads and parses the whole CA bundle (tens of milliseconds); an unchanged
    feed must cost less than that, so it is built once and shared."""
    global _tls_context
    with _tls_lock:
        if _tls_context is None:
            import certifi

            _tls_context = ssl.create_default_context(cafile=certifi.where())
        return _tls_context


class Fetcher:
    """An HTTP client with Kindred's rules. Reuse one for several downloads; close it after."""

    def __init__(
        self,
        limits: FetchLimits = DEFAULT_LIMITS,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        verify: ssl.SSLContext | None = None,
        browser_fetch: Callable[..., platform.FetchedBytes] | None = None,
    ):
        """``browser_fetch``: download through the browser (``services.platform.fetch_bytes``);
        the default in the browser build, and what tests pass to exercise that path natively."""
        self.limits = limits
        self._sleep = sleep
        self._client = None
        if browser_fetch is None and httpx is None:
            if not platform.IS_BROWSER:
                raise ConnectionFailed(Message(N_("Updating the directory from the web is not available in this version of Kindred.")))
            browser_fetch = platform.fetch_bytes
        self._browser_fetch = browser_fetch
        if browser_fetch is not None:
            return
        self._client = httpx.Client(
            headers=REQUEST_HEADERS,
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),  # a bare jar: httpx.Cookies() would copy it into a default one
            follow_redirects=False,  # done here, so every hop is checked
            trust_env=False,  # no proxy settings, no .netrc credentials from the environment
            timeout=httpx.Timeout(
                connect=limits.connect_timeout, read=limits.read_timeout, write=limits.read_timeout, pool=limits.connect_timeout
            ),
            transport=transport,
            verify=verify if verify is not None else default_tls_context(),
            # A fresh connection per request: its socket is what the deadline watchdog cuts.
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``; a 304 (with validators given) returns a result with ``body=None``."""
        check_url(url)
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self._fetch_once(url, etag, last_modified, max_bytes)
                return replace(result, attempts=attempt)
            except FetchError as error:
                error.attempts = attempt
                if not error.transient or attempt > self.limits.retries or self._browser_fetch is not None:
                    raise  # in the browser a pause would freeze the app (one thread): the next sync retries
                delay = min(self.limits.max_backoff, self.limits.backoff * 2 ** (attempt - 1))
                delay *= 0.5 + random.random() / 2  # jitter: many devices must not retry in step
                retry_after = getattr(error, "retry_after", None)
                if retry_after is not None:
                    if retry_after > self.limits.max_backoff:
                        raise  # the server wants a longer pause than a sync should wait for
                    delay = max(delay, retry_after)
                self._sleep(delay)

    def _fetch_once(self, url: str, etag: str | None, last_modified: str | None, max_bytes: int | None) -> FetchResult:
        if self._browser_fetch is not None:
            return self._fetch_in_browser(url, etag, last_modified, max_bytes)
        limits = self.limits
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + limits.total_timeout
        current = check_url(url)
        for _hop in range(limits.max_redirects + 1):
            request = self._client.build_request("GET", current, headers=conditional)
            for name in ("Cookie", "Referer", "Authorization"):  # never, whatever the client holds
                request.headers.pop(name, None)
            response = self._send(request, current, deadline)
            try:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise HTTPStatusError(
                            Message(N_("{host} sent a redirect without saying where to."), host=_host_of(current)), status=status, url=url
                        )
                    try:
                        target = current.join(location)
                    except (httpx.InvalidURL, ValueError):
                        raise InvalidAddress(
                            Message(N_("{host} redirected to an address that is not valid."), host=_host_of(current)), url=url
                        ) from None
                    current = check_url(target, redirected_from=current)
                    continue
                if status == 304:
                    if not conditional:
                        raise HTTPStatusError(
                            Message(N_("{host} answered \u201cnot modified\u201d to a first download (HTTP 304)."), host=_host_of(current)),
                            status=status,
                            url=url,
                        )
                    return FetchResult(
                        url=url,
                        final_url=str(current),
                        status=304,
                        body=None,
                        etag=response.headers.get("etag") or etag,
                        last_modified=response.headers.get("last-modified") or last_modified,
                        content_type=response.headers.get("content-type"),
                    )
                if not (200 <= status < 300) or status in (204, 206):
                    raise HTTPStatusError(
                        _status_message(status, str(current)),
                        status=status,
                        url=url,
                        retry_after=parse_retry_after(response.headers.get("retry-after")),
                    )
                body, wire = self._read_body(response, current, deadline, max_bytes)
                return FetchResult(
                    url=url,
                    final_url=str(current),
                    status=status,
                    body=body,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    content_type=response.headers.get("content-type"),
                    wire_bytes=wire,
                )
            finally:
                response.close()
        raise TooManyRedirects(
            Message(N_("{host} redirected more than {n} times, so Kindred gave up."), host=_host_of(url), n=limits.max_redirects), url=url
        )

    def _fetch_in_browser(self, url: str, etag: str | None, last_modified: str | None, max_bytes: int | None) -> FetchResult:
        """One attempt through the browser's networking (see the module's docstring)."""
        host = _host_of(url)
        limit = min(max_bytes, self.limits.max_bytes) if max_bytes else self.limits.max_bytes
        try:
            # Accept is CORS-safelisted: no preflight. Conditional headers are not, and the
            # browser's HTTP cache revalidates by itself anyway.
            answer = self._browser_fetch(url, {"Accept": REQUEST_HEADERS["Accept"]}, self.limits.total_timeout)
        except platform.BrowserFetchFailed as failure:
            if failure.timed_out:
                raise TimedOut(
                    Message(N_("{host} took longer than {time} to answer, so Kindred stopped. Try again later."),
                            host=host, time=_seconds(self.limits.total_timeout)), url=url) from None
            if not failure.online:
                raise ConnectionFailed(
                    Message(N_("Could not reach {host}: this device is offline. The directory you have keeps working; "
                               "try again when you are connected."), host=host), url=url) from None
            raise NotAllowedByBrowser(
                Message(N_("The browser could not read the feed from {host}. Either {host} cannot be reached just now, or it "
                           "does not allow web apps on other sites to read its feed (it sends no CORS permission, "
                           "\u201cAccess-Control-Allow-Origin\u201d). If it keeps happening, ask the publisher to allow it, or "
                           "download the file and use \u201cImport a directory file\u201d on this screen."), host=host),
                url=url) from None
        final = answer.url or url
        if final != url:
            check_url(final, redirected_from=url)  # the browser followed the redirects: check where it ended
        status = answer.status
        headers = answer.headers
        if not (200 <= status < 300) or status in (204, 206):
            raise HTTPStatusError(_status_message(status, final), status=status, url=url,
                                  retry_after=parse_retry_after(headers.get("retry-after")))
        if len(answer.body) > limit:
            raise TooLarge(Message(N_("The feed at {host} is larger than the {size} limit, so it was not used."), host=host, size=_size(limit)),
                           url=url)
        new_etag = headers.get("etag")
        new_modified = headers.get("last-modified")
        # The browser answers a revalidated request with the cached copy and 200: the feed is
        # unchanged when its validators are the ones we stored.
        unchanged = (etag and new_etag == etag) or (not new_etag and last_modified and new_modified == last_modified)
        return FetchResult(
            url=url,
            final_url=final,
            status=304 if unchanged else status,
            body=None if unchanged else answer.body,
            etag=new_etag or (etag if unchanged else None),
            last_modified=new_modified,
            content_type=headers.get("content-type"),
            wire_bytes=len(answer.body),
        )

    def _send(self, request: httpx.Request, current: httpx.URL, deadline: float) -> httpx.Response:
        """Send and read the status line and headers, all within the attempt's deadline: a
        host that drips its headers a byte at a time (each within the read time-out) is
        cut off by a watchdog that shuts the connection's socket at the deadline."""
        host = _host_of(current)
        sockets: list[socket.socket] = []

        def trace(event: str, info: dict) -> None:
            if event == "connection.connect_tcp.complete":
                stream = info.get("return_value")
                sock = stream.get_extra_info("socket") if stream is not None else None
                if sock is not None:
                    sockets.append(sock)

        def cut_off() -> None:
            for sock in sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        too_slow = TimedOut(
            Message(N_("{host} took longer than {time} to answer, so Kindred stopped. Try again later."),
                    host=host, time=_seconds(self.limits.total_timeout)),
            url=str(current),
        )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise too_slow
        request.extensions["trace"] = trace
        watchdog = threading.Timer(remaining, cut_off)
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._client.send(request, stream=True, follow_redirects=False)
        except httpx.TransportError:
            if time.monotonic() >= deadline:
                raise too_slow from None
            return self._send_failed(current)
        finally:
            watchdog.cancel()

    def _send_failed(self, current: httpx.URL) -> httpx.Response:
        """Re-raise the transport error being handled as Kindred's own, in plain words."""
        host = _host_of(current)
        try:
            raise
        except httpx.ConnectTimeout:
            raise TimedOut(
                Message(N_("Could not reach {host} within {time}. Check the internet connection, or try again later."),
                        host=host, time=_seconds(self.limits.connect_timeout)),
                url=str(current),
            ) from None
        except httpx.TimeoutException:
            raise TimedOut(
                Message(N_("{host} took too long to answer (nothing for {time}). Try again later."), host=host,
                        time=_seconds(self.limits.read_timeout)),
                url=str(current),
            ) from None
        except httpx.ConnectError as error:
            if _is_certificate_error(error):
                raise CertificateProblem(
                    Message(N_("The security certificate of {host} could not be verified, so nothing was downloaded."), host=host),
                    url=str(current),
                ) from None
            raise ConnectionFailed(
                Message(N_("Could not reach {host}. Check the internet connection, or try again later."), host=host), url=str(current)
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.CloseError):
            raise ConnectionFailed(
                Message(N_("{host} closed the connection without answering. Try again later."), host=host), url=str(current)
            ) from None
        except httpx.UnsupportedProtocol:
            raise InvalidAddress(Message(N_("\u201c{address}\u201d is not a web address Kindred can use."), address=str(current)),
                                 url=str(current)) from None
        except httpx.TransportError:
            raise ConnectionFailed(Message(N_("Could not download from {host}. Try again later."), host=host), url=str(current)) from None

    def _read_body(
        self, response: httpx.Response, current: httpx.URL, deadline: float, max_bytes: int | None
    ) -> tuple[bytes, int]:
        host = _host_of(current)
        limit = min(max_bytes, self.limits.max_bytes) if max_bytes else self.limits.max_bytes
        declared = response.headers.get("content-length")
        try:
            expected = int(declared) if declared is not None else None
        except ValueError:
            expected = None
        too_large = TooLarge(
            Message(N_("The feed at {host} is larger than the {size} limit, so it was not downloaded."), host=host, size=_size(limit)),
            url=str(current)
        )
        if expected is not None and expected > limit:
            raise too_large
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity"):
            inflater = None
            out = bytearray()
        elif encoding in ("gzip", "x-gzip", "deflate"):
            inflater = _Inflater("deflate" if encoding == "deflate" else "gzip", self.limits.max_decoded_bytes)
            out = inflater.out
        else:
            raise BadContent(
                Message(N_("{host} sent the feed packed as \u201c{encoding}\u201d, which Kindred does not unpack."), host=host, encoding=encoding),
                url=str(current)
            )
        received = 0
        try:
            for chunk in response.iter_raw():  # as received: the deadline is checked per packet
                received += len(chunk)
                if received > limit:
                    raise too_large
                if time.monotonic() > deadline:
                    raise TimedOut(
                        Message(N_("Downloading from {host} took longer than {time}, so Kindred stopped. Try again later."),
                                host=host, time=_seconds(self.limits.total_timeout)),
                        url=str(current),
                    )
                if inflater is None:
                    out += chunk
                else:
                    inflater.feed(chunk)
        except httpx.TimeoutException:
            raise TimedOut(
                Message(N_("{host} stopped sending the feed part-way (nothing for {time}). Try again later."),
                        host=host, time=_seconds(self.limits.read_timeout)),
                url=str(current),
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError):
            raise Truncated(
                Message(N_("The download from {host} was cut off before the end (received {received} bytes)."),
                        host=host, received=received) if expected is None else
                Message(N_("The download from {host} was cut off before the end (received {received} of {expected} bytes)."),
                        host=host, received=received, expected=expected),
                url=str(current),
            ) from None
        except FetchError as error:
            error.url = error.url or str(current)
            raise
        if expected is not None and received < expected:
            raise Truncated(
                Message(N_("The download from {host} was cut off before the end (received {received} of {expected} bytes)."),
                        host=host, received=received, expected=expected),
                url=str(current),
            )
        if inflater is not None:
            try:
                body = inflater.finish()
            except FetchError as error:
                error.url = str(current)
                raise
        else:
            body = bytes(out)
        return body, received


def _is_certificate_error(error: BaseException) -> bool:
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None, limits: FetchLimits = DEFAULT_LIMITS) -> FetchResult:
    """One download with a client of its own (see :class:`Fetcher` to reuse connections)."""
    with Fetcher(limits) as fetcher:
        return fetcher.fetch(url, etag=etag, last_modified=last_modified)
