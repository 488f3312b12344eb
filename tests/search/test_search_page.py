"""The search page's own parts: its result rows, its checkboxes, the threads it reads, the
knowledge box it asks about, and how many queries a page takes."""

import pytest
from django import forms
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from qa import services as qa_services
from qa.models import Thread
from search import services
from search.forms import PlainCheckbox
from tests.brands.factories import BrandFactory, ProductFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

# The rows as search.html wrote them before they were written in Python.
TEMPLATE_ROWS = """{% load i18n %}{% for item in items %}
    <li class="thread-row">
      <div class="thread-main">
        <span class="badge badge-type badge-{{ item.thread.type }}">{{ item.thread.get_type_display }}</span>
        {% if item.thread.is_solved %}<span class="badge badge-solved">{% translate "Solved" %}</span>{% endif %}
        <a class="thread-title" href="{{ item.thread.get_absolute_url }}">{{ item.title }}</a>
        <p class="excerpt">{{ item.snippet }}</p>
        {% if item.answer_snippet %}<p class="excerpt answer-snippet"><span class="meta">{% translate "In an answer:" %}</span> {{ item.answer_snippet }}</p>{% endif %}
        <p class="meta">{{ item.thread.brand.name }}{% if item.thread.product %} · {{ item.thread.product.name }}{% endif %} · {% blocktranslate count counter=item.thread.answer_count %}{{ counter }} answer{% plural %}{{ counter }} answers{% endblocktranslate %}</p>
      </div>
    </li>
  {% endfor %}"""  # noqa: E501


@pytest.fixture
def results(customer):
    """Threads of every kind a row shows: solved or not, with a product or none, answered
    once, several times or never, a match in an answer, names that need escaping."""
    brand = BrandFactory(name='Tom & Jerry\'s <"Shop">', slug="tom-jerry")
    product = ProductFactory(brand=brand, name="Z5 <Pro>", slug="z5-pro")
    solved = ThreadFactory(
        brand=brand, product=product, title="Tripod plate slips", type=Thread.Type.PROBLEM
    )
    answer = AnswerFactory(thread=solved, body="Tighten the tripod plate screw.")
    AnswerFactory(thread=solved, body="Same here.")
    qa_services.answer_accept(actor=solved.author, answer=answer)
    ThreadFactory(brand=brand, title="Tripod & plate: which one?", type=Thread.Type.IDEA)
    asked = ThreadFactory(brand=BrandFactory(), title="Plate for a tripod", body="Which?")
    AnswerFactory(thread=asked, body="The tripod plate of the Z5 fits.")
    ThreadFactory(brand=brand, title="Lens cap", body="My tripod's plate is loose.")
    services.outbox_process()
    return services.threads_search(text="tripod plate")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_result_rows_are_the_templates_rows(results, language):
    assert len(results.items) == 4
    assert any(item.answer_snippet for item in results.items)
    with translation.override(language):
        context = Context({"items": results.items})
        written = Template("{% load search_page %}{% result_rows items %}").render(context)
        assert written == Template(TEMPLATE_ROWS).render(context)
    assert "Tom &amp; Jerry&#x27;s &lt;&quot;Shop&quot;&gt; · Z5 &lt;Pro&gt;" in written


def test_the_page_lists_the_searchs_threads_in_its_order(client, results):
    html = client.get(reverse("search:search"), {"q": "tripod plate"}).content.decode()
    places = [html.index(item.thread.get_absolute_url()) for item in results.items]
    assert places == sorted(places)
    assert "4 threads found" in html
    assert '<span class="badge badge-solved">Solved</span>' in html
    assert "2 answers</p>" in html and "0 answers</p>" in html and "1 answer</p>" in html


def test_nothing_found_is_still_said(client, results):
    html = client.get(reverse("search:search"), {"q": "tripod", "type": "praise"})
    assert '<li class="empty">Nothing found.' in html.content.decode()


