"""Writes for a person's own data: social accounts, exports, erasure, and disclosure
requests to brands (with the brand's policy). Side effects go through the outbox."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.services import attachments_erase
from community import page_cache
from community.models import ERASED_PREFIX
from outbox.services import message_send

from . import permissions, registry
from .models import DataExport, DisclosurePolicy, DisclosureRequest, SocialAccount

logger = logging.getLogger(__name__)

# --- Social accounts ------------------------------------------------------------------------

_HANDLE_FORMATS = {
    SocialAccount.Kind.X: (re.compile(r"^[A-Za-z0-9_]{1,15}$"), 15),
    SocialAccount.Kind.INSTAGRAM: (re.compile(r"^(?!.*\.\.)(?!\.)[A-Za-z0-9._]{1,30}(?<!\.)$"), 30),
    SocialAccount.Kind.LINE: (re.compile(r"^[a-z0-9._-]{4,20}$"), 20),
}


def social_account_clean(kind: str, value: str) -> str:
    """The value as stored, or ValidationError naming what is wrong with it."""
    value = value.strip()
    if kind == SocialAccount.Kind.BLOG:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError(
                _("Give your blog's full address, starting with https:// or http://.")
            ) from None
        if len(value) > 200:
            raise ValidationError(_("Keep the address to 200 characters."))
        return value
    if kind not in _HANDLE_FORMATS:
        raise ValidationError(_("Sodan does not know that kind of account."))
    pattern, _longest = _HANDLE_FORMATS[kind]
    value = value.removeprefix("@")
    if kind == SocialAccount.Kind.LINE:
        value = value.lower()
    if not pattern.match(value):
        messages = {
            SocialAccount.Kind.X: _(
                "An X handle is 1 to 15 letters, digits or underscores, like @sodan_help."
            ),
            SocialAccount.Kind.INSTAGRAM: _(
                "An Instagram name is 1 to 30 letters, digits, dots or underscores, "
                "not starting or ending with a dot."
            ),
            SocialAccount.Kind.LINE: _(
                "A LINE ID is 4 to 20 lower-case letters, digits, dots, hyphens or underscores."
            ),
        }
        raise ValidationError(messages[kind])
    return value


@transaction.atomic
def social_accounts_update(
    *, user: Any, accounts: dict[str, tuple[str, str]]
) -> list[SocialAccount]:
    """Set the person's accounts: kind -> (value, visibility). An empty value removes it.
    Every value is checked before any is saved; errors name the kind's field."""
    permissions.check_can_manage_own_data(user)
    errors: dict[str, list] = {}
    cleaned: dict[str, tuple[str, str]] = {}
    for kind, (value, visibility) in accounts.items():
        if kind not in SocialAccount.Kind.values:
            errors[kind] = [_("Sodan does not know that kind of account.")]
            continue
        if visibility not in SocialAccount.Visibility.values:
            errors[f"{kind}_visibility"] = [_("Choose who may see it.")]
            continue
        if not value.strip():
            cleaned[kind] = ("", visibility)
            continue
        try:
            cleaned[kind] = (social_account_clean(kind, value), visibility)
        except ValidationError as error:
            errors[kind] = error.messages
    if errors:
        raise ValidationError(errors)
    kept = []
    for kind, (value, visibility) in cleaned.items():
        if not value:
            SocialAccount.objects.filter(user=user, kind=kind).delete()
            continue
        account, _created = SocialAccount.objects.update_or_create(
            user=user, kind=kind, defaults={"value": value, "visibility": visibility}
        )
        kept.append(account)
    return kept


# --- Export -----------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, user: Any) -> DataExport:
    """Ask for an export; prepared in the background (outbox), linked by e-mail. While one is
    being prepared, asking again returns it rather than queueing another."""
    permissions.check_can_manage_own_data(user)
    waiting = (
        DataExport.objects.select_for_update()
        .filter(user=user, status=DataExport.Status.PREPARING)
        .first()
    )
    if waiting is not None:
        return waiting
    export = DataExport.objects.create(user=user)
    message_send("privacy.tasks.export_prepare", export.pk)
    return export


