from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, Product
from qa.models import Thread


class SearchForm(forms.Form):
    """Every field is optional and forgiving: a bad value is ignored, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=10_000)
    brand = forms.ModelChoiceField(
        label=_("Brand"),
        queryset=Brand.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All brands"),
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
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