@pytest.mark.parametrize("count", [1, 3, 20, 60])
def test_the_threads_read_for_a_page_are_the_querysets(count, brand, product):
    threads = [
        ThreadFactory(brand=brand, product=product if n % 2 else None, title=f"Tripod {n}")
        for n in range(count)
    ]
    hidden = threads[0]
    hidden.visibility = "hidden"
    hidden.save(update_fields=["visibility"])
    ids = [t.pk for t in reversed(threads)] + [10**9]
    read = services._listed_threads(ids)
    expected = (
        Thread.objects.listed()
        .select_related("brand", "product")
        .only(*services.LISTED_FIELDS)
        .in_bulk(ids)
    )
    assert read.keys() == expected.keys() and hidden.pk not in read
    for pk, thread in read.items():
        twin = expected[pk]
        assert thread.get_deferred_fields() == twin.get_deferred_fields()
        for name in ("title", "slug", "type", "status", "answer_count", "body_html"):
            assert getattr(thread, name) == getattr(twin, name)
        assert thread.brand.name == twin.brand.name
        assert (thread.product and thread.product.name) == (twin.product and twin.product.name)


@pytest.mark.parametrize("value", [True, False, None, "", "on", 'a"b'])
@pytest.mark.parametrize("attrs", [None, {"id": "id_official"}, {"id": "x", "aria-x": None}])
def test_a_checkbox_is_written_as_djangos(value, attrs):
    written = PlainCheckbox().render("official", value, attrs=attrs)
    assert written == forms.CheckboxInput().render("official", value, attrs=attrs)


def test_the_filters_checkboxes_keep_what_was_chosen(client):
    html = client.get(reverse("search:search"), {"q": "x", "official": "on"}).content.decode()
    assert '<input type="checkbox" name="official" id="id_official" checked>' in html
    assert '<input type="checkbox" name="verified" id="id_verified">' in html


def _queries(client, params):
    client.get(reverse("search:search"), params)  # per-process caches warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search:search"), params)
    assert response.status_code == 200 and response.context["results"].items
    return len(captured)


# PostgreSQL looks the words' counts up before the ranked query (search.backends.database).
SEARCH_QUERIES = {"postgresql": 2}


def test_the_search_page_query_count(client, results):
    # The brands for the filter, the search, its threads and their first answers, and
    # whether any knowledge article could be shown.
    search = SEARCH_QUERIES.get(connection.vendor, 1)
    assert _queries(client, {"q": "tripod plate"}) == 4 + search


def test_a_brands_search_page_query_count(client, results):
    brand = results.items[0].thread.brand
    # The brand chosen, and its products for the filter, besides.
    search = SEARCH_QUERIES.get(connection.vendor, 1)
    assert _queries(client, {"q": "tripod plate", "brand": brand.slug}) == 6 + search


def test_a_new_or_renamed_brand_is_in_the_next_pages_filter(client, brand):
    from search import forms as search_forms

    client.get(reverse("search:search"), {"q": "x"})
    assert search_forms._WHOLE_LISTS  # the brands' list is read by its compiled SQL
    BrandFactory(name="Kumo Mobile", slug="kumo")
    brand.name = "Hoshino Optics"
    brand.save(update_fields=["name"])
    html = client.get(reverse("search:search"), {"q": "x"}).content.decode()
    start = html.index('<select name="brand" id="id_brand">')
    assert html[start : html.index("</select>", start)].endswith(
        '<option value="hoshino">Hoshino Optics</option><option value="kumo">Kumo Mobile</option>'
    )


def test_the_product_filter_holds_the_chosen_brands_products_only(client, results, brand):
    tom = results.items[0].thread.brand
    ProductFactory(brand=brand, name="Z9", slug="z9")
    params = {"q": "tripod plate", "brand": tom.slug, "product": "z9"}
    response = client.get(reverse("search:search"), params)
    html = response.content.decode()
    start = html.index('<select name="product"')
    assert html[start : html.index("</select>", start)].endswith(
        '<option value="">All products</option><option value="z5-pro">Z5 &lt;Pro&gt;</option>'
    )
    # Another brand's product is not a choice: the search is the brand's whole.
    assert response.context["form"].cleaned_data.get("product") is None
    assert len(response.context["results"].items) == 3
    params["product"] = "z5-pro"
    response = client.get(reverse("search:search"), params)
    assert response.context["form"].cleaned_data["product"].name == "Z5 <Pro>"
    assert [item.thread.title for item in response.context["results"].items] == [
        "Tripod plate slips"
    ]
