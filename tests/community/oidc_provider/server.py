"""Start, seed and stop the local OpenID Connect provider (a real second Django process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = "tests.community.oidc_provider.settings"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalProvider:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "IDP_DATABASE": str(workdir / "idp.sqlite3"),
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DATABASE_URL", None)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _django(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "django", *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self) -> None:
        self._django("migrate", "--noinput")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "django",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
                "--nothreading",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/o/.well-known/openid-configuration")  # noqa: S310
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the local OpenID Connect provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def add_person(self, username: str, email: str, *, verified: bool = True) -> None:
        self._django(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user({username!r}, {email!r}, 'idp-password', "
            f"first_name={'' if verified else 'unverified'!r})",
        )

    def remove_person(self, username: str) -> None:
        self._django(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.filter(username={username!r}).delete()",
        )

    def add_client(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self._django(
            "shell",
            "-c",
            "from oauth2_provider.models import Application as A; "
            f"A.objects.create(client_id={client_id!r}, client_secret={secret!r}, "
            "hash_client_secret=False, client_type='confidential', "
            f"authorization_grant_type='authorization-code', redirect_uris={redirect_uri!r}, "
            "algorithm='RS256', skip_authorization=True, name='Sodan')",
        )