def export_prepare(*, export: DataExport) -> DataExport:
    """Build the zip, store it (default file storage, an unguessable name), mark it ready
    until SODAN_EXPORT_DAYS from now, and tell the person. Safe to run twice: a ready export
    is not built again, and the notice is sent once (notification_deliver's key)."""
    from community.models import Notification
    from community.services import notification_deliver

    from .export import build_zip

    if export.status == DataExport.Status.PREPARING:
        now = timezone.now()
        content = build_zip(export.user, generated_at=now)
        export.file.save(f"{secrets.token_urlsafe(24)}.zip", ContentFile(content), save=False)
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + dt.timedelta(days=settings.SODAN_EXPORT_DAYS)
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
    if export.status != DataExport.Status.READY:
        return export
    notification_deliver(
        recipients=[export.user],
        kind=Notification.Kind.DATA_EXPORT_READY,
        dedupe_key=f"data_export:{export.pk}",
        actor=None,
        message=_("Your data export is ready to download until %(when)s.")
        % {"when": export.expires_at.strftime("%Y-%m-%d %H:%M UTC")},
        url=reverse("privacy:export_download", kwargs={"pk": export.pk}),
    )
    return export


def _remove_file(export: DataExport) -> None:
    if export.file:
        export.file.storage.delete(export.file.name)


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files of exports past their date; the row says it expired."""
    count = 0
    for export in DataExport.objects.expired(now).exclude(status=DataExport.Status.EXPIRED):
        _remove_file(export)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, file="")
        count += 1
    return count


# --- Erasure ----------------------------------------------------------------------------------


def _former_member() -> str:
    return "a former member"


def _identifiers(user: Any) -> tuple[list[str], list[str]]:
    """What names the person: unique marks (e-mail, @username), then words that may mean
    someone else too (the bare username, display name, first and last name)."""

    def longest_first(found: set[str]) -> list[str]:
        return sorted((i for i in found if i and len(i) >= 2), key=len, reverse=True)

    unique = {user.email, f"@{user.username}"}
    names = {user.username, user.display_name, f"{user.first_name} {user.last_name}".strip()}
    return longest_first(unique), longest_first(names - unique)


def _pattern(identifiers: Iterable[str]) -> re.Pattern:
    # Not inside a longer Latin word or address ("ken" is not scrubbed out of "token").
    alternatives = "|".join(re.escape(i) for i in identifiers)
    return re.compile(rf"(?<![A-Za-z0-9_.@-])(?:{alternatives})(?![A-Za-z0-9_])", re.IGNORECASE)


def _scrub_value(value: Any, pattern: re.Pattern) -> Any:
    if isinstance(value, str):
        return pattern.sub(_former_member(), value)
    if isinstance(value, list):
        return [_scrub_value(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item, pattern) for key, item in value.items()}
    return value


def _field(label: str) -> tuple[type[models.Model], models.Field] | None:
    app_model, name = label.rsplit(".", 1)
    try:
        model = apps.get_model(app_model)
        return model, model._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None  # an optional app not installed


# Posts are scrubbed of a name only in the threads the person took part in: a name is not
# unique ("Hana", "Sato"), and other threads that say it speak of someone else.
POSTS = ("qa.Thread", "qa.Answer", "qa.Revision")


def _in_threads(label: str, thread_ids: set[int]) -> Q:
    if label == "qa.Thread":
        return Q(pk__in=thread_ids)
    if label == "qa.Revision":  # a revision names its thread, or its answer
        return Q(thread_id__in=thread_ids) | Q(answer__thread_id__in=thread_ids)
    return Q(thread_id__in=thread_ids)


def _scrub_text(
    *, identifiers: list[str], names: list[str] = (), thread_ids: set[int] = frozenset()
) -> dict[str, set[int]]:
    """Replace the identifiers (and, outside other threads' posts, the names) in every column
    of registry.SCRUBBED_TEXT; the primary keys of the rows changed, by model label."""
    changed: dict[str, set[int]] = {}
    for label in registry.SCRUBBED_TEXT:
        found = _field(label)
        if found is None:
            continue
        model, field = found
        model_label = model._meta.label
        passes = [(identifiers, Q())]
        if names:
            scope = _in_threads(model_label, thread_ids) if model_label in POSTS else Q()
            passes.append((names, scope))
        for words, scope in passes:
            for pk in _scrub_column(model, field, words, scope):
                changed.setdefault(model_label, set()).add(pk)
    return changed


def _scrub_column(model: type[models.Model], field: models.Field, words: list[str], scope: Q):
    pattern = _pattern(words)
    name = field.name
    candidates = Q()
    queryset = model._base_manager.filter(scope)
    if isinstance(field, models.JSONField):
        queryset = queryset.annotate(_as_text=Cast(name, models.TextField()))
        for word in words:
            # JSON text may hold the word escaped (\u30cf…), as SQLite keeps it.
            candidates |= Q(_as_text__icontains=word)
            candidates |= Q(_as_text__icontains=json.dumps(word)[1:-1])
    else:
        for word in words:
            candidates |= Q(**{f"{name}__icontains": word})
    for pk, value in queryset.filter(candidates).values_list("pk", name):
        scrubbed = _scrub_value(value, pattern)
        if scrubbed != value:
            model._base_manager.filter(pk=pk).update(**{name: scrubbed})
            yield pk


def _posts_remove(user: Any) -> set[int]:
    """Take the person's threads and answers down, their words with them; the thread ids."""
    from brands.models import Brand
    from moderation.services.actions import thread_status_refresh
    from qa.models import Answer, Revision, Thread, Visibility

    answers = Answer.objects.filter(author=user).exclude(visibility=Visibility.DELETED)
    published = dict(
        answers.filter(visibility=Visibility.PUBLISHED)
        .values_list("thread_id")
        .annotate(n=Count("pk"))
    )
    touched = set(answers.values_list("thread_id", flat=True))
    answers.update(visibility=Visibility.DELETED, body="", body_html="")
    for thread_id, removed in published.items():
        Thread.objects.filter(pk=thread_id).update(answer_count=F("answer_count") - removed)
    threads = Thread.objects.filter(author=user).exclude(visibility=Visibility.DELETED)
    listed = dict(
        threads.filter(visibility=Visibility.PUBLISHED, duplicate_of__isnull=True)
        .values_list("brand_id")
        .annotate(n=Count("pk"))
    )
    own = set(threads.values_list("pk", flat=True))
    threads.update(
        visibility=Visibility.DELETED,
        title=_("Removed by its author"),
        body="",
        body_html="",
        excerpt="",
    )
    for brand_id, removed in listed.items():
        Brand.objects.filter(pk=brand_id).update(thread_count=F("thread_count") - removed)
    Revision.objects.filter(Q(thread__in=own) | Q(answer__author=user)).delete()
    for thread in Thread.objects.filter(pk__in=touched - own):
        thread_status_refresh(thread)
    return touched | own


def _threads_of(user: Any) -> set[int]:
    from qa.models import Answer, Revision, Thread

    return (
        set(Thread.objects.filter(author=user).values_list("pk", flat=True))
        | set(Answer.objects.filter(author=user).values_list("thread_id", flat=True))
        | set(
            Revision.objects.filter(editor=user, thread__isnull=False).values_list(
                "thread_id", flat=True
            )
        )
    )


@transaction.atomic
def account_erase(*, user: Any, remove_posts: bool = False) -> None:
    """Erase the person: their name disappears everywhere, their own data goes, and what
    others keep (posts, unless `remove_posts`; moderation records) stays under "a former
    member". Runs in one transaction, so nothing is left half-erased; the caller has
    confirmed it is them (password or a fresh sign-in). Each foreign key to the member is
    handled as privacy.registry says; the search index and cached pages learn through their
    doors (search through its outbox)."""
    from search import services as search_services

    permissions.check_can_manage_own_data(user)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    identifiers, names = _identifiers(user)
    page_cache.person_changed(user.pk)  # while the rows still say where their name shows
    threads = _threads_of(user)
    if remove_posts:
        threads |= _posts_remove(user)
    exports = list(DataExport.objects.filter(user=user))
    transaction.on_commit(lambda: [_remove_file(export) for export in exports])
    attachments_erase(user=user)  # their images, files too, before the walk drops the rows
    for model, field in registry.user_fields():
        handling = registry.USER_FIELDS.get(registry.field_label(model, field))
        if handling is None:
            # The walk test keeps this from happening; refuse rather than half-erase.
            raise RuntimeError(f"{registry.field_label(model, field)} is not in privacy.registry")
        rows = model._base_manager.filter(**{field.name: user})
        if handling.action == registry.DELETE:
            rows.delete()
        elif handling.action == registry.NULL:
            rows.update(**{field.name: None})
    user.username = f"{ERASED_PREFIX}{secrets.token_hex(8)}"
    user.email = ""
    user.first_name = user.last_name = user.display_name = user.bio = ""
    user.suspension_reason = ""
    user.language = ""
    user.email_notifications = False
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    changed = _scrub_text(identifiers=identifiers, names=names, thread_ids=threads)
    from qa.models import Answer, Revision

    threads |= changed.get("qa.Thread", set())
    threads |= set(
        Answer.objects.filter(pk__in=changed.get("qa.Answer", ())).values_list(
            "thread_id", flat=True
        )
    )
    threads |= set(
        Revision.objects.filter(
            pk__in=changed.get("qa.Revision", ()), thread__isnull=False
        ).values_list("thread_id", flat=True)
    )
    for thread_id in sorted(threads):
        page_cache.thread_changed(thread_id)
        search_services.thread_changed(thread_id)


# --- Brands: disclosure policy and requests ----------------------------------------------------


@transaction.atomic
def disclosure_policy_update(*, actor: Any, brand: Any, text: str) -> DisclosurePolicy:
    permissions.check_can_manage_disclosure(actor, brand)
    policy, _created = DisclosurePolicy.objects.update_or_create(
        brand=brand, defaults={"text": text.strip()[:5000], "updated_by": actor}
    )
    return policy


@transaction.atomic
def disclosure_request_create(*, user: Any, brand: Any, message: str = "") -> DisclosureRequest:
    """Ask a brand what it keeps; its admins are told (outbox) and have
    SODAN_DISCLOSURE_DUE_DAYS to answer. One open request per brand at a time."""
    permissions.check_can_manage_own_data(user)
    waiting = DisclosureRequest.objects.filter(brand=brand, requester=user).unanswered().first()
    if waiting is not None:
        raise ValidationError(
            _("You asked %(brand)s already; they answer by %(when)s.")
            % {"brand": brand.name, "when": waiting.due_at.strftime("%Y-%m-%d")}
        )
    request = DisclosureRequest.objects.create(
        brand=brand,
        requester=user,
        message=message.strip()[:2000],
        due_at=timezone.now() + dt.timedelta(days=settings.SODAN_DISCLOSURE_DUE_DAYS),
    )
    message_send("privacy.tasks.disclosure_request_notify", request.pk)
    return request


def disclosure_request_notify(*, request: DisclosureRequest) -> int:
    """Tell the brand's admins (in-app and e-mail), once per admin."""
    from brands.models import Membership
    from community.models import Notification
    from community.services import notification_deliver

    admins = [
        membership.user
        for membership in Membership.objects.active()
        .for_brand(request.brand)
        .filter(role=Membership.Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    return len(
        notification_deliver(
            recipients=admins,
            kind=Notification.Kind.DISCLOSURE_REQUEST,
            dedupe_key=f"disclosure_request:{request.pk}",
            actor=None,
            message=_("A customer asks what %(brand)s keeps about them. Answer by %(when)s.")
            % {"brand": request.brand.name, "when": request.due_at.strftime("%Y-%m-%d")},
            url=reverse("privacy:disclosure_requests", kwargs={"brand_slug": request.brand.slug}),
        )
    )


@transaction.atomic
def disclosure_request_answer(
    *, actor: Any, request: DisclosureRequest, answer: str
) -> DisclosureRequest:
    permissions.check_can_manage_disclosure(actor, request.brand)
    answer = answer.strip()
    if not answer:
        raise ValidationError(
            {"answer": [_("Write what the brand keeps, or that it keeps nothing.")]}
        )
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_at is not None:
        raise ValidationError({"answer": [_("This request is answered already.")]})
    request.answer = answer[:5000]
    request.answered_at = timezone.now()
    request.answered_by = actor
    request.save(update_fields=["answer", "answered_at", "answered_by"])
    message_send("privacy.tasks.disclosure_answer_notify", request.pk)
    return request


def disclosure_answer_notify(*, request: DisclosureRequest) -> int:
    """Tell the customer the brand answered; the answer waits on their page."""
    from community.models import Notification
    from community.services import notification_deliver

    return len(
        notification_deliver(
            recipients=[request.requester] if request.requester.is_active else [],
            kind=Notification.Kind.DISCLOSURE_ANSWERED,
            dedupe_key=f"disclosure_answered:{request.pk}",
            actor=None,
            message=_("%(brand)s answered your question about what it keeps about you.")
            % {"brand": request.brand.name},
            url=reverse("privacy:brands_keep"),
        )
    )
