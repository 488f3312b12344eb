"""A thread with its answers, and everything a person does on one: edit, answer, accept,
vote, me too. Each write is the page's service, with its rule, limit and audit entry."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from brands.models import OfficialDraft
from qa import permissions as qa_permissions
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import Answer, HelpfulVote
from qa.rights import thread_viewer_rights

from .. import permissions, serializers
from .base import IDEMPOTENCY_PARAMETER, ApiView, idempotency_key


def _valid(serializer_class: Any, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _held(draft: OfficialDraft) -> Response:
    """202: the brand's approval rules hold the official answer (or the change to it) as a
    draft for its approvers; nothing is published yet."""
    return Response(
        {
            "draft": draft.pk,
            "status": draft.status,
            "detail": _(
                "The official answer waits for an approver; it is published once approved."
            ),
        },
        status=status.HTTP_202_ACCEPTED,
    )


def thread_document(request: Request, pk: int) -> dict:
    """The thread as the caller sees it: its answers in reading order, and what they may do."""
    thread = permissions.access_thread(request, pk)
    answers = qa_selectors.thread_answers(thread=thread, user=request.user)
    context = {
        "request": request,
        "answers": answers,
        "rights": thread_viewer_rights(request.user, thread, answers),
        "said_me_too": qa_selectors.viewer_said_me_too(thread=thread, user=request.user),
    }
    return serializers.ThreadDetailOut(thread, context=context).data


def answer_document(request: Request, pk: int) -> dict:
    answer = permissions.access_answer(request, pk)
    if getattr(request.user, "is_authenticated", False):
        answer.voted_by_viewer = HelpfulVote.objects.filter(
            answer=answer, user=request.user
        ).exists()
    context = {
        "request": request,
        "rights": thread_viewer_rights(request.user, answer.thread, [answer]),
    }
    return serializers.AnswerOut(answer, context=context).data


def already_saved(request: Request, saved: qa_services.AlreadySubmitted) -> Response:
    """The same post sent again with its Idempotency-Key: what the first one saved."""
    post = saved.post
    if isinstance(post, Answer):
        return Response(answer_document(request, post.pk))
    if post is not None:
        return Response(thread_document(request, post.pk))
    raise Http404


class ThreadDetail(ApiView):
    serializer_class = serializers.ThreadDetailOut

    def get(self, request: Request, pk: int) -> Response:
        return Response(thread_document(request, pk))

    @extend_schema(
        request=serializers.ThreadEditIn,
        responses={200: serializers.ThreadDetailOut},
        description="Edit the question. With `base_revision` (the `revision` you read), an "
        "edit saved by someone else meanwhile is answered with 409 and that version.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        thread = permissions.access_thread(request, pk)
        data = _valid(serializers.ThreadEditIn, request)
        qa_services.thread_edit(actor=request.user, thread=thread, **data)
        return Response(thread_document(request, pk))


class ThreadAnswers(ApiView):
    serializer_class = serializers.AnswerOut

    @extend_schema(
        request=serializers.AnswerCreateIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: serializers.AnswerOut, 200: serializers.AnswerOut},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = permissions.access_thread(request, pk)
        qa_permissions.check_can_answer(request.user, thread)
        key = idempotency_key(request)
        data = _valid(serializers.AnswerCreateIn, request)
        try:
            answer = qa_services.answer_create(
                author=request.user, thread=thread, body=data["body"], submission_token=key
            )
        except qa_services.AlreadySubmitted as saved:
            return already_saved(request, saved)
        if isinstance(answer, OfficialDraft):
            return _held(answer)
        return Response(answer_document(request, answer.pk), status=status.HTTP_201_CREATED)


class ThreadMeToo(ApiView):
    """PUT says "me too" (with the optional version and platform), DELETE takes it back;
    both are idempotent."""

    serializer_class = serializers.MeTooOut

    @extend_schema(request=serializers.MeTooIn, responses={200: serializers.MeTooOut})
    def put(self, request: Request, pk: int) -> Response:
        return self._set(request, pk, wanted=True)

    @extend_schema(request=None, responses={200: serializers.MeTooOut})
    def delete(self, request: Request, pk: int) -> Response:
        return self._set(request, pk, wanted=False)

    def _set(self, request: Request, pk: int, *, wanted: bool) -> Response:
        thread = permissions.access_thread(request, pk)
        data = _valid(serializers.MeTooIn, request) if wanted else {}
        qa_permissions.check_can_me_too(request.user, thread)
        said = qa_selectors.viewer_said_me_too(thread=thread, user=request.user)
        if said != wanted:
            said = qa_services.thread_me_too_toggle(user=request.user, thread=thread, **data)
        thread.refresh_from_db(fields=["me_too_count"])
        return Response({"said_me_too": said, "me_too_count": thread.me_too_count})


class AnswerDetail(ApiView):
    serializer_class = serializers.AnswerOut

    def get(self, request: Request, pk: int) -> Response:
        return Response(answer_document(request, pk))

    @extend_schema(
        request=serializers.AnswerEditIn,
        responses={200: serializers.AnswerOut},
        description="Edit the answer; `base_revision` as for a thread (409 on a conflict).",
    )
    def patch(self, request: Request, pk: int) -> Response:
        answer = permissions.access_answer(request, pk)
        data = _valid(serializers.AnswerEditIn, request)
        answer = qa_services.answer_edit(actor=request.user, answer=answer, **data)
        held = getattr(answer, "held_for_approval", None)
        if held is not None:
            return _held(held)
        return Response(answer_document(request, pk))


class AnswerAccept(ApiView):
    """PUT accepts the answer (the asker, or a neutral moderator); DELETE undoes it."""

    serializer_class = serializers.AnswerOut

    @extend_schema(request=None, responses={200: serializers.AnswerOut})
    def put(self, request: Request, pk: int) -> Response:
        qa_services.answer_accept(actor=request.user, answer=permissions.access_answer(request, pk))
        return Response(answer_document(request, pk))

    @extend_schema(request=None, responses={200: serializers.AnswerOut})
    def delete(self, request: Request, pk: int) -> Response:
        qa_services.answer_unaccept(
            actor=request.user, answer=permissions.access_answer(request, pk)
        )
        return Response(answer_document(request, pk))


class AnswerVote(ApiView):
    """PUT votes the answer helpful, DELETE takes the vote back; both are idempotent."""

    serializer_class = serializers.VoteOut

    @extend_schema(request=None, responses={200: serializers.VoteOut})
    def put(self, request: Request, pk: int) -> Response:
        return self._set(request, pk, wanted=True)

    @extend_schema(request=None, responses={200: serializers.VoteOut})
    def delete(self, request: Request, pk: int) -> Response:
        return self._set(request, pk, wanted=False)

    def _set(self, request: Request, pk: int, *, wanted: bool) -> Response:
        answer = permissions.access_answer(request, pk)
        qa_permissions.check_can_vote(request.user, answer)
        voted = HelpfulVote.objects.filter(answer=answer, user=request.user).exists()
        if voted != wanted:
            voted = qa_services.answer_vote_toggle(user=request.user, answer=answer)
        count = Answer.objects.filter(pk=answer.pk).values_list("helpful_count", flat=True)[0]
        return Response({"voted": voted, "helpful_count": count})
