"""`make demo` with PORT: the address it prints and the one the site writes into e-mails
and integration addresses (SITE_URL) both follow PORT."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recording_python(tmp_path):
    """Stands where the environment's python goes in the demo target: it records the
    SITE_URL each step runs with, and does nothing else."""
    log = tmp_path / "steps.log"
    script = tmp_path / "python"
    script.write_text(f'#!/bin/sh\necho "$SITE_URL $*" >> {log}\n')
    script.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: nothing is installed
    return script, stamp, log


def _demo(recording_python, **env):
    script, stamp, log = recording_python
    run = subprocess.run(  # noqa: S603 - make, with this test's own arguments
        [
            shutil.which("make") or "make",
            "--no-print-directory",
            "demo",
            f"PY={script}",
            f"STAMP={stamp}",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")} | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return run.stdout, log.read_text().splitlines()


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_port_sets_the_printed_address_and_the_sites_address(recording_python):
    printed, steps = _demo(recording_python, PORT="9123")
    assert "Serving Sodan at http://127.0.0.1:9123/" in printed
    assert "8000" not in printed
    assert steps == [
        "http://127.0.0.1:9123 manage.py migrate --no-input",
        "http://127.0.0.1:9123 manage.py load_demo",
        "http://127.0.0.1:9123 manage.py runserver 127.0.0.1:9123",
    ]


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_a_site_url_given_is_kept(recording_python):
    printed, steps = _demo(recording_python, PORT="9123", SITE_URL="https://demo.example")
    assert "Serving Sodan at https://demo.example/" in printed
    assert steps[0].startswith("https://demo.example ")


def test_the_demo_loader_prints_the_sites_address(settings):
    from community.demo import content

    settings.SITE_URL = "http://127.0.0.1:9123"
    assert content.site_url() == "http://127.0.0.1:9123/"
