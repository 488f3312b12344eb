"""The brand team's tools beside a thread's answer form: the thread's drafts waiting for
approval and the canned-reply picker. The thread page includes them only for the brand's
own people, who always get a page rendered for them (qa/thread_page.py), so the shared
rendering that customers and anonymous readers get never asks for them."""

from __future__ import annotations

from typing import Any

from django import template

from brands import approval_selectors

register = template.Library()


@register.inclusion_tag("brands/_answer_team_tools.html", takes_context=True)
def answer_team_tools(context: template.Context, thread: Any) -> dict[str, Any]:
    user = context.get("user")
    return {
        "thread": thread,
        "brand": thread.brand,
        "drafts": approval_selectors.thread_drafts(thread=thread, user=user),
        "canned_replies": approval_selectors.canned_picker(thread=thread, user=user),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def approval_settings(brand: Any) -> dict[str, Any]:
    """The team page's approvals section: the brand's rules (one query) and the form to add
    one. Only the team page, for those who manage the team, includes it."""
    from brands.approval_forms import ApprovalRuleForm
    from brands.models import ApprovalRule

    rules = list(ApprovalRule.objects.for_brand(brand).select_related("product"))
    for rule in rules:
        rule.label = approval_selectors.rule_label(rule)
    return {"rules": rules, "rule_form": ApprovalRuleForm(brand=brand)}
