"""Start and stop the local SAML identity provider (tests/sso/saml_idp/app.py), and say
who works at the company."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _key_and_certificate(workdir: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Local company IdP")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (workdir / "idp.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    (workdir / "idp.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


class LocalSamlProvider:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        _key_and_certificate(workdir)
        self._people: dict[str, dict] = {}
        self._save()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.url}/metadata"

    def metadata(self) -> str:
        with urllib.request.urlopen(f"{self.url}/metadata") as answer:  # noqa: S310
            return answer.read().decode()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.sso.saml_idp.app", str(self.workdir), str(self.port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.metadata()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the local SAML identity provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def trust_service_provider(self, metadata_xml: str) -> None:
        (self.workdir / "sp.xml").write_text(metadata_xml)

    def _save(self) -> None:
        (self.workdir / "people.json").write_text(json.dumps(self._people))

    def add_person(self, username: str, email: str) -> None:
        self._people[username] = {"email": email}
        self._save()

    def remove_person(self, username: str) -> None:
        self._people.pop(username, None)
        self._save()
