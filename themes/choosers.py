"""Wagtail admin choosers for a brand page's featured threads and product links.

They list only what belongs to a brand the editor administers (staff see every brand), so
a brand admin never even sees another brand's threads in the picker; the page itself still
refuses foreign rows on save (BrandHomePage.clean), whatever the picker was asked.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from . import selectors


class TitleSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Words in the title")}),
    )

    def __init__(self, *args, field: str = "title", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.search_field = field

    def filter(self, objects: QuerySet) -> QuerySet:
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(**{f"{self.search_field}__icontains": query})
        return objects


class _EditorsBrandsMixin:
    """Only rows of brands whose pages the requesting editor may edit."""

    search_field = "title"

    def get_object_list(self) -> QuerySet:
        brands = selectors.brands_edited_by(self.request.user)
        return self.restrict(self.model_class.objects.filter(brand__in=brands))

    def restrict(self, objects: QuerySet) -> QuerySet:
        return objects

    def get_filter_form(self) -> TitleSearchForm:
        return TitleSearchForm(self.request.GET, field=self.search_field)


class _ThreadRestriction:
    def restrict(self, objects: QuerySet) -> QuerySet:
        return objects.listed().select_related("brand").order_by("-last_activity_at")

    @property
    def columns(self) -> list[Column]:
        return [*super().columns, Column("brand", label=_("Brand"), accessor="brand")]


class _ChosenForEditor:
    def get_object(self, pk):
        brands = selectors.brands_edited_by(self.request.user)
        found = self.model_class.objects.filter(brand__in=brands, pk=pk).first()
        if found is None:
            raise Http404
        return found


class ThreadChooseView(_ThreadRestriction, _EditorsBrandsMixin, ChooseView):
    pass


class ThreadChooseResultsView(_ThreadRestriction, _EditorsBrandsMixin, ChooseResultsView):
    pass


class ThreadChosenView(_ChosenForEditor, ChosenView):
    pass


class ProductChooseView(_EditorsBrandsMixin, ChooseView):
    search_field = "name"


class ProductChooseResultsView(_EditorsBrandsMixin, ChooseResultsView):
    search_field = "name"


class ProductChosenView(_ChosenForEditor, ChosenView):
    pass


class ThreadChooserViewSet(ChooserViewSet):
    model = "qa.Thread"
    icon = "help"
    choose_one_text = _("Choose a thread")
    choose_another_text = _("Choose another thread")
    choose_view_class = ThreadChooseView
    choose_results_view_class = ThreadChooseResultsView
    chosen_view_class = ThreadChosenView
    register_widget = False  # only the brand page's blocks use it


class ProductChooserViewSet(ChooserViewSet):
    model = "brands.Product"
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    chosen_view_class = ProductChosenView
    register_widget = False


thread_chooser_viewset = ThreadChooserViewSet("sodan_thread_chooser")
product_chooser_viewset = ProductChooserViewSet("sodan_product_chooser")
