"""A webhook goes to the address that was checked, never to a new answer from DNS.

A name can resolve to a public address while Sodan checks it and to 127.0.0.1 (or the
cloud's metadata address) a moment later, when it connects: DNS rebinding. Here the
resolution is answered by the test (the one seam: `socket.getaddrinfo`, which the code
calls to resolve), and everything else is real: a local HTTP or HTTPS server on
127.0.0.1, and the connections the code opens. A connection to any other address is
stopped before it leaves this machine (an audit hook on socket.connect) and recorded.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from feedback import webhooks

HOST = "hooks.example.test"
PUBLIC = "93.184.215.14"  # any address on the internet: never contacted (see _outside)

_outside: dict[str, list] = {"attempts": []}
_guard_on = threading.Event()


def _guard(event: str, args: tuple) -> None:
    """While on, a connection to anything but 127.0.0.1 is recorded and refused before
    a packet is sent."""
    if event == "socket.connect" and _guard_on.is_set():
        address = args[1]
        if isinstance(address, tuple) and address[0] != "127.0.0.1":
            _outside["attempts"].append(address[:2])
            raise ConnectionRefusedError(f"test guard: no connection to {address[0]}")


sys.addaudithook(_guard)


@pytest.fixture(autouse=True)
def outside():
    _outside["attempts"] = []
    _guard_on.set()
    yield _outside["attempts"]
    _guard_on.clear()


@pytest.fixture
def resolver(monkeypatch):
    """Answers for HOST, in turn (the last one repeats); other names resolve as usual."""
    real = socket.getaddrinfo
    state = {"answers": [["127.0.0.1"]], "calls": 0}

    def getaddrinfo(host, port, *args, **kwargs):
        if host != HOST:
            return real(host, port, *args, **kwargs)
        answer = state["answers"][min(state["calls"], len(state["answers"]) - 1)]
        state["calls"] += 1
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port or 0))
            for ip in answer
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return state


class Server:
    """A local receiver that counts the connections it accepts and keeps the requests."""

    def __init__(self, tls_context: ssl.SSLContext | None = None) -> None:
        self.connections = 0
        self.requests: list[dict] = []
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                state.requests.append(
                    {
                        "headers": dict(self.headers),
                        "path": self.path,
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        class CountingServer(ThreadingHTTPServer):
            def get_request(self):
                sock, address = super().get_request()
                state.connections += 1
                if tls_context is not None:
                    sock = tls_context.wrap_socket(sock, server_side=True)
                return sock, address

            def handle_error(self, request, client_address):
                pass  # a refused handshake is what some tests expect

        self.server = CountingServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_server():
    server = Server()
    yield server
    server.stop()


def _certificate(tmp_path, name: str) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


@pytest.fixture
def https_server(tmp_path, monkeypatch):
    """An HTTPS receiver whose certificate names HOST (or another name), trusted by the
    client as a certificate authority would be."""
    servers = []

    def start(name: str = HOST) -> Server:
        cert, key = _certificate(tmp_path, name)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        monkeypatch.setenv("SSL_CERT_FILE", cert)
        servers.append(Server(tls_context=context))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def _send(url: str) -> webhooks.SendResult:
    return webhooks.send(url=url, body=b'{"event":"item.created"}', headers={}, timeout=5)


def test_a_name_that_rebinds_to_this_machine_is_never_reached(
    settings, resolver, http_server, outside
):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = False
    resolver["answers"] = [[PUBLIC], ["127.0.0.1"]]  # the check, then the connection
    result = _send(f"https://{HOST}:{http_server.port}/hook")
    assert not result.delivered
    assert http_server.connections == 0
    # The connection went to the address that was checked, once resolved.
    assert outside == [(PUBLIC, http_server.port)]
    assert resolver["calls"] == 1


def test_every_address_of_the_name_is_checked(settings, resolver, http_server, outside):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = False
    resolver["answers"] = [[PUBLIC, "127.0.0.1"]]
    result = _send(f"https://{HOST}:{http_server.port}/hook")
    assert (result.delivered, result.retryable) == (False, False)
    assert result.error == "The address resolves to a private network."
    assert outside == [] and http_server.connections == 0


def test_the_request_keeps_the_host_name(settings, resolver, http_server):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    result = _send(f"http://{HOST}:{http_server.port}/hook?team=z5")
    assert result.delivered and result.status_code == 204
    [request] = http_server.requests
    assert request["headers"]["Host"] == f"{HOST}:{http_server.port}"
    assert request["path"] == "/hook?team=z5"
    assert request["body"] == b'{"event":"item.created"}'
    assert resolver["calls"] == 1


def test_tls_names_and_checks_the_host_name_not_the_address(settings, resolver, https_server):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    good = https_server(HOST)
    assert _send(f"https://{HOST}:{good.port}/hook").delivered
    assert good.requests[0]["headers"]["Host"] == f"{HOST}:{good.port}"
    # A certificate for another name is refused, although the address is the same.
    wrong = https_server("other.example.test")
    result = _send(f"https://{HOST}:{wrong.port}/hook")
    assert not result.delivered
    assert "certificate" in result.error.lower()
    assert wrong.requests == []
