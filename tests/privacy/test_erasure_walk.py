"""The erasure walk: every table that can hold a person's data is accounted for.

Statically, every foreign key to the member in every installed app (`apps.get_models()`)
must be in privacy.registry, with what erasure does to it: a new model with a user
foreign key fails here until someone decides how it is handled. Then a person with data
everywhere Sodan keeps it (and others' words naming them) is erased, and every text,
e-mail and JSON column of every table is searched for their name, username and e-mail
address: any left, outside the reviewed KEPT_TEXT, fails."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from brands import services as brand_services
from brands.models import Invitation
from cases import services as case_services
from community.models import Notification
from feedback.models import WebhookDelivery, WebhookEndpoint
from moderation.models import AuditLogEntry, Flag, Sanction
from outbox.models import Message
from privacy import registry, services
from qa import services as qa_services
from search.models import IndexOutbox
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME, USERNAME, EMAIL = "Sakura Walker", "sakurawalk", "sakura.walker@privacy.example"


def _declared(label: str):
    app_model, name = label.rsplit(".", 1)
    try:
        model = apps.get_model(app_model)
    except LookupError:
        return None
    return model._meta.get_field(name)  # a model that is here must have the field


def test_every_foreign_key_to_the_member_is_in_the_registry():
    missing = [
        registry.field_label(model, field)
        for model, field in registry.user_fields()
        if registry.field_label(model, field) not in registry.USER_FIELDS
    ]
    assert not missing, (
        "decide how erasure handles these (privacy/registry.py: delete, null or keep with "
        f"a reason): {missing}"
    )


def test_the_registry_names_real_fields_handled_as_they_can_be():
    for label, handling in registry.USER_FIELDS.items():
        field = _declared(label)
        if field is None:
            continue  # an optional app (social sign-in) not installed here
        assert handling.action in (registry.DELETE, registry.NULL, registry.KEEP)
        if handling.action == registry.NULL:
            assert field.null, f"{label} cannot be emptied"
        if handling.action == registry.KEEP:
            assert handling.reason, f"{label} is kept without a reason"
    for label in registry.SCRUBBED_TEXT:
        field = _declared(label)
        if field is None:
            continue
        assert isinstance(field, models.CharField | models.TextField | models.JSONField)


def _everywhere(person, customer_thread, rep, other_customer):
    """The person's data in every room, and others' words naming them."""
    brand = customer_thread.brand
    thread = qa_services.thread_create(
        author=person,
        brand=brand,
        title="Strap ring snapped",
        body=f"Write to me at {EMAIL}",
        type="problem",
    )
    answer = qa_services.answer_create(author=person, thread=customer_thread, body="Same here.")
    qa_services.answer_edit(actor=person, answer=answer, body=f"Same here. — {NAME}")
    reply = qa_services.answer_create(
        author=other_customer, thread=thread, body=f"@{USERNAME}, {NAME}: try the spare ring."
    )
    qa_services.answer_vote_toggle(user=person, answer=reply)
    qa_services.thread_me_too_toggle(user=person, thread=customer_thread)
    case = case_services.case_open(actor=rep, thread=thread, body=f"Hello {NAME}, your order?")
    case_services.case_message_post(actor=person, case=case, body=f"{NAME}, {EMAIL}")
    brand_services.customer_note_add(actor=rep, brand=brand, customer=person, body=f"{NAME} rang")
    brand_services.customer_note_add(
        actor=rep, brand=brand, customer=other_customer, body=f"Friend of {NAME}"
    )
    Flag.objects.create(thread=thread, brand=brand, flagger=person, reason="spam", note=NAME)
    Sanction.objects.create(
        user=person, kind="suspension", reason=f"{USERNAME} shouted", imposed_by=rep
    )
    AuditLogEntry.objects.create(
        actor=rep,
        action="member.suspend",
        target_repr=NAME,
        reason=f"{USERNAME}",
        data={"email": EMAIL},
    )
    Notification.objects.create(
        recipient=rep, kind="private_case", dedupe_key="walk", message=f"{NAME} wrote"
    )
    Notification.objects.create(recipient=person, actor=rep, kind="sanction", dedupe_key="walk")
    endpoint = WebhookEndpoint.objects.create(brand=brand, url="https://hooks.example/in")
    WebhookDelivery.objects.create(
        brand=brand,
        endpoint=endpoint,
        event="thread.created",
        payload={"author": {"name": NAME, "username": USERNAME, "email": EMAIL}},
        error=f"refused for {EMAIL}",
    )
    Message.objects.create(
        task="community.tasks.notify_answer_posted",
        args=[answer.pk, EMAIL],
        last_error=NAME,
        next_attempt_at=thread.created_at,
    )
    IndexOutbox.objects.create(thread_id=thread.pk, last_error=f"doc of {USERNAME}")
    Invitation.objects.create(
        brand=brand, email=EMAIL, role="rep", token_hash="x" * 64,
        expires_at=thread.created_at,
    )  # fmt: skip
    LogEntry.objects.create(
        user=rep,
        content_type=ContentType.objects.get_for_model(type(person)),
        object_id=str(person.pk),
        object_repr=NAME,
        action_flag=2,
        change_message=f"Changed {EMAIL}",
    )
    services.social_accounts_update(
        user=person, accounts={"blog": ("https://sakura.example", "public")}
    )
    services.export_request(user=person)
    services.disclosure_request_create(user=person, brand=brand, message=f"I am {NAME}")


def _text_columns():
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            texts = isinstance(field, models.CharField | models.TextField | models.JSONField)
            if texts and field.model is model:  # once, on the model that declares it
                yield model, field


def _holding(model, field, words):
    queryset = model._base_manager.all()
    name = field.name
    if isinstance(field, models.JSONField):
        queryset = queryset.annotate(_text=Cast(name, models.TextField()))
        name = "_text"
    found = Q()
    for word in words:
        found |= Q(**{f"{name}__icontains": word})
    return queryset.filter(found).count()


def test_erasure_leaves_nothing_of_the_person_anywhere(
    committed, customer_thread, rep, other_customer
):
    person = UserFactory(username=USERNAME, display_name=NAME, email=EMAIL)
    with committed():
        _everywhere(person, customer_thread, rep, other_customer)
    words = [NAME, USERNAME, EMAIL]
    # The walk can see: before erasure, the words are in many tables.
    before = {
        f"{model._meta.label}.{field.name}"
        for model, field in _text_columns()
        if _holding(model, field, words)
    }
    assert {"qa.Answer.body", "cases.CaseMessage.body", "outbox.Message.args"} <= before
    assert {"feedback.WebhookDelivery.payload", "community.User.email"} <= before

    with committed():
        services.account_erase(user=person, remove_posts=False)

    left = {
        f"{model._meta.label}.{field.name}"
        for model, field in _text_columns()
        if f"{model._meta.label}.{field.name}" not in registry.KEPT_TEXT
        and _holding(model, field, words)
    }
    assert not left, f"erasure missed the person's name, username or e-mail in: {sorted(left)}"
    for model, field in registry.user_fields():
        handling = registry.USER_FIELDS[registry.field_label(model, field)]
        if handling.action != registry.KEEP:
            assert not model._base_manager.filter(**{field.name: person.pk}).exists(), (
                registry.field_label(model, field)
            )
