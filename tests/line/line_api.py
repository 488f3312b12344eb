"""A local server that speaks the part of LINE's Messaging API Sodan uses, as LINE's
reference documents it: POST /v2/bot/message/reply and /push with a Bearer channel access
token (401 otherwise), JSON bodies, X-Line-Retry-Key on pushes (409 for a key already
accepted). It records every request and can be told to answer 429 or 500 for a while.

It also plays the brand's existing LINE tool behind the relay (POST /tool): it checks the
X-Line-Signature as a LINE bot does, base64(HMAC-SHA256(channel secret, body))."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def line_signature(secret: str, body: bytes) -> str:
    """As LINE computes it for its webhooks (and as the Messaging API SDKs check it)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class LineApi:
    url: str = ""
    token: str = ""
    secret: str = ""
    requests: list[dict] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer next, in order
    retry_keys: set[str] = field(default_factory=set)

    def calls(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path and r["status"] == 200]

    @property
    def replies(self) -> list[dict]:
        return [r["json"] for r in self.calls("/v2/bot/message/reply")]

    @property
    def pushes(self) -> list[dict]:
        return [r["json"] for r in self.calls("/v2/bot/message/push")]

    @property
    def relayed(self) -> list[dict]:
        return self.calls("/tool")


def serve(token: str, secret: str) -> tuple[LineApi, ThreadingHTTPServer]:
    state = LineApi(token=token, secret=secret)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = self._decide(body)
            with lock:
                state.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "json": json.loads(body) if body else None,
                        "status": status,
                    }
                )
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _decide(self, body: bytes) -> tuple[int, dict]:
            if self.path == "/tool":
                good = hmac.compare_digest(
                    line_signature(state.secret, body), self.headers.get("X-Line-Signature", "")
                )
                return (200, {}) if good else (403, {"message": "bad signature"})
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                return 401, {"message": "Authentication failed"}
            with lock:
                if state.failures:
                    status = state.failures.pop(0)
                    message = "The API rate limit has been exceeded" if status == 429 else "error"
                    return status, {"message": message}
            payload = json.loads(body)
            if self.path == "/v2/bot/message/reply":
                if not payload.get("replyToken") or not payload.get("messages"):
                    return 400, {"message": "The request body has 1 error(s)"}
                return 200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
            if self.path == "/v2/bot/message/push":
                key = self.headers.get("X-Line-Retry-Key", "")
                with lock:
                    if key and key in state.retry_keys:
                        return 409, {"message": "The retry key is already accepted"}
                    state.retry_keys.add(key)
                return 200, {"sentMessages": [{"id": "2", "quoteToken": "q"}]}
            return 404, {"message": "Not found"}

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return state, server
