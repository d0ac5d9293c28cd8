"""Bank logos downloaded from URLs: only http(s), only public addresses unless allowed, with a
timeout, a size cap and a check that the bytes are an image."""

import socket

import pytest

from payments.imports import logos
from payments.imports.logos import LogoError, download_logo, is_public
from payments.tests.logo_server import JPEG, PNG, serve_logos

PRIVATE_REFUSAL = "on a private, loopback or link-local network; logos must come from the internet."


@pytest.fixture
def server(settings):
    settings.LOGO_ALLOW_PRIVATE_NETWORKS = True
    settings.LOGO_MAX_BYTES = 2000
    settings.LOGO_DOWNLOAD_TIMEOUT = 0.5
    with serve_logos() as base_url:
        yield base_url


def refusal(url):
    with pytest.raises(LogoError) as caught:
        download_logo(url, "akbank")
    return str(caught.value)


class TestDownload:
    def test_a_png_is_downloaded_and_named_after_the_bank(self, server):
        logo = download_logo(f"{server}/logo.png", "akbank")

        assert logo.name == "akbank.png"
        assert logo.read() == PNG

    def test_a_jpeg_gets_the_jpg_extension(self, server):
        logo = download_logo(f"{server}/logo.jpg", "akbank")

        assert (logo.name, logo.read()) == ("akbank.jpg", JPEG)

    def test_a_redirect_is_followed(self, server):
        logo = download_logo(f"{server}/redirect?to={server}/logo.png", "akbank")

        assert logo.read() == PNG

    @pytest.mark.parametrize(
        "url",
        ["ftp://example.com/logo.png", "file:///etc/passwd", "gopher://example.com/", "/logo.png"],
    )
    def test_schemes_other_than_http_and_https_are_refused(self, server, url):
        assert refusal(url).startswith("only http and https URLs are accepted, not ")

    @pytest.mark.parametrize(
        "url",
        [
            "http://[abc/logo.png",  # an unclosed IPv6 bracket: urlsplit raises ValueError
            f"http://{'a' * 64}.example.com/logo.png",  # a DNS label over 63 characters
            "http://exa mple.com/logo.png",
            "http://example.com:99999/logo.png",
            "http:///logo.png",
        ],
    )
    def test_a_malformed_url_is_refused_as_not_valid(self, server, url):
        assert refusal(url) == "the URL is not a valid http or https address."

    def test_a_redirect_to_another_scheme_is_refused(self, server):
        message = refusal(f"{server}/redirect?to=file:///etc/passwd")

        assert message == "a redirect led to a URL that is not http or https."

    def test_bytes_that_are_not_an_image_are_refused(self, server):
        message = refusal(f"{server}/page.html")

        assert message == "the URL does not give an image (PNG, JPEG, GIF or WebP)."

    def test_svg_is_refused(self, server):
        assert refusal(f"{server}/logo.svg") == (
            "the URL does not give an image (PNG, JPEG, GIF or WebP)."
        )

    def test_an_error_status_is_refused(self, server):
        assert refusal(f"{server}/missing.png") == "the server answered HTTP 404."

    @pytest.mark.parametrize("path", ["/big.png", "/big-undeclared.png"])
    def test_an_image_over_the_size_cap_is_refused(self, server, path):
        assert refusal(f"{server}{path}") == "the image is larger than 2,000 bytes."

    def test_a_server_that_does_not_answer_in_time_is_refused(self, server):
        assert refusal(f"{server}/slow.png") == "the download timed out after 0.5 s."

    def test_a_server_that_drips_its_answer_is_cut_off_by_the_overall_timeout(self, server):
        assert refusal(f"{server}/drip.png") == "the download timed out after 0.5 s."


class TestAddresses:
    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fe80::1%eth0",
            "fc00::1",
            "::ffff:127.0.0.1",
        ],
    )
    def test_private_loopback_link_local_and_other_special_addresses_are_not_public(self, address):
        assert is_public(address) is False

    @pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.1", "2001:4860:4860::8888"])
    def test_internet_addresses_are_public(self, address):
        assert is_public(address) is True

    def test_a_loopback_url_is_refused_while_private_networks_are_not_allowed(self, settings):
        settings.LOGO_ALLOW_PRIVATE_NETWORKS = False
        with serve_logos() as base_url:
            message = refusal(f"{base_url}/logo.png")

        assert message == f"the host 127.0.0.1 has the address 127.0.0.1, {PRIVATE_REFUSAL}"

    def test_localhost_by_name_is_refused_too(self, settings):
        settings.LOGO_ALLOW_PRIVATE_NETWORKS = False

        message = refusal("http://localhost:8301/logo.png")

        assert message.startswith("the host localhost has the address ")
        assert message.endswith(PRIVATE_REFUSAL)

    def test_a_name_with_one_private_address_among_public_ones_is_refused(
        self, settings, monkeypatch
    ):
        settings.LOGO_ALLOW_PRIVATE_NETWORKS = False
        answers = [("93.184.215.14", 80), ("10.0.0.7", 80)]
        monkeypatch.setattr(
            logos.socket,
            "getaddrinfo",
            lambda *args, **kwargs: [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", sockaddr) for sockaddr in answers
            ],
        )

        message = refusal("http://logos.example/akbank.png")

        assert message == f"the host logos.example has the address 10.0.0.7, {PRIVATE_REFUSAL}"

    def test_a_redirect_to_a_private_address_is_refused(self, settings, monkeypatch):
        settings.LOGO_ALLOW_PRIVATE_NETWORKS = False
        # Treat the test server's address as an internet one; 127.0.0.2 stays loopback.
        monkeypatch.setattr(logos, "is_public", lambda address: address == "127.0.0.1")
        with serve_logos() as base_url:
            port = base_url.rsplit(":", 1)[1]
            message = refusal(f"{base_url}/redirect?to=http://127.0.0.2:{port}/logo.png")

        assert message == f"the host 127.0.0.2 has the address 127.0.0.2, {PRIVATE_REFUSAL}"

    def test_the_connection_goes_to_the_address_checked_not_to_a_second_lookup(
        self, settings, monkeypatch
    ):
        """DNS rebinding: a name that answers an allowed address to the check and a private one
        to a later lookup must not reach the private one."""
        settings.LOGO_ALLOW_PRIVATE_NETWORKS = False
        monkeypatch.setattr(logos, "is_public", lambda address: address == "127.0.0.1")
        real_getaddrinfo = socket.getaddrinfo
        lookups = []

        def rebinding_getaddrinfo(host, port, *args, **kwargs):
            if host != "logos.example":
                return real_getaddrinfo(host, port, *args, **kwargs)
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.7"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
        with serve_logos() as base_url:
            port = base_url.rsplit(":", 1)[1]
            logo = download_logo(f"http://logos.example:{port}/logo.png", "akbank")

        assert logo.read() == PNG
        assert lookups == ["logos.example"]
