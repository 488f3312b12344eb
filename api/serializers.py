"""What the API shows and what it accepts. Shapes only: the rules are the services'.

Input serializers refuse fields they do not know (400 naming the field), so a client's
typo never silently does nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from brands.models import Brand, Product
from community.models import Notification, User
from feedback.models import FeedbackItem
from qa.models import Answer, Thread

# The largest values the database columns hold (a number past them would reach the
# database, which refuses it, instead of being a 400 naming the field).
MAX_ID = 2**63 - 1
MAX_REVISION = 2**31 - 1


class StrictInput(serializers.Serializer):
    """An input document: a JSON object with only the fields listed."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON object.")]}, code="invalid"
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field.")] for name in unknown}, code="unknown"
            )
        return super().to_internal_value(data)


def _text(**kwargs: Any) -> serializers.CharField:
    """Text as the person wrote it; its length and content are the service's to judge."""
    return serializers.CharField(trim_whitespace=False, allow_blank=True, **kwargs)


# --- People -------------------------------------------------------------------------------


class PersonOut(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="public_name")


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    bio = serializers.CharField()
    reputation = serializers.IntegerField()
    email_notifications = serializers.BooleanField()
    language = serializers.CharField()


class ProfileIn(StrictInput):
    display_name = _text(required=False, max_length=200)
    bio = _text(required=False, max_length=4000)
    email_notifications = serializers.BooleanField(required=False)
    language = _text(required=False, max_length=10)


class NotificationOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    actor = PersonOut(allow_null=True)
    thread = serializers.IntegerField(source="thread_id", allow_null=True)
    answer = serializers.IntegerField(source="answer_id", allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "message", "actor", "thread", "answer"]
        fields += ["created_at", "read_at"]


class NotificationsReadIn(StrictInput):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
    )


class NotificationsReadOut(serializers.Serializer):
    marked = serializers.IntegerField()


# --- Brands, products, releases ---------------------------------------------------------


class BrandOut(serializers.ModelSerializer):
    official = serializers.BooleanField(source="is_official")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Brand
        fields = ["slug", "name", "official", "domain", "description", "thread_count", "url"]


class ReleaseOut(serializers.Serializer):
    name = serializers.CharField()
    released_at = serializers.DateTimeField()


class ProductOut(serializers.ModelSerializer):
    releases = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["slug", "name", "releases"]

    @extend_schema_field(ReleaseOut(many=True))
    def get_releases(self, product: Product) -> list[dict]:
        return ReleaseOut(product.released_versions, many=True).data


# --- Threads and answers ----------------------------------------------------------------


class ThreadRightsOut(serializers.Serializer):
    answer = serializers.BooleanField()
    answer_refusal = serializers.CharField(
        help_text="Why the caller may not answer; empty if they may."
    )
    edit = serializers.BooleanField()
    me_too = serializers.BooleanField()
    flag = serializers.BooleanField()
    moderate = serializers.BooleanField()


class AnswerRightsOut(serializers.Serializer):
    edit = serializers.BooleanField()
    vote = serializers.BooleanField()
    accept = serializers.BooleanField()
    flag = serializers.BooleanField()


