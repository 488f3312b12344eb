"""A small SAML 2.0 identity provider (pysaml2, signing with xmlsec1) that the sign-on tests
run as a separate process, in place of a company's Okta, Entra ID or HENNGE: a real one,
with a sign-in form, signed assertions and its metadata at /metadata.

    python -m tests.sso.saml_idp.app <workdir> <port>

The workdir holds its key and certificate, people.json (who may sign in: the tests add and
remove people there) and sp.xml (the metadata of the service provider it answers)."""

from __future__ import annotations

import html
import json
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

warnings.simplefilter("ignore")

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT  # noqa: E402
from saml2.config import IdPConfig  # noqa: E402
from saml2.metadata import create_metadata_string  # noqa: E402
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID  # noqa: E402
from saml2.server import Server  # noqa: E402
from saml2.sigver import get_xmlsec_binary  # noqa: E402
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256  # noqa: E402

PASSWORD = "idp-password"


def _config(workdir: Path, base: str) -> IdPConfig:
    sp = workdir / "sp.xml"
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "name": "Local company IdP",
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{base}/sso/redirect", BINDING_HTTP_REDIRECT),
                        ]
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": False,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
            "key_file": str(workdir / "idp.key"),
            "cert_file": str(workdir / "idp.crt"),
            "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
            "metadata": {"local": [str(sp)]} if sp.exists() else {},
        }
    )
    return config


def _page(start_response, body: str, status: str = "200 OK"):
    start_response(status, [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]


def application(workdir: Path, base: str):
    def app(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [create_metadata_string(None, _config(workdir, base), sign=False)]
        if path == "/sso/redirect":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            fields = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(query[name][0])}">'
                for name in ("SAMLRequest", "RelayState")
                if name in query
            )
            return _page(
                start_response,
                '<html><body><h1>Company sign-in</h1><form method="post" action="/login">'
                f"{fields}"
                '<label>Username <input name="username"></label>'
                '<label>Password <input name="password" type="password"></label>'
                '<button type="submit">Sign in</button></form></body></html>',
            )
        if path == "/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            people = json.loads((workdir / "people.json").read_text())
            person = people.get(form.get("username", ""))
            if person is None or form.get("password") != PASSWORD:
                return _page(start_response, "<h1>Sign-in refused</h1>", "403 Forbidden")
            server = Server(config=_config(workdir, base))
            request = server.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
            message = request.message
            response = server.create_authn_response(
                identity={
                    "mail": [person["email"]],
                    "givenName": [person.get("name", form["username"])],
                    "uid": [form["username"]],
                },
                in_response_to=message.id,
                destination=message.assertion_consumer_service_url,
                sp_entity_id=message.issuer.text,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=form["username"]),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_assertion=True,
                sign_response=True,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
            posted = server.apply_binding(
                BINDING_HTTP_POST,
                str(response),
                message.assertion_consumer_service_url,
                form.get("RelayState", ""),
                response=True,
            )
            return _page(start_response, posted["data"])
        return _page(start_response, "not here", "404 Not Found")

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    workdir, port = Path(sys.argv[1]), int(sys.argv[2])
    base = f"http://127.0.0.1:{port}"
    make_server(
        "127.0.0.1", port, application(workdir, base), handler_class=_QuietHandler
    ).serve_forever()
