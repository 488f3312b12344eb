"""allauth's SAML views, each imported when it is first called (or when anything about it
other than its name is first read), so that a worker loads python3-saml only when a
company signs in with SAML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string


class LazyView:
    """A view named by its dotted path. Django reads the name (`__module__`, `__name__`,
    `__qualname__`) when it builds the URL table (`URLPattern.lookup_str`) and on each
    match (`ResolverMatch`); those are answered from the path. Any other attribute, such
    as `csrf_exempt` (CsrfViewMiddleware) or allauth's `login_required`, is the real
    view's, imported to answer. `view_class` is not: the URL table asks whether there is
    one, and the name is enough there."""

    _view: Callable[..., HttpResponse] | None = None

    def __init__(self, dotted_path: str) -> None:
        self._dotted_path = dotted_path
        self.__module__, _, self.__name__ = dotted_path.rpartition(".")
        self.__qualname__ = self.__name__

    def _real(self) -> Callable[..., HttpResponse]:
        if self._view is None:
            self._view = import_string(self._dotted_path)
        return self._view

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._real()(request, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the instance does not have itself.
        if name == "view_class" or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(name)
        return getattr(self._real(), name)

    def __repr__(self) -> str:
        return f"<LazyView {self._dotted_path}>"


_ALLAUTH = "allauth.socialaccount.providers.saml.views"

acs = LazyView(f"{_ALLAUTH}.acs")
finish_acs = LazyView(f"{_ALLAUTH}.finish_acs")
sls = LazyView(f"{_ALLAUTH}.sls")
metadata = LazyView(f"{_ALLAUTH}.metadata")
login = LazyView(f"{_ALLAUTH}.login")
