"""Events stand on the brands' teams and threads of brands' tests, and on a real HTTP
receiver on this machine that checks each request's signature as a brand's tool would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    brand_admin,
    customer_answer,
    customer_thread,
    official,
    product_member,
    rep,
    rival,
    rival_admin,
    rival_rep,
    second_rep,
    staff,
    z5,
)


def signature_refusal(secret: str, header: str, body: bytes) -> str:
    """What a receiver does with X-Sodan-Signature, from the README's recipe alone: "" if
    the request is the brand's, else why not."""
    parts = dict(piece.split("=", 1) for piece in header.split(",") if "=" in piece)
    if "t" not in parts or "v1" not in parts:
        return "malformed"
    if abs(int(parts["t"]) - time.time()) > 300:
        return "too old"
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return "" if hmac.compare_digest(expected, parts["v1"]) else "bad signature"


@dataclass
class Receiver:
    """A brand's tool: accepts (200) a request signed with `secret`, refuses others (401),
    and records every request with what it decided."""

    url: str = ""
    secret: str = ""
    requests: list[dict] = field(default_factory=list)

    def accepted(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests if not r["refusal"]]

    def kinds(self) -> list[str]:
        return [body["kind"] for body in self.accepted()]


@pytest.fixture
def make_receiver(settings):
    """Start receivers (each its own HTTP server on this machine); all stop after the test."""
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    servers = []

    def start() -> Receiver:
        state, server = _serve()
        servers.append(server)
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver(make_receiver):
    return make_receiver()


def _serve() -> tuple[Receiver, ThreadingHTTPServer]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            refusal = signature_refusal(
                state.secret, self.headers.get("X-Sodan-Signature", ""), body
            )
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": body, "refusal": refusal}
            )
            self.send_response(401 if refusal else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/sodan-events"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return state, server
