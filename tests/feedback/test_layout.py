"""Product feedback is an app of its own that builds on brands: brands never imports it,
and outbox messages written while its tasks lived in brands are still delivered."""

import ast
from pathlib import Path

from community.celery import app as celery_app
from feedback import tasks

BRANDS = Path(__file__).resolve().parents[2] / "brands"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_brands_never_imports_feedback():
    offenders = [
        str(path.relative_to(BRANDS.parent))
        for path in BRANDS.rglob("*.py")
        if any(
            name == "feedback" or name.startswith("feedback.") for name in _imported_modules(path)
        )
    ]
    assert offenders == []


def test_the_tasks_keep_the_names_pending_outbox_messages_carry():
    names = {
        tasks.close_feedback_loop.name,
        tasks.notify_feedback_mentions.name,
        tasks.deliver_webhook.name,
    }
    assert names == {
        "brands.feedback.tasks.close_feedback_loop",
        "brands.feedback.tasks.notify_feedback_mentions",
        "brands.feedback.tasks.deliver_webhook",
    }
    assert names <= set(celery_app.tasks)
