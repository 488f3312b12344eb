"""The rep inbox, the customer card (顧客カルテ) and the staff's audit log of a brand."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moderation.crisis_selectors import crisis_first, mark_crisis
from moderation.models import AuditLogEntry
from qa.models import Thread

from .. import permissions, selectors, services
from ..forms import CustomerNoteForm, InboxFilterForm, add_service_errors
from ..models import InboxView, Product


@login_required
def inbox(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_inbox
    )
    columns, saved_views = services.inbox_preferences(brand=brand, user=request.user)
    chosen_view = next((v for v in saved_views if str(v.pk) == request.GET.get("view")), None)
    if chosen_view is not None:  # a saved view is its filters' address
        return redirect(
            reverse("brands:inbox", kwargs={"brand_slug": brand.slug})
            + "?"
            # In the form's order, whatever order the database keeps the keys in.
            + urlencode(
                [(key, chosen_view.filters.get(key, "")) for key in ("tab", "product", "type")]
            )
        )
    filters = InboxFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    tab = cleaned.get("tab") or "unowned"
    product_slug, type = cleaned.get("product", ""), cleaned.get("type", "")
    now = timezone.now()
    threads = crisis_first(  # crisis threads first, marked (moderation/crisis_selectors.py)
        selectors.inbox_threads(
            brand=brand, user=request.user, tab=tab, product_slug=product_slug, type=type, now=now
        )
    )
    page = Paginator(threads, per_page=settings.SODAN_THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    selectors.mark_due(page.object_list, brand=brand, now=now)
    mark_crisis(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    base = query.copy()
    base.pop("tab", None)
    return render(
        request,
        "brands/inbox.html",
        {
            "brand": brand,
            "tab": tab,
            "tabs": selectors.INBOX_TABS,
            "counts": selectors.inbox_counts(
                brand=brand, user=request.user, product_slug=product_slug, type=type, now=now
            ),
            "page": page,
            "now": now,
            "products": list(Product.objects.for_brand(brand)),
            "types": Thread.Type.choices,
            "current": {"product": product_slug, "type": type},
            "querystring": query.urlencode(),
            "filter_querystring": base.urlencode(),
            "can_take": permissions.is_rep(request.user, brand),
            "can_manage_team": permissions.can_manage_team(request.user, brand),
            "columns": set(columns),
            "column_choices": list(services.INBOX_COLUMNS.items()),
            "saved_views": saved_views,
            "current_view": next(
                (
                    v
                    for v in saved_views
                    if v.filters
                    == {
                        k: val
                        for k, val in (("tab", tab), ("product", product_slug), ("type", type))
                        if val
                    }
                ),
                None,
            ),
        },
    )


@login_required
@require_POST
def inbox_columns(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The member chooses the inbox's columns for themselves."""
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_inbox
    )
    try:
        services.inbox_columns_set(
            actor=request.user, brand=brand, columns=request.POST.getlist("columns")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("brands:inbox", brand_slug=brand.slug)


@login_required
@require_POST
def inbox_view_save(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Save the inbox's current filters under a name, for this member."""
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_inbox
    )
    try:
        view = services.inbox_view_save(
            actor=request.user,
            brand=brand,
            name=request.POST.get("name", ""),
            filters={key: request.POST.get(key, "") for key in ("tab", "product", "type")},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("brands:inbox", brand_slug=brand.slug)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(reverse("brands:inbox", kwargs={"brand_slug": brand.slug}) + f"?view={view.pk}")


@login_required
@require_POST
def inbox_view_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_inbox
    )
    view = get_object_or_404(InboxView, brand=brand, user=request.user, pk=pk)
    services.inbox_view_delete(actor=request.user, view=view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("brands:inbox", brand_slug=brand.slug)


@login_required
def customer_card(request: HttpRequest, brand_slug: str, username: str) -> HttpResponse:
    brand = permissions.access_brand(request.user, brand_slug)
    customer = permissions.access_customer(request.user, brand, username)
    form = CustomerNoteForm(request.POST or None, initial={"thread": request.GET.get("thread")})
    status = 200
    if request.method == "POST":
        permissions.check_can_write_customer_note(request.user, brand)
        status = 400
        if form.is_valid():
            thread_id = form.cleaned_data.get("thread")
            thread = Thread.objects.filter(pk=thread_id, brand=brand).first() if thread_id else None
            try:
                services.customer_note_add(
                    actor=request.user,
                    brand=brand,
                    customer=customer,
                    body=form.cleaned_data["body"],
                    thread=thread,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your note is saved for the team."))
                return redirect(request.path + "#notes")
    return render(
        request,
        "brands/customer_card.html",
        {
            "brand": brand,
            "customer": customer,
            "products": list(Product.objects.for_brand(brand)),
            "form": form,
            "can_write": permissions.can_write_customer_note(request.user, brand),
            **selectors.customer_card(brand=brand, customer=customer),
        },
        status=status,
    )


@login_required
def audit_log(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Staff read who did what, when, on which object, for one brand."""
    permissions.check_can_read_audit_log(request.user)  # before the brand: staff only
    brand = permissions.access_brand(request.user, brand_slug)
    entries = AuditLogEntry.objects.for_brand(brand).select_related("actor", "target_type")
    page = Paginator(entries, per_page=50).get_page(request.GET.get("page"))
    return render(
        request,
        "brands/audit_log.html",
        {"brand": brand, "page": page, "products": list(Product.objects.for_brand(brand))},
    )
