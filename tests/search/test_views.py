import pytest
from django.urls import reverse

from search import services
from tests.brands.factories import BrandFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(brand):
    solved = ThreadFactory(brand=brand, title="Battery drains overnight", body="Empty by morning")
    from qa import services as qa_services
    from tests.qa.factories import AnswerFactory

    qa_services.answer_accept(actor=solved.author, answer=AnswerFactory(thread=solved))
    ThreadFactory(brand=BrandFactory(), title="Battery of another brand", body="x")
    services.outbox_process()
    return solved


def test_search_page_shows_highlighted_results(client, indexed):
    response = client.get(reverse("search:search"), {"q": "battery drains"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Battery</mark>" in html
    # Half the words must match (one scored query): the thread with both comes first.
    items = response.context["results"].items
    assert items[0].thread == indexed
    assert indexed.get_absolute_url() in html


def test_brand_scoped_search_from_the_brand_page(client, indexed, brand):
    page = client.get(brand.get_absolute_url()).content.decode()
    assert f'action="{reverse("search:search")}"' in page
    response = client.get(reverse("search:search"), {"q": "battery", "brand": brand.slug})
    assert [i.thread.pk for i in response.context["results"].items] == [indexed.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 10_000},
        {"q": '"unbalanced'},
        {"q": "AND OR (( NOT *"},
        {"q": "battery", "brand": "no-such-brand", "type": "nonsense", "page": "-3"},
        {"q": "battery", "page": "abc"},
    ],
)
def test_bad_queries_get_a_friendly_page(client, indexed, params):
    response = client.get(reverse("search:search"), params)
    assert response.status_code == 200


def test_empty_query_explains_what_to_type(client):
    html = client.get(reverse("search:search"), {"q": "  "}).content.decode()
    assert "Type a few words" in html


def test_symbols_only_query_says_so(client):
    html = client.get(reverse("search:search"), {"q": "((( ))) !!!"}).content.decode()
    assert "couldn" in html


def test_long_query_is_cut_with_a_notice(client, indexed):
    html = client.get(reverse("search:search"), {"q": "battery " * 2000}).content.decode()
    assert "first 200 characters" in html


def test_similar_fragment_for_the_ask_form(client, indexed, brand):
    response = client.get(
        reverse("search:similar", args=[brand.slug]),
        {"title": "my battery drains"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert indexed.title in html
    assert "Solved" in html
    assert "<html" not in html


def test_ask_form_asks_for_similar_threads_while_typing(login, customer, brand):
    html = login(customer).get(reverse("qa:ask", args=[brand.slug])).content.decode()
    assert f'hx-get="{reverse("search:similar", args=[brand.slug])}"' in html
    assert 'id="similar-threads"' in html


def test_related_threads_on_the_thread_page(client, indexed, brand):
    other = ThreadFactory(brand=brand, title="Battery drains fast", body="x")
    services.outbox_process()
    page = client.get(other.get_absolute_url()).content.decode()
    assert reverse("search:related", args=[other.pk]) in page
    related = client.get(reverse("search:related", args=[other.pk])).content.decode()
    assert indexed.title in related
    assert other.title not in related


def test_unknown_brand_similar_is_404(client):
    assert client.get(reverse("search:similar", args=["nope"])).status_code == 404


def test_search_reindex_command_rebuilds(brand):
    from io import StringIO

    from django.core.management import call_command

    ThreadFactory(brand=brand, title="Monitor hinge creaks", body="x")
    from search.models import ThreadDocument

    ThreadDocument.objects.all().delete()
    out = StringIO()
    call_command("search_reindex", "--restart", stdout=out, stderr=StringIO())
    assert "Indexed 1 threads." in out.getvalue()
    assert services.threads_search(text="hinge").total == 1


def test_search_page_query_count_does_not_grow_with_results(client, brand):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.qa.factories import AnswerFactory

    def page_queries(total):
        while services.threads_search(text="tripod plate").total < total:
            thread = ThreadFactory(brand=brand, title="Tripod plate slips", body="Tripod")
            AnswerFactory(thread=thread, body="Tighten the tripod plate screw.")
            services.outbox_process()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("search:search"), {"q": "tripod plate"})
        assert len(response.context["results"].items) == min(total, 20)
        return len(queries)

    client.get(reverse("search:search"), {"q": "tripod"})  # per-process caches warm up
    assert page_queries(21) == page_queries(45)


def test_a_search_service_outage_gives_a_friendly_page(client, brand, monkeypatch):
    from search.backends import get_backend
    from search.backends.base import SearchBackendError

    def down(self, *args, **kwargs):
        raise SearchBackendError("connection refused")

    from tests.qa.factories import ThreadFactory

    in_title = ThreadFactory(brand=brand, title="Battery drains overnight", body="x")
    ThreadFactory(brand=brand, title="Lens cap stuck", body="The battery is fine.")
    monkeypatch.setattr(type(get_backend()), "search", down)
    monkeypatch.setattr(type(get_backend()), "similar", down)
    response = client.get(reverse("search:search"), {"q": "battery"})
    assert response.status_code == 200
    assert "Search is degraded right now" in response.content.decode()
    # Simple title matches from the database stand in meanwhile.
    assert [i.thread.pk for i in response.context["results"].items] == [in_title.pk]
    assert in_title.get_absolute_url() in response.content.decode()
    similar = client.get(reverse("search:similar", args=[brand.slug]), {"title": "battery"})
    assert similar.status_code == 200


def test_filters_keep_what_was_chosen(client, indexed, brand):
    from tests.brands.factories import ProductFactory

    product = ProductFactory(brand=brand, name="Z5", slug="z5")
    html = client.get(
        reverse("search:search"),
        {"q": "battery", "brand": brand.slug, "product": "z5", "status": "solved"},
    ).content.decode()
    assert f'<option value="{brand.slug}" selected>{brand.name}</option>' in html
    assert f'<option value="{product.slug}" selected>Z5</option>' in html
    assert '<option value="solved" selected>' in html
    assert '<option value="" selected>All types</option>' in html


def test_a_brand_name_is_escaped_in_the_brand_filter(client, indexed):
    BrandFactory(name='Tom & Jerry\'s <"Shop">', slug="tom-jerry")
    html = client.get(reverse("search:search"), {"q": "battery"}).content.decode()
    assert (
        '<option value="tom-jerry">Tom &amp; Jerry&#x27;s &lt;&quot;Shop&quot;&gt;</option>' in html
    )
    assert '<"Shop">' not in html


def test_a_search_without_knowledge_articles_asks_the_pages_once(client, indexed):
    """With no article published, the knowledge-base box is one question (is there any?),
    not the view restrictions as well."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("search:search"), {"q": "battery"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search:search"), {"q": "battery"})
    assert response.status_code == 200
    pages = [q["sql"] for q in captured.captured_queries if "wagtailcore" in q["sql"]]
    assert len(pages) == 1
    assert "pageviewrestriction" not in pages[0]
