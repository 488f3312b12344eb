from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, Product
from community.compiled_queries import CompiledQuery
from qa.models import Thread


class PlainSelect(forms.Select):
    """A select whose options are written in Python, not one template render per option.

    With a hundred brands the template-rendered options took a large share of the search
    page's time (the benchmark's tier M), and so did building Django's option dicts; the
    HTML is the same.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = self.format_value(value)[:1]  # a single select: at most one is selected
        # Escaped here with html.escape (what format_html does per argument through two
        # more calls each): a hundred brands' options were 40,000 calls per hundred pages.
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # noqa: S308 - every part escaped above
        )


class PlainCheckbox(forms.CheckboxInput):
    """A checkbox written in Python, as Django's input template writes it: two of them were
    two template renders (input.html and attrs.html) on every search page."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        if self.check_test(value):
            attrs["checked"] = True
        shown = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            _attributes(attrs),
        )


def _attributes(attrs: dict) -> SafeString:
    """Attributes in their order, as django/forms/widgets/attrs.html writes them (flatatt
    would put the valueless ones last and leave out None)."""
    return mark_safe(  # noqa: S308 - every name and value escaped here
        "".join(
            f" {escape(str(key))}"
            if value is True
            else f' {escape(str(key))}="{escape(str(value))}"'
            for key, value in attrs.items()
            if value is not False
        )
    )


# The SQL of a choice list read whole (every brand), per database, model and field:
# compiled once per process instead of on every search page (0.6 ms of values_list for
# 0.2 ms of SQL). A list with a filter (a brand's products) is compiled each time.
_WHOLE_LISTS: dict[tuple[str, type, str], tuple[str, tuple]] = {}


def _slug_names(queryset: QuerySet, to_field: str) -> list[tuple[str, str]]:
    query = queryset.query
    if query.is_empty():  # no brand chosen: no products, and no query compiled to say so
        return []
    if query.where or query.is_sliced or query.order_by or query.extra or query.annotations:
        return list(queryset.values_list(to_field, "name"))
    alias = queryset.db
    key = (alias, queryset.model, to_field)
    compiled = _WHOLE_LISTS.get(key)
    if compiled is None:
        sql, params = queryset.values_list(to_field, "name").query.sql_with_params()
        compiled = _WHOLE_LISTS[key] = (sql, tuple(params))
    with connections[alias].cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


class SlugNameIterator(ModelChoiceIterator):
    """(slug, name) pairs read as values: no model instance per option, and one plain query
    instead of a server-side cursor (ModelChoiceIterator's queryset.iterator())."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from _slug_names(self.queryset, self.field.to_field_name)

    def __len__(self) -> int:
        return self.queryset.count() + (self.field.empty_label is not None)


class SlugChoiceField(forms.ModelChoiceField):
    """A brand or a product chosen by slug, shown by name."""

    iterator = SlugNameIterator


def _the_one(field: forms.ChoiceField, found: list, value: Any) -> Any:
    """The object a choice's slug named, or the field's own "not one of the choices"."""
    if not found:
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )
    return found[0]


def _brand_by_slug(slug: str) -> QuerySet[Brand]:
    return Brand.objects.filter(slug=slug)


# The brand a search is scoped to, by a query compiled once per process (Django's get()
# built and compiled the brand's every column on each brand search: about 1 ms of it).
_BRAND_BY_SLUG = CompiledQuery(Brand, _brand_by_slug, parameters={"slug": str})


class BrandChoiceField(SlugChoiceField):
    """Any brand, by slug (every brand is listed in the filter)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        found = _BRAND_BY_SLUG.fetch(slug=str(value))
        return _the_one(self, found, value)


def _products_of_brand(brand: str) -> QuerySet[Product]:
    return Product.objects.filter(brand__slug=brand).only("slug", "name")


# A brand's products for the filter, by a query compiled once per process (the queryset
# was built, its join set up, and compiled on every brand search: about 1 ms).
_BRAND_PRODUCTS = CompiledQuery(Product, _products_of_brand, parameters={"brand": str})


def _product_of_brand(brand: str, slug: str) -> QuerySet[Product]:
    return Product.objects.filter(brand__slug=brand, slug=slug)


_PRODUCT_OF_BRAND = CompiledQuery(
    Product, _product_of_brand, parameters={"brand": str, "slug": str}
)


class BrandProductsIterator(ModelChoiceIterator):
    """The products of the brand asked for, as (slug, name)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.brand_slug:
            for product in _BRAND_PRODUCTS.fetch(brand=self.field.brand_slug):
                yield (product.slug, product.name)

    def __len__(self) -> int:
        return len(list(self))


class ProductChoiceField(SlugChoiceField):
    """A product of the brand asked for (SearchForm sets `brand_slug`), by slug."""

    iterator = BrandProductsIterator
    brand_slug = ""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        found = (
            _PRODUCT_OF_BRAND.fetch(brand=self.brand_slug, slug=str(value))
            if self.brand_slug
            else []
        )
        return _the_one(self, found, value)


class SearchForm(forms.Form):
    """Every field is optional and forgiving: a bad value is ignored, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=10_000)
    brand = BrandChoiceField(
        label=_("Brand"),
        queryset=Brand.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All brands"),
        widget=PlainSelect,
    )
    product = ProductChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
        widget=PlainSelect,
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("All types")), *Thread.Type.choices],
        required=False,
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Thread.Status.choices],
        required=False,
        widget=PlainSelect,
    )
    official = forms.BooleanField(
        label=_("Has an official answer"), required=False, widget=PlainCheckbox
    )
    verified = forms.BooleanField(
        label=_("Has a verified answer"), required=False, widget=PlainCheckbox
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        slug = self.data.get("brand") if hasattr(self.data, "get") else None
        if slug:
            self.fields["product"].brand_slug = str(slug)


class BrandSynonymForm(forms.Form):
    words = forms.CharField(
        label=_("Words that mean the same"),
        max_length=300,
        help_text=_(
            "Separated by commas, e.g. a product's nickname and its name: X5, エックスファイブ."
        ),
    )
