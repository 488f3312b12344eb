"""Real peers that the worker talks to over TCP: a mail server that can be made slow.

Sodan's e-mail goes out through Django's SMTP backend to this server, which records each
message it accepted. Made slow, it keeps a worker busy inside a task for as long as a test
needs (to kill the worker, or to take Redis away, while it holds the task).
"""

from __future__ import annotations

import email
import select
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from email.policy import default as default_policy

from tests.servers import free_port


@dataclass
class Mail:
    recipients: list[str]
    subject: str


@dataclass
class MailServer:
    """A small SMTP server on 127.0.0.1 (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).

    `delay` seconds pass before it accepts a message's data. A message whose sender hung
    up while it waited (a killed worker) is not counted: it was never accepted."""

    delay: float = 0.0
    port: int = field(default_factory=free_port)
    accepted: list[Mail] = field(default_factory=list)
    in_progress: int = 0
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: socketserver.ThreadingTCPServer | None = None

    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        peer = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                self.reply("220 faults.localhost ESMTP")
                recipients: list[str] = []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    command = raw.decode(errors="replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 faults.localhost")
                    elif verb == "MAIL":
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(command.split(":", 1)[1].strip(" <>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            lines.append(line)
                        peer._accept(self.connection, recipients, b"".join(lines))
                        self.reply("250 OK")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def _accept(self, connection: socket.socket, recipients: list[str], data: bytes) -> None:
        with self._lock:
            self.in_progress += 1
        try:
            deadline = time.monotonic() + self.delay
            while (left := deadline - time.monotonic()) > 0:
                readable, _, _ = select.select([connection], [], [], min(left, 0.1))
                if readable and not connection.recv(1, socket.MSG_PEEK):
                    self.log.append(f"{time.strftime('%H:%M:%S')} dropped (sender gone)")
                    return  # nothing was accepted
            message = email.message_from_bytes(data, policy=default_policy)
            mail = Mail(list(recipients), str(message["Subject"] or ""))
            with self._lock:
                self.accepted.append(mail)
                self.log.append(f"{time.strftime('%H:%M:%S')} accepted {mail}")
        finally:
            with self._lock:
                self.in_progress -= 1

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def count(self, recipient: str) -> int:
        with self._lock:
            return sum(recipient in mail.recipients for mail in self.accepted)
