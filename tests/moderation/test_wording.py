"""Every audit log code the project writes has a sentence, and the history and audit pages
show the sentence, not the code."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from moderation import services
from moderation.models import Appeal, Sanction
from moderation.wording import ACTION_WORDING, action_wording
from tests.community.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "migrations", "bench", "node_modules", "docs"}
POST_KINDS = ("thread", "answer")


def _act_codes(call: ast.Call) -> list[str]:
    """The codes a call of moderation's `_act` (services/actions.py) writes: the post's
    kind and the verb; a call given `post=thread` acts on threads only."""
    given = {kw.arg: kw.value for kw in call.keywords}
    if not {"post", "action"} <= set(given):
        return []  # another function of that name (moderation's view has one)
    kinds = ("thread",) if getattr(given["post"], "id", "") == "thread" else POST_KINDS
    return [f"{kind}.{given['action'].value}" for kind in kinds]


# Codes made of several placeholders at once: `_act`'s own, collected at each call of it.
WHOLE = {("moderation/services/actions.py", "f'{_kind(post)}.{action}'"): lambda tree: []}


def _placeholder_values(path: str, expression: str, tree: ast.AST) -> list[str]:
    """What a placeholder in an f-string code stands for, per file; a new one fails the
    test until it is taught here (and the codes it makes are worded)."""
    known = {
        ("moderation/services/flags.py", "kind"): lambda: POST_KINDS,
        ("moderation/services/holds.py", "_kind(post)"): lambda: POST_KINDS,
        ("moderation/services/appeals.py", "kind"): lambda: POST_KINDS,
        ("moderation/services/appeals.py", "decision"): lambda: Appeal.Decision.values,
        ("moderation/services/sanctions.py", "kind"): lambda: Sanction.Kind.values,
        ("qa/services.py", "kind"): lambda: POST_KINDS,
        ("legal/services.py", "decision"): _removal_decisions,
    }
    if (path, expression) not in known:
        pytest.fail(f"{path}: teach this test what {{{expression}}} stands for in a code")
    return list(known[(path, expression)]())


def _removal_decisions() -> list[str]:
    from legal.models import RemovalRequest

    return RemovalRequest.Decision.values


def _codes(node: ast.expr, path: str, tree: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body, path, tree) + _codes(node.orelse, path, tree)
    if isinstance(node, ast.JoinedStr):
        whole = WHOLE.get((path, ast.unparse(node)))
        if whole is not None:
            return whole(tree)
        codes = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                codes = [code + part.value for code in codes]
            else:
                values = _placeholder_values(path, ast.unparse(part.value), tree)
                codes = [code + value for code in codes for value in values]
        return codes
    if isinstance(node, ast.Name):
        # A variable: every string the module assigns to that name (`action = "…"`).
        assigned = [
            code
            for assign in ast.walk(tree)
            if isinstance(assign, ast.Assign)
            and any(getattr(target, "id", None) == node.id for target in assign.targets)
            and isinstance(assign.value, ast.Constant | ast.IfExp | ast.JoinedStr)
            for code in _codes(assign.value, path, tree)
        ]
        if assigned:
            return assigned
    pytest.fail(f"{path}: an audit code the test cannot read: {ast.unparse(node)}")


def written_codes() -> dict[str, str]:
    """Every code passed as `action=` to `audit_log_record` (or to moderation's `_act`,
    which prefixes the post's kind), with the file that writes it."""
    found = {}
    for file in ROOT.rglob("*.py"):
        relative = file.relative_to(ROOT)
        if SKIPPED & set(relative.parts):
            continue
        tree = ast.parse(file.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "_act":
                for code in _act_codes(node):
                    found[code] = relative.as_posix()
            if name != "audit_log_record":
                continue
            for kw in node.keywords:
                if kw.arg == "action":
                    for code in _codes(kw.value, relative.as_posix(), tree):
                        found[code] = relative.as_posix()
    return found


def test_the_walk_finds_the_codes_it_should():
    codes = written_codes()
    assert {"answer.endorse", "thread.lock", "answer.hide", "member.ban"} <= set(codes)
    assert "answer.lock" not in codes  # only threads are locked


def test_every_code_the_services_write_has_a_wording():
    missing = {code: path for code, path in written_codes().items() if code not in ACTION_WORDING}
    assert not missing, f"add these to moderation/wording.py: {missing}"


def test_an_unknown_code_shows_as_itself():
    assert action_wording("answer.endorse") == "endorsed the answer for the brand"
    assert action_wording("something.new") == "something.new"


@pytest.mark.django_db
def test_the_moderation_history_speaks_in_sentences(login, moderator, answer):
    services.post_hide(actor=moderator, post=answer, reason="Rude")
    page = login(moderator).get(reverse("moderation:moderate", args=["answer", answer.pk]))
    html = page.content.decode()
    assert "hid the answer pending review" in html
    assert "<code>answer.hide</code>" not in html


@pytest.mark.django_db
def test_the_answer_form_offers_only_what_applies_to_answers(login, moderator, answer, thread):
    client = login(moderator)
    on_answer = client.get(reverse("moderation:moderate", args=["answer", answer.pk]))
    choices = [value for value, _label in on_answer.context["form"].fields["action"].choices]
    assert choices == ["dismiss", "hide", "restore", "delete"]
    html = on_answer.content.decode()
    assert 'name="original"' not in html
    assert 'name="brand"' not in html
    on_thread = client.get(reverse("moderation:moderate", args=["thread", thread.pk]))
    thread_choices = [v for v, _label in on_thread.context["form"].fields["action"].choices]
    assert {"lock", "close_duplicate", "move"} <= set(thread_choices)
    refused = client.post(
        reverse("moderation:moderate", args=["answer", answer.pk]),
        {"action": "lock", "reason": "Heated"},
    )
    assert refused.status_code == 200
    assert "action" in refused.context["form"].errors


@pytest.mark.django_db
def test_lifting_is_offered_only_for_a_sanctioned_member(login, moderator):
    member = UserFactory(username="rowdy")
    client = login(moderator)
    url = reverse("moderation:member_sanction", args=[member.username])
    kinds = [v for v, _label in client.get(url).context["form"].fields["kind"].choices]
    assert "lift" not in kinds
    assert {"suspend", "ban"} <= set(kinds)
    services.member_suspend(moderator=moderator, member=member, days=3, reason="Spam")
    kinds = [v for v, _label in client.get(url).context["form"].fields["kind"].choices]
    assert "lift" in kinds
