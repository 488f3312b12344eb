"""One source of truth for who may do what: every refusal (a PermissionDenied, a 403
response) is written in an app's permissions.py, where views, services, the API and tasks
all find it. Elsewhere code calls a `check_*` or an `access_*` helper.

The walk covers every app of the project (every top-level package with an apps.py), so a
new app is held to the same rule the day it appears.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Refusals that may stay outside permissions.py, each with the reason. Keep it short: a rule
# about who may do something belongs in permissions.py.
JUSTIFIED: dict[str, str] = {}

REFUSALS = {"PermissionDenied", "HttpResponseForbidden"}


def _apps() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/apps.py"))


def _modules(app: Path) -> list[Path]:
    return sorted(
        path
        for path in app.rglob("*.py")
        if "migrations" not in path.parts and path.name != "permissions.py"
    )


def _refusals(path: Path, root: Path = ROOT) -> list[str]:
    """Where the module builds or raises a refusal: `PermissionDenied(...)`, a bare `raise
    PermissionDenied`, or `HttpResponseForbidden` (under any module prefix: Django's, DRF's)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = None
        if isinstance(node, ast.Call):
            target = node.func
        elif isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == "HttpResponseForbidden" and isinstance(node.ctx, ast.Load):
                target = node
        if target is None:
            continue
        name = getattr(target, "id", None) or getattr(target, "attr", None)
        if name in REFUSALS:
            found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return sorted(set(found))


def test_every_app_is_walked():
    names = {app.name for app in _apps()}
    assert {"community", "brands", "qa", "feedback", "moderation", "search", "themes"} <= names


def test_refusals_live_in_permissions_modules():
    stray = [
        refusal
        for app in _apps()
        for module in _modules(app)
        for refusal in _refusals(module)
        if refusal.split(":")[0] not in JUSTIFIED
    ]
    assert stray == [], (
        "Write the rule as a check_* (and can_*) or an access_* helper in the app's "
        "permissions.py and call it from here: " + ", ".join(stray)
    )


def test_the_walk_finds_a_refusal_written_anywhere_else(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "from django.core import exceptions\n"
        "from django.http import HttpResponseForbidden\n"
        "def view(request):\n"
        "    if request.user.is_anonymous:\n"
        "        raise exceptions.PermissionDenied('No.')\n"
        "    if not request.user.is_staff:\n"
        "        raise PermissionDenied\n"
        "    return HttpResponseForbidden()\n",
        encoding="utf-8",
    )
    assert _refusals(module, root=tmp_path) == [
        "views.py:5 PermissionDenied",
        "views.py:7 PermissionDenied",
        "views.py:8 HttpResponseForbidden",
    ]