class ThreadOut(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    author = PersonOut()
    solved = serializers.BooleanField(source="is_solved")
    locked = serializers.SerializerMethodField()
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Thread
        fields = ["id", "brand", "product", "type", "title", "excerpt", "status", "solved"]
        fields += ["locked", "duplicate_of", "author", "answer_count", "me_too_count"]
        fields += ["created_at", "last_activity_at", "url"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_locked(self, thread: Thread) -> bool:
        return thread.locked_at is not None


class AnswerOut(serializers.ModelSerializer):
    thread = serializers.IntegerField(source="thread_id")
    author = PersonOut()
    accepted = serializers.BooleanField(source="is_accepted")
    official = serializers.BooleanField(source="is_official")
    endorsed = serializers.BooleanField(source="is_endorsed")
    verified = serializers.BooleanField(source="is_verified")
    revision = serializers.IntegerField(source="revision_count")
    voted = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["id", "thread", "author", "body", "body_html", "helpful_count", "accepted"]
        fields += ["official", "endorsed", "verified", "visibility", "revision", "created_at"]
        fields += ["edited_at", "voted", "can"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_voted(self, answer: Answer) -> bool:
        return bool(getattr(answer, "voted_by_viewer", False))

    @extend_schema_field(AnswerRightsOut)
    def get_can(self, answer: Answer) -> dict:
        return AnswerRightsOut(self.context["rights"].answer(answer.pk)).data


class ThreadDetailOut(ThreadOut):
    version = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision_count")
    said_me_too = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(ThreadOut.Meta):
        fields = [*ThreadOut.Meta.fields, "body", "body_html", "visibility", "version"]
        fields += ["revision", "edited_at", "said_me_too", "can", "answers"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_version(self, thread: Thread) -> str | None:
        return thread.version.name if thread.version_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_said_me_too(self, thread: Thread) -> bool:
        return bool(self.context.get("said_me_too"))

    @extend_schema_field(ThreadRightsOut)
    def get_can(self, thread: Thread) -> dict:
        rights = self.context["rights"]
        return {
            "answer": not rights.answer_refusal,
            "answer_refusal": rights.answer_refusal,
            "edit": rights.edit,
            "me_too": rights.me_too,
            "flag": rights.flag,
            "moderate": rights.moderate,
        }

    @extend_schema_field(AnswerOut(many=True))
    def get_answers(self, thread: Thread) -> list[dict]:
        return AnswerOut(self.context["answers"], many=True, context=self.context).data


class ThreadCreateIn(StrictInput):
    title = _text(max_length=1000)
    body = _text(max_length=200_000)
    type = serializers.ChoiceField(choices=Thread.Type.choices, default=Thread.Type.QUESTION)
    product = serializers.SlugField(required=False, allow_blank=True, max_length=100)
    version = serializers.CharField(required=False, allow_blank=True, max_length=50)


class ThreadEditIn(StrictInput):
    title = _text(max_length=1000)
    body = _text(max_length=200_000)
    reason = _text(required=False, max_length=1000)
    base_revision = serializers.IntegerField(required=False, min_value=1, max_value=MAX_REVISION)


class AnswerCreateIn(StrictInput):
    body = _text(max_length=200_000)


class AnswerEditIn(StrictInput):
    body = _text(max_length=200_000)
    reason = _text(required=False, max_length=1000)
    base_revision = serializers.IntegerField(required=False, min_value=1, max_value=MAX_REVISION)


class MeTooIn(StrictInput):
    version = _text(required=False, max_length=50)
    platform = _text(required=False, max_length=50)


class VoteOut(serializers.Serializer):
    voted = serializers.BooleanField()
    helpful_count = serializers.IntegerField()


class MeTooOut(serializers.Serializer):
    said_me_too = serializers.BooleanField()
    me_too_count = serializers.IntegerField()


class InboxThreadOut(ThreadOut):
    owner = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta(ThreadOut.Meta):
        fields = [*ThreadOut.Meta.fields, "owner", "due_at", "overdue"]

    @extend_schema_field(PersonOut(allow_null=True))
    def get_owner(self, thread: Thread) -> dict | None:
        ownership = thread.current_ownership
        return PersonOut(ownership.owner).data if ownership else None


# --- Feedback items -----------------------------------------------------------------------


class FeedbackItemOut(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    people = serializers.IntegerField(required=False)

    class Meta:
        model = FeedbackItem
        fields = ["id", "brand", "title", "kind", "status", "summary", "shipped_in"]
        fields += ["people", "created_at", "status_changed_at"]


class FeedbackStatusIn(StrictInput):
    status = serializers.ChoiceField(choices=FeedbackItem.Status.choices)
    message = _text(required=False, max_length=4000)
    shipped_in = _text(required=False, max_length=200)
    reason = _text(required=False, max_length=4000)


def user_out(user: User) -> dict:
    return PersonOut(user).data
