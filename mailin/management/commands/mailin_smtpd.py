"""Run Sodan's SMTP receiver for replies and new threads by e-mail (mailin/README.md)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from mailin.smtp import controller


class Command(BaseCommand):
    help = "Receive mail for the mail domain over SMTP and hand it to mail in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on.")

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        receiver = controller(host, port)
        receiver.start()
        self.stdout.write(f"mailin: listening on {host}:{port}", ending="\n")
        self.stdout.flush()
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        try:
            stop.wait()
        finally:
            receiver.stop()
