from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, Product
from qa.models import Thread


class PlainSelect(forms.Select):
    """A select whose options are written in Python, not one template render per option.

    With a hundred brands the template-rendered options took a large share of the search
    page's time (the benchmark's tier M); the HTML is the same.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options
        )


class SearchForm(forms.Form):
    """Every field is optional and forgiving: a bad value is ignored, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=10_000)
    brand = forms.ModelChoiceField(
        label=_("Brand"),
        queryset=Brand.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All brands"),
        widget=PlainSelect,
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
        widget=PlainSelect,
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *Thread.Type.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Thread.Status.choices], required=False
    )
    official = forms.BooleanField(label=_("Has an official answer"), required=False)
    verified = forms.BooleanField(label=_("Has a verified answer"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        slug = self.data.get("brand") if hasattr(self.data, "get") else None
        if slug:
            self.fields["product"].queryset = Product.objects.filter(brand__slug=slug)
