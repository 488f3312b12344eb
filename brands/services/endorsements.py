"""Endorsements: a rep recommends a customer's answer as the company's answer; releases
make recommendations about older versions "may be outdated" until a rep confirms them.

Answer.endorsed_at/endorsed_by show the active endorsement on the thread page; the
Endorsement rows keep its history.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from brands import permissions
from community import page_cache
from moderation.services import audit_log_record
from qa.models import Answer
from reputation import services as reputation
from reputation.models import Badge

from ..models import ApprovalRule, Endorsement, OfficialDraft, Product, ProductVersion

# Marking more threads than this as changed invalidates every cached page instead.
MANY_THREADS = 50


@transaction.atomic
def answer_endorse(
    *,
    actor: Any,
    answer: Answer,
    version: ProductVersion | None = None,
    hold_for_approval: bool = True,
) -> Endorsement | OfficialDraft:
    """Recommend a customer's answer for the brand, optionally for one release of the
    thread's product. Endorsing an endorsed answer again changes nothing. Where the brand
    asks for approval of endorsements (or the rep is in training), the endorsement waits
    as a draft for an approver, which is returned (brands.services.approvals)."""
    permissions.check_can_endorse(actor, answer)
    thread = answer.thread
    brand = thread.brand
    permissions.check_can_endorse_author(actor, answer)
    if version is not None and (not thread.product_id or version.product_id != thread.product_id):
        raise ValidationError(
            {"version": [_("Choose a release of the product this thread is about.")]}
        )
    if hold_for_approval:
        from brands.approval_selectors import approval_needed

        from .approvals import official_draft_submit

        kind = ApprovalRule.Kind.ENDORSEMENT
        need = approval_needed(author=actor, thread=thread, kind=kind)
        if need is not None:
            return official_draft_submit(
                author=actor, thread=thread, kind=kind, need=need, answer=answer, version=version
            )
    locked = Answer.objects.select_for_update().get(pk=answer.pk)
    if locked.endorsed_at is not None:
        existing = Endorsement.objects.active().filter(answer=answer).first()
        if existing is not None:
            return existing
    now = timezone.now()
    endorsement = Endorsement.objects.create(answer=answer, brand=brand, rep=actor, version=version)
    Answer.objects.filter(pk=answer.pk).update(endorsed_at=now, endorsed_by=actor)
    answer.endorsed_at, answer.endorsed_by = now, actor
    # A badge beside the author's name in this brand; no points and never any power.
    reputation.badge_award(member=answer.author_id, brand=brand, kind=Badge.Kind.BRAND_ENDORSED)
    audit_log_record(
        actor=actor,
        action="answer.endorse",
        target=answer,
        brand=brand,
        data={"endorsement": endorsement.pk, "version": version.pk if version else None},
    )
    page_cache.thread_changed(thread.pk)
    return endorsement


def _withdraw(endorsement: Endorsement, *, actor: Any, why: str) -> None:
    endorsement.withdrawn_at = timezone.now()
    endorsement.withdrawn_by = actor
    endorsement.withdrawn_reason = why
    endorsement.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])


@transaction.atomic
def endorsement_withdraw(*, actor: Any, endorsement: Endorsement, reason: str = "") -> None:
    """The brand no longer recommends the answer."""
    permissions.check_can_manage_endorsement(actor, endorsement)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if endorsement.withdrawn_at is not None:
        return
    _withdraw(endorsement, actor=actor, why=Endorsement.Withdrawal.BY_BRAND)
    Answer.objects.filter(pk=endorsement.answer_id).update(endorsed_at=None, endorsed_by=None)
    answer = Answer.objects.select_related("thread").get(pk=endorsement.answer_id)
    audit_log_record(
        actor=actor,
        action="answer.endorsement_withdraw",
        target=answer,
        brand=endorsement.brand,
        reason=(reason or "").strip(),
        data={"endorsement": endorsement.pk},
    )
    page_cache.thread_changed(answer.thread_id)


def endorsement_withdraw_after_edit(*, answer: Answer, actor: Any) -> Endorsement | None:
    """Called by qa's answer-edit service, in its transaction, after it cleared the badge:
    an endorsement vouches for the text as it was."""
    endorsement = Endorsement.objects.select_for_update().active().filter(answer=answer).first()
    if endorsement is None:
        return None
    _withdraw(endorsement, actor=actor, why=Endorsement.Withdrawal.EDITED)
    audit_log_record(
        actor=actor,
        action="answer.endorsement_withdrawn",
        target=answer,
        brand=endorsement.brand,
        reason=_("Endorsement withdrawn after edit"),
        data={"endorsement": endorsement.pk},
    )
    return endorsement


@transaction.atomic
def endorsement_confirm(*, actor: Any, endorsement: Endorsement) -> Endorsement:
    """A rep checked that the endorsed answer still holds for the newer release."""
    permissions.check_can_manage_endorsement(actor, endorsement)
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("outdated_for", "answer")
        .get(pk=endorsement.pk)
    )
    if endorsement.withdrawn_at is not None:
        raise ValidationError(_("This endorsement was withdrawn; endorse the answer again."))
    if endorsement.outdated_for is None:
        return endorsement
    confirmed = endorsement.outdated_for
    endorsement.version = confirmed
    endorsement.outdated_for = None
    endorsement.confirmed_at = timezone.now()
    endorsement.confirmed_by = actor
    endorsement.save(update_fields=["version", "outdated_for", "confirmed_at", "confirmed_by"])
    audit_log_record(
        actor=actor,
        action="answer.endorsement_confirm",
        target=endorsement.answer,
        brand=endorsement.brand,
        data={"endorsement": endorsement.pk, "version": confirmed.pk},
    )
    page_cache.thread_changed(endorsement.answer.thread_id)
    return endorsement


@transaction.atomic
def version_publish(*, actor: Any, product: Product, name: str) -> ProductVersion:
    """Publish a release. Endorsements about older releases of the product are marked
    "may be outdated for <release>" until a rep confirms them again."""
    brand = product.brand
    permissions.check_can_publish_version(actor, brand)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("Name the release, e.g. 2.1.")]})
    if len(name) > 50:
        raise ValidationError({"name": [_("Keep the release name to 50 characters.")]})
    now = timezone.now()
    version = (
        ProductVersion.objects.select_for_update()
        .filter(product=product, name__iexact=name)
        .first()
    )
    if version is not None and version.released_at is not None:
        raise ValidationError(
            {
                "name": [
                    _("%(name)s was already published on %(date)s.")
                    % {
                        "name": version.name,
                        "date": formats.date_format(
                            timezone.localtime(version.released_at), "DATE_FORMAT"
                        ),
                    }
                ]
            }
        )
    if version is None:
        version = ProductVersion.objects.create(product=product, name=name, released_at=now)
    else:
        version.released_at = now
        version.save(update_fields=["released_at"])
    older = (
        Endorsement.objects.active()
        .filter(version__product=product)
        .exclude(version=version)
        .filter(Q(version__released_at__lt=now) | Q(version__released_at__isnull=True))
    )
    thread_ids = set(older.values_list("answer__thread_id", flat=True))
    marked = Endorsement.objects.filter(pk__in=list(older.values_list("pk", flat=True))).update(
        outdated_for=version
    )
    from knowledge.services import articles_mark_outdated

    thread_ids |= set(articles_mark_outdated(product=product, version=version))
    audit_log_record(
        actor=actor,
        action="version.publish",
        target=version,
        brand=brand,
        data={"product": product.pk, "outdated_endorsements": marked},
    )
    if len(thread_ids) > MANY_THREADS:
        page_cache.site_changed()
    else:
        for thread_id in thread_ids:
            page_cache.thread_changed(thread_id)
    return version
