"""community.middleware.SettingsPolicyCSPMiddleware: the policy of the settings built once
per process gives every response the header django-csp's own middleware gives it."""

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse

from community.middleware import SettingsPolicyCSPMiddleware


def _headers(middleware_class, rf, path="/t/1/lens/", *, use_nonce=True, **response_attrs):
    middleware = middleware_class(lambda request: HttpResponse("page"))
    request = rf.get(path)
    middleware.process_request(request)
    nonce = str(request.csp_nonce) if use_nonce else None
    request._csp_nonce = nonce  # the same nonce for both middlewares
    response = HttpResponse("page")
    for name, value in response_attrs.items():
        setattr(response, name, value)
    response = middleware.process_response(request, response)
    return nonce, {
        name: response.get(name)
        for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    }


@pytest.mark.parametrize(
    ("path", "use_nonce", "attrs"),
    [
        ("/t/1/lens/", True, {}),
        ("/t/1/lens/", False, {}),
        ("/admin/pages/", True, {}),  # excluded by the settings: no header
        ("/t/1/lens/", True, {"_csp_exempt": True}),
        ("/accounts/login/", True, {"_csp_update": {"form-action": ["https://sso.example"]}}),
    ],
)
def test_the_header_is_django_csps_own(rf, path, use_nonce, attrs):
    def headers(middleware_class):
        nonce, found = _headers(middleware_class, rf, path, use_nonce=use_nonce, **attrs)
        return {name: value and value.replace(nonce or "-", "N") for name, value in found.items()}

    assert headers(SettingsPolicyCSPMiddleware) == headers(CSPMiddleware)
    if path.startswith("/t/"):
        assert headers(SettingsPolicyCSPMiddleware)["Content-Security-Policy"] or attrs


def test_each_request_gets_its_own_nonce_in_the_policy(rf):
    first, first_headers = _headers(SettingsPolicyCSPMiddleware, rf)
    second, second_headers = _headers(SettingsPolicyCSPMiddleware, rf)
    assert first != second
    assert f"'nonce-{first}'" in first_headers["Content-Security-Policy"]
    assert f"'nonce-{second}'" in second_headers["Content-Security-Policy"]
    assert first not in second_headers["Content-Security-Policy"]
    assert "sodan-csp-nonce" not in second_headers["Content-Security-Policy"]


def test_a_changed_setting_changes_the_policy(rf, settings):
    _headers(SettingsPolicyCSPMiddleware, rf)
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "img-src": ["'self'"]}
    settings.CONTENT_SECURITY_POLICY = policy
    _nonce, headers = _headers(SettingsPolicyCSPMiddleware, rf)
    assert "img-src 'self';" in headers["Content-Security-Policy"] + ";"
    assert "https:" not in headers["Content-Security-Policy"].split("img-src")[1].split(";")[0]
