"""The feedback board, feedback items, labels, the praise and complaints pages, the team's
feedback tools on a thread, and a person's loop-closing e-mail preference."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.forms import add_service_errors
from brands.models import Brand, Product
from community.spreadsheets import csv_response
from feedback.models import FeedbackItem, FeedbackLabel
from qa.models import Thread

from .. import forms, permissions, selectors
from ..services import items as services


def _querystring(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for key in ("page", *drop):
        query.pop(key, None)
    return query.urlencode()


def _nav(brand: Brand, request: HttpRequest) -> dict:
    return {
        "brand": brand,
        "products": list(Product.objects.for_brand(brand)),
        "can_work": permissions.can_work_on_feedback(request.user, brand),
    }


# --- The board -----------------------------------------------------------------------------


@login_required
def board(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    filters = forms.BoardFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {"sort": "people"}
    items = selectors.board_items(
        brand=brand,
        sort=cleaned.get("sort") or "people",
        status=cleaned.get("status") or "",
        product_slug=cleaned.get("product") or "",
        kind=cleaned.get("kind") or "",
        label_id=cleaned.get("label"),
    )
    page = Paginator(items, per_page=settings.SODAN_THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    selectors.attach_products(list(page.object_list))
    return render(
        request,
        "feedback/board.html",
        {
            **_nav(brand, request),
            "page": page,
            "filters": filters,
            "current": {k: cleaned.get(k) or "" for k in ("sort", "status", "kind", "product")},
            "current_label": cleaned.get("label"),
            "labels": list(FeedbackLabel.objects.for_brand(brand)),
            "counts": selectors.status_counts(brand),
            "statuses": FeedbackItem.Status.choices,
            "kinds": FeedbackItem.Kind.choices,
            "sorts": forms.BoardFilterForm.SORTS,
            "querystring": _querystring(request),
        },
    )


@login_required
def item_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    permissions.check_can_work_on_feedback(request.user, brand)
    form = forms.NewItemForm(
        request.POST or None, initial={"threads": request.GET.get("threads", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numbers = data.pop("threads")
        threads = list(Thread.objects.filter(pk__in=numbers).select_related("brand"))
        missing = sorted(set(numbers) - {t.pk for t in threads})
        if missing:
            form.add_error("threads", _("No thread #%(id)s.") % {"id": missing[0]})
        else:
            try:
                item = services.feedback_item_create(
                    actor=request.user, brand=brand, threads=threads, **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Feedback item created."))
                return redirect(item.get_absolute_url())
    return render(
        request,
        "feedback/item_form.html",
        {**_nav(brand, request), "form": form, "item": None},
        status=400 if form.errors else 200,
    )


# --- One item ------------------------------------------------------------------------------


def _item_page(
    request: HttpRequest, brand: Brand, item: FeedbackItem, status: int = 200, **forms_: object
) -> HttpResponse:
    if item.merged_into_id and not forms_:
        messages.info(
            request,
            _("Item #%(source)s was merged into this one.") % {"source": item.pk},
        )
        return redirect(item.merged_into.get_absolute_url())
    page = selectors.item_page(item=item)
    for thread in (link.thread for link in page.links):
        thread.labels_form = forms.ThreadLabelsForm(
            initial={"labels": sorted(thread.label_ids)},
            labels=page.labels,
            prefix=f"t{thread.pk}",
        )
    context = {
        **_nav(brand, request),
        "item": item,
        "page": page,
        "public_status": selectors.public_status(item),
        "status_form": forms_.get("status_form")
        or forms.StatusForm(
            initial={
                "status": item.status,
                "shipped_in": item.shipped_in,
                "message": item.resolution,
                "reason": item.decline_reason,
            }
        ),
        "link_form": forms_.get("link_form") or forms.LinkThreadsForm(suggestions=page.suggestions),
        "comment_form": forms_.get("comment_form") or forms.CommentForm(),
        "merge_form": forms_.get("merge_form") or forms.MergeForm(targets=page.merge_targets),
        "pipeline": [(status.value, status.label) for status in FeedbackItem.PIPELINE],
    }
    return render(request, "feedback/item.html", context, status=status)


@login_required
def item_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    return _item_page(request, brand, permissions.access_item(request.user, brand, pk))


@login_required
def item_edit(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk, for_work=True)
    initial = {f: getattr(item, f) for f in ("title", "kind", "summary", "issue_url")}
    form = forms.ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_item_edit(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(item.get_absolute_url())
    return render(
        request,
        "feedback/item_form.html",
        {**_nav(brand, request), "form": form, "item": item},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_link(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk, for_work=True)
    page = selectors.item_page(item=item)
    form = forms.LinkThreadsForm(request.POST, suggestions=page.suggestions)
    if form.is_valid():
        numbers = form.cleaned_data["numbers"]
        threads = list(Thread.objects.filter(pk__in=numbers).select_related("brand"))
        missing = sorted(set(numbers) - {t.pk for t in threads})
        if missing:
            form.add_error("threads", _("No thread #%(id)s.") % {"id": missing[0]})
        else:
            try:
                linked = services.feedback_threads_link(
                    actor=request.user, item=item, threads=threads
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)d thread(s) linked. Their customers see the item's status.")
                    % {"count": len(linked)},
                )
                return redirect(item.get_absolute_url() + "#threads")
    return _item_page(request, brand, item, status=400, link_form=form)


@login_required
@require_POST
def item_unlink(request: HttpRequest, brand_slug: str, pk: int, thread_pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk)
    thread = permissions.access_linked_thread(request.user, item, thread_pk)
    services.feedback_thread_unlink(actor=request.user, thread=thread)
    messages.success(request, _("Thread #%(id)s unlinked.") % {"id": thread.pk})
    return redirect(item.get_absolute_url() + "#threads")


@login_required
@require_POST
def item_status(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            item = services.feedback_status_set(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if item.is_shipped:
                messages.success(
                    request,
                    _("Shipped. Everyone affected is being told, once each."),
                )
            else:
                messages.success(request, _("Status saved: the linked threads show it."))
            return redirect(item.get_absolute_url())
    permissions.check_can_work_on_feedback(request.user, brand)
    return _item_page(request, brand, item, status=400, status_form=form)


@login_required
@require_POST
def item_comment(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.feedback_comment_add(
                actor=request.user, item=item, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(item.get_absolute_url() + f"#comment-{comment.pk}")
    permissions.check_can_work_on_feedback(request.user, brand)
    return _item_page(request, brand, item, status=400, comment_form=form)


@login_required
@require_POST
def item_merge(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk, for_work=True)
    targets = list(FeedbackItem.objects.for_brand(brand).active().exclude(pk=item.pk))
    form = forms.MergeForm(request.POST, targets=targets)
    if form.is_valid():
        target = next(t for t in targets if t.pk == form.cleaned_data["target"])
        try:
            services.feedback_items_merge(actor=request.user, source=item, target=target)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Merged: the threads of #%(id)s are on this item now.") % {"id": item.pk}
            )
            return redirect(target.get_absolute_url())
    return _item_page(request, brand, item, status=400, merge_form=form)


@login_required
def item_cohort_csv(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """The "me too" cohort of an item: public names, versions, platforms; no e-mail."""
    brand = permissions.access_feedback(request.user, brand_slug)
    item = permissions.access_item(request.user, brand, pk)
    filename = f"feedback-{item.pk}-cohort.csv"
    if request.GET.get("table") == "breakdown":
        return csv_response(
            filename,
            [_("Version"), _("Platform"), _("People")],
            (
                [row["version"], row["platform"], row["people"]]
                for row in selectors.cohort_breakdown(item)
            ),
        )
    return csv_response(
        filename,
        [_("Thread"), _("Thread title"), _("Person"), _("Version"), _("Platform"), _("Pressed at")],
        (
            [
                me_too.thread_id,
                me_too.thread.title,
                me_too.user.public_name,
                me_too.version,
                me_too.platform,
                timezone.localtime(me_too.created_at).isoformat(timespec="minutes"),
            ]
            for me_too in selectors.cohort_rows(item)
        ),
    )


# --- Labels --------------------------------------------------------------------------------


@login_required
def labels(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    form = forms.LabelForm(request.POST or None)
    if request.method == "POST":
        permissions.check_can_manage_labels(request.user, brand)
        if form.is_valid():
            try:
                services.feedback_label_create(actor=request.user, brand=brand, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Label added."))
                return redirect("feedback:labels", brand_slug=brand.slug)
    return render(
        request,
        "feedback/labels.html",
        {
            **_nav(brand, request),
            "labels": list(FeedbackLabel.objects.for_brand(brand)),
            "form": form,
            "can_manage": permissions.can_manage_labels(request.user, brand),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def label_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    label = permissions.access_label(request.user, brand, pk)
    services.feedback_label_delete(actor=request.user, label=label)
    messages.success(request, _("Label removed from every thread."))
    return redirect("feedback:labels", brand_slug=brand.slug)


# --- On a thread page ----------------------------------------------------------------------


@login_required
@require_POST
def thread_labels(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.access_team_thread(request.user, pk)
    brand_labels = list(FeedbackLabel.objects.for_brand(thread.brand))
    form = forms.ThreadLabelsForm(
        request.POST, labels=brand_labels, prefix=request.POST.get("prefix") or None
    )
    if form.is_valid():
        chosen = [label for label in brand_labels if label.pk in form.cleaned_data["labels"]]
        services.thread_labels_set(actor=request.user, thread=thread, labels=chosen)
        messages.success(request, _("Labels saved."))
    else:
        messages.error(request, _("Choose labels from the list."))
    return redirect(request.POST.get("next") or thread.get_absolute_url())


@login_required
@require_POST
def thread_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the thread to an item of its brand, or start a new item from it."""
    thread = permissions.access_team_thread(request.user, pk)
    items = list(FeedbackItem.objects.for_brand(thread.brand).active())
    form = forms.ThreadItemForm(request.POST, items=items)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(thread)
    try:
        if form.cleaned_data.get("item"):
            item = next(i for i in items if i.pk == form.cleaned_data["item"])
            services.feedback_threads_link(actor=request.user, item=item, threads=[thread])
        else:
            item = services.feedback_item_create(
                actor=request.user,
                brand=thread.brand,
                title=form.cleaned_data["new_title"],
                kind=form.cleaned_data.get("kind") or FeedbackItem.Kind.PROBLEM,
                threads=[thread],
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(thread)
    messages.success(
        request,
        _("Linked to feedback item #%(id)s “%(title)s”.") % {"id": item.pk, "title": item.title},
    )
    return redirect(thread)


@login_required
@require_POST
def thread_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.access_team_thread(request.user, pk)
    services.feedback_thread_unlink(actor=request.user, thread=thread)
    messages.success(request, _("The thread is no longer linked to a feedback item."))
    return redirect(thread)


# --- Voices of joy and of complaint --------------------------------------------------------


@login_required
def praise(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    page = Paginator(selectors.praise_threads(brand), per_page=settings.SODAN_THREADS_PER_PAGE)
    return render(
        request,
        "feedback/praise.html",
        {
            **_nav(brand, request),
            "page": page.get_page(request.GET.get("page")),
            "answers": selectors.thankful_answers(brand),
        },
    )


@login_required
def complaints(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_feedback(request.user, brand_slug)
    unsolved = request.GET.get("unsolved") == "1"
    threads = selectors.complaint_threads(brand, unsolved_only=unsolved)
    page = Paginator(threads, per_page=settings.SODAN_THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for thread in page.object_list:
        thread.feedback_item = selectors.linked_item_of(thread)
    return render(
        request,
        "feedback/complaints.html",
        {
            **_nav(brand, request),
            "page": page,
            "unsolved": unsolved,
            "items": selectors.top_complaint_items(brand),
            "querystring": _querystring(request),
        },
    )


# --- A person's preference -----------------------------------------------------------------


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    opted_out = services.feedback_emails_opted_out(request.user)
    # An unticked box posts nothing, so the form is bound on POST even when the body is empty.
    data = request.POST if request.method == "POST" else None
    form = forms.EmailOptOutForm(data, initial={"emails": not opted_out})
    if request.method == "POST" and form.is_valid():
        services.feedback_email_opt_out_set(
            user=request.user, opted_out=not form.cleaned_data["emails"]
        )
        messages.success(request, _("Your e-mail preference is saved."))
        return redirect("feedback:email_settings")
    return render(
        request,
        "feedback/email_settings.html",
        {"form": form, "email_notifications": request.user.email_notifications},
    )


def email_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a loop-closing e-mail: confirm with one button, no log-in needed."""
    user = services.opt_out_user(token)
    if user is None:
        raise Http404(_("This link is not valid."))
    done = False
    if request.method == "POST":
        services.feedback_email_opt_out_set(user=user, opted_out=True)
        done = True
    return render(request, "feedback/email_stop.html", {"person": user, "done": done})
