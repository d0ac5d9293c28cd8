"""A local HTTP server that serves bank logos, and the failures a logo URL can meet, for tests.

It listens on 127.0.0.1 at the first free port of `PORTS` (the ports this project's tests may
use); downloads from it need `LOGO_ALLOW_PRIVATE_NETWORKS`, since 127.0.0.1 is loopback.
"""

import contextlib
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

PORTS = range(8301, 8310)


def image_bytes(kind="PNG", size=(16, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(buffer, kind)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"></svg>'


class LogoHandler(BaseHTTPRequestHandler):
    """GET paths: /logo.png, /logo.jpg, /logo.svg, /page.html, /big.png (4,000 bytes, declared),
    /big-undeclared.png (4,000 bytes, no Content-Length), /slow.png (answers after 2 s),
    /drip.png (a byte every 0.1 s for 5 s), /redirect?to=<url>, anything else 404."""

    def do_GET(self):
        url = urlsplit(self.path)
        routes = {
            "/logo.png": lambda: self.send(PNG, "image/png"),
            "/logo.jpg": lambda: self.send(JPEG, "image/jpeg"),
            "/logo.svg": lambda: self.send(SVG, "image/svg+xml"),
            "/page.html": lambda: self.send(b"<html><body>logo</body></html>", "text/html"),
            "/big.png": lambda: self.send(PNG + b"\0" * (4000 - len(PNG)), "image/png"),
            "/big-undeclared.png": lambda: self.send(
                PNG + b"\0" * (4000 - len(PNG)), "image/png", declare_length=False
            ),
            "/slow.png": self.slow,
            "/drip.png": self.drip,
            "/redirect": lambda: self.redirect(parse_qs(url.query)["to"][0]),
        }
        routes.get(url.path, lambda: self.send(b"not found", "text/plain", status=404))()

    def send(self, body, content_type, status=200, declare_length=True):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if declare_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def slow(self):
        time.sleep(2)
        self.send(PNG, "image/png")

    def drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        for byte in (PNG * 4)[:50]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (timeout tests) breaks the pipe; that is expected


@contextlib.contextmanager
def serve_logos():
    """Serve `LogoHandler` in a thread; yields the base URL, e.g. `http://127.0.0.1:8301`."""
    server = None
    for port in PORTS:
        with contextlib.suppress(OSError):
            server = QuietServer(("127.0.0.1", port), LogoHandler)
            break
    assert server is not None, f"No free port in {PORTS.start}-{PORTS.stop - 1} for logos."
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
