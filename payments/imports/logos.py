"""
Bank logos given as URLs in a bank file, downloaded with fences around them.

A URL in an uploaded file makes the server fetch whatever it names, from inside the network
the server sits in; `download_logo` therefore fetches only what a public logo would be:

- **Schemes**: http and https only, redirects included (at most `MAX_REDIRECTS` of them).
- **Addresses**: every address the host name resolves to must be public; private
  (10/8, 192.168/16, fc00::/7...), loopback, link-local (169.254/16, where cloud metadata
  lives), shared, multicast and reserved addresses refuse the logo, unless
  `settings.LOGO_ALLOW_PRIVATE_NETWORKS` is on (tests serve logos from 127.0.0.1). The check
  is made as each connection is opened, redirects included, and the socket is then connected
  to the very address checked, so a name that resolves differently a moment later (DNS
  rebinding) cannot slip through. Proxies from the environment are not used: through a proxy
  the check would apply to the proxy instead of the logo's server.
- **Time**: `settings.LOGO_DOWNLOAD_TIMEOUT` seconds for the connection, for each read and for
  the body as a whole (checked between reads, so a download ends within about twice that).
- **Size**: at most `settings.LOGO_MAX_BYTES`, counted after content decoding (a gzip bomb is
  cut off like any large body).
- **Content**: the bytes must be a PNG, JPEG, GIF or WebP image that Pillow opens and verifies,
  whatever the Content-Type header says; SVG is refused (it can carry scripts).

What remains open: the name is still looked up in DNS (an attacker may observe the lookup),
and Pillow parses untrusted image headers (it is kept current for that reason).
"""

import io
import ipaddress
import socket
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

SCHEMES = ("http", "https")
MAX_REDIRECTS = 3
READ_BYTES = 64 * 1024
IMAGE_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
MAX_PIXELS = 16_000_000  # a 4000 x 4000 logo is already absurd
INVALID_URL = "the URL is not a valid http or https address."


class LogoError(Exception):
    """A logo that could not be had; the message completes "logo: ..." for the row's answer."""


class BlockedAddressError(LogoError):
    """The logo's host resolves to an address the settings do not let downloads reach."""


def download_logo(url, name):
    """The image at `url` as a `ContentFile` named `<name>.<extension>`, or a `LogoError`."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port out of range raises ValueError when read
    except ValueError:
        raise LogoError(INVALID_URL) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise LogoError(f"only http and https URLs are accepted, not {scheme or 'a bare path'}.")
    if not parts.hostname:
        raise LogoError(INVALID_URL)
    timeout = settings.LOGO_DOWNLOAD_TIMEOUT
    try:
        with _session() as session, session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise LogoError(f"the server answered HTTP {response.status_code}.")
            data = _read_body(response, time.monotonic() + timeout)
    except requests.Timeout:
        raise LogoError(f"the download timed out after {timeout:g} s.") from None
    except requests.TooManyRedirects:
        raise LogoError(f"more than {MAX_REDIRECTS} redirects.") from None
    except requests.exceptions.InvalidSchema:
        raise LogoError("a redirect led to a URL that is not http or https.") from None
    except (requests.exceptions.InvalidURL, UnicodeError):
        # UnicodeError: the IDNA encoding of the host name, on its way to the resolver, refuses
        # a label longer than 63 characters.
        raise LogoError(INVALID_URL) from None
    except requests.RequestException as exc:
        raise LogoError(f"the download failed ({type(exc).__name__}).") from None
    return ContentFile(data, name=f"{name}.{_image_extension(data)}")


def _session():
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: see the module docstring
    session.max_redirects = MAX_REDIRECTS
    adapter = _CheckedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _read_body(response, deadline):
    limit = settings.LOGO_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise LogoError(f"the image is larger than {limit:,} bytes.")
    body = bytearray()
    # read1 returns what one socket read brings, so the deadline is checked often even when a
    # server drips its answer a byte at a time.
    while chunk := response.raw.read1(READ_BYTES, decode_content=True):
        body += chunk
        if len(body) > limit:
            raise LogoError(f"the image is larger than {limit:,} bytes.")
        if time.monotonic() > deadline:
            raise requests.Timeout()
    return bytes(body)


def _image_extension(data):
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise LogoError("the URL does not give an image (PNG, JPEG, GIF or WebP).") from None
    if kind not in IMAGE_EXTENSIONS:
        raise LogoError(f"{kind} images are not accepted; use PNG, JPEG, GIF or WebP.")
    if width * height > MAX_PIXELS:
        raise LogoError(f"the image is {width} x {height} pixels, too large for a logo.")
    return IMAGE_EXTENSIONS[kind]


def checked_addresses(host, port):
    """The addresses of `host`, all of them allowed, or `BlockedAddressError`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.LOGO_ALLOW_PRIVATE_NETWORKS:
        for address in addresses:
            if not is_public(address):
                raise BlockedAddressError(
                    f"the host {host} has the address {address}, on a private, loopback or "
                    f"link-local network; logos must come from the internet."
                )
    return addresses


def is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _CheckedConnectionMixin:
    """Opens the socket to an address `checked_addresses` allowed, never to a fresh lookup.

    urllib3 would resolve the name again inside `create_connection`; connecting to the checked
    address instead is what closes the gap between check and connect. TLS still verifies the
    certificate against the host name (`self.host`), which is left as it is.
    """

    def _new_conn(self):
        try:
            addresses = checked_addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        failure = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                failure = ConnectTimeoutError(self, f"Connection to {self.host} timed out.")
                failure.__cause__ = exc
            except OSError as exc:
                failure = NewConnectionError(self, f"Failed to establish a connection: {exc}")
                failure.__cause__ = exc
        raise failure


class _CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
    pass


class _CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPConnectionPool,
            "https": _CheckedHTTPSConnectionPool,
        }
