"""The OpenAPI document, the docs page, and schemathesis against the API in-process: every
operation, with generated valid and invalid input, as a signed-in person with a token and
as a visitor, answers without a server error and as the document says."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from feedback.models import FeedbackItem
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db

# About a minute for the whole run on a small machine.
EXAMPLES_PER_OPERATION = 60


def test_the_schema_documents_v1_only_with_both_ways_in(api):
    response = api("GET", "/api/v1/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert "/api/v1/threads/{id}/" in document["paths"]
    assert set(document["components"]["securitySchemes"]) == {"token", "session"}
    patch = document["paths"]["/api/v1/threads/{id}/"]["patch"]
    assert "application/problem+json" in patch["responses"]["409"]["content"]


def test_the_docs_page_loads_only_this_sites_scripts(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://" not in html.split("<body>")[1]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "<script>" not in html  # the start-up script is its own same-site file
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.fixture
def in_process_wsgi():
    """Django's WSGI handler in the test's own transaction: like the test client, it must
    not close the connection at each request's start and end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    in_process_wsgi, official, thread, answer, cast
):
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    item = FeedbackItem.objects.create(brand=official, title="E-12")
    token = token_for(cast["rep"])
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", in_process_wsgi)
    real = {"slug": official.slug}
    ids = {"threads": thread.pk, "answers": answer.pk, "feedback": item.pk}
    conforming = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        parameters = {
            name: real.get(name) or ids[operation.path.split("/")[3]]
            for name in ("slug", "id")
            if "{" + name + "}" in operation.path
        }
        strategy = st.one_of(
            operation.as_strategy(path_parameters=parameters or None),
            operation.as_strategy(),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=parameters or None),
        )

        @seed(18)
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, signed_in=st.booleans())
        def run(case, signed_in):
            headers = {"Authorization": f"Bearer {token}"} if signed_in else {}
            response = case.call(headers=headers)
            negative = case.meta is not None and case.meta.generation.mode.is_negative
            checks = [not_a_server_error] if negative else conforming
            case.validate_response(response, checks=checks, headers=headers)

        run()
