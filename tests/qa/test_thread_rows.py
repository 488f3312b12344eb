"""A brand's thread list, its rows written in Python (qa/templatetags/thread_rows.py): the
HTML the row template wrote, in both languages, the list page around them, and how a big
brand's list is counted."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import selectors
from qa import services as qa_services
from qa.models import Thread
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

# The list's rows as qa/_thread_row.html wrote them, included once per thread, before they
# were written in Python.
TEMPLATE_ROWS = """{% for thread in threads %}{% load dates i18n frame %}<li class="thread-row">
  {% avatar thread.author %}
  <div class="thread-main">
    <div class="thread-line">
      <span class="badge badge-type badge-{{ thread.type }}">{{ thread.get_type_display }}</span>
      {% if thread.is_solved %}<span class="badge badge-solved">{% translate "Solved" %}</span>{% elif thread.status == "answered" %}<span class="badge badge-answered">{% translate "Answered" %}</span>{% endif %}
      <a class="thread-title" href="{{ thread.get_absolute_url }}" title="{{ thread.excerpt }}">{{ thread.title }}</a>
    </div>
    <p class="meta">{% if thread.product %}{{ thread.product.name }} · {% endif %}{{ thread.author.public_name }} · <time datetime="{{ thread.created_at|date_text:'c' }}" data-relative>{{ thread.created_at|date_text:"DATETIME_FORMAT" }}</time></p>
  </div>
  <div class="thread-figures">
    <span class="stat"><strong>{{ thread.answer_count }}</strong> {% blocktranslate count counter=thread.answer_count %}answer{% plural %}answers{% endblocktranslate %}</span>
    <span class="stat"><strong>{{ thread.me_too_count }}</strong> {% translate "me too" %}</span>
    {% if thread.fixed_for_count %}<span class="stat fixed-for"><strong>{{ thread.fixed_for_count }}</strong> {% translate "fixed" %}</span>{% endif %}
    <span class="stat"><strong><time datetime="{{ thread.last_activity_at|date_text:'c' }}" data-relative>{{ thread.last_activity_at|date_text:"SHORT_DATE_FORMAT" }}</time></strong> {% translate "activity" %}</span>
  </div>
</li>
{% endfor %}"""  # noqa: E501


@pytest.fixture
def listed():
    """Threads of every kind a row shows: open, answered or solved; with a product or none;
    no answer, one or several; fixed for some; names and titles that need escaping; a
    Japanese author; in the list's own order, with the list's relations."""
    brand = BrandFactory(name='Tom & Jerry\'s <"Shop">', slug="tom-jerry")
    product = ProductFactory(brand=brand, name="Z5 <Pro>", slug="z5-pro")
    ThreadFactory(brand=brand, title="Lens cap", type=Thread.Type.PRAISE)
    answered = ThreadFactory(
        brand=brand,
        product=product,
        title='Tripod & "plate" <slips>',
        body="It <b>slips</b> & falls.",
        type=Thread.Type.PROBLEM,
        author=UserFactory(display_name="山田太郎"),
    )
    AnswerFactory(thread=answered)
    solved = ThreadFactory(brand=brand, title="Which strap?", type=Thread.Type.IDEA)
    first = AnswerFactory(thread=solved)
    AnswerFactory(thread=solved)
    qa_services.answer_accept(actor=solved.author, answer=first)
    Thread.objects.filter(pk=solved.pk).update(fixed_for_count=3, me_too_count=12)
    return list(selectors.brand_threads(brand=brand, user=AnonymousUser(), rows=True))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_rows_are_the_templates_rows(listed, language):
    assert {thread.status for thread in listed} == {"open", "answered", "solved"}
    with translation.override(language):
        context = Context({"threads": listed})
        written = Template("{% load thread_rows %}{% thread_rows threads %}").render(context)
        assert written == Template(TEMPLATE_ROWS).render(context)
    assert "Tom" not in written  # the brand is the page's, not the row's
    assert "Z5 &lt;Pro&gt; · 山田太郎 · " in written
    escaped = 'title="It slips &amp; falls.">Tripod &amp; &quot;plate&quot; &lt;slips&gt;</a>'
    assert escaped in written


def test_the_rows_are_the_templates_rows_in_another_time_zone(listed):
    with timezone.override("America/Los_Angeles"):
        context = Context({"threads": listed})
        written = Template("{% load thread_rows %}{% thread_rows threads %}").render(context)
        assert written == Template(TEMPLATE_ROWS).render(context)


def test_a_type_no_longer_offered_is_written_as_the_model_shows_it(listed):
    listed[0].type = "rant"
    context = Context({"threads": listed[:1]})
    written = Template("{% load thread_rows %}{% thread_rows threads %}").render(context)
    assert written == Template(TEMPLATE_ROWS).render(context)
    assert '<span class="badge badge-type badge-rant">rant</span>' in written


def test_no_threads_no_rows():
    written = Template("{% load thread_rows %}{% thread_rows threads %}").render(
        Context({"threads": []})
    )
    assert written == ""


def test_the_brand_page_lists_its_threads_newest_first_and_the_solved_ones_first(client, listed):
    brand = listed[0].brand
    html = client.get(brand.get_absolute_url()).content.decode()
    solved_section, rest = html.split('<h2 id="solved-heading">')[1].split("All threads", 1)
    assert solved_section.count('<li class="thread-row">') == 1
    assert '<span class="badge badge-solved">Solved</span>' in solved_section
    places = [rest.index(thread.get_absolute_url()) for thread in listed]
    assert places == sorted(places)
    assert rest.count('<li class="thread-row">') == 3
    assert '<span class="badge badge-answered">Answered</span>' in rest
    assert '<span class="stat fixed-for"><strong>3</strong> fixed</span>' in rest
    assert "No threads match these filters yet." not in html


def test_a_list_with_no_match_says_so(client, listed):
    brand = listed[0].brand
    html = client.get(brand.get_absolute_url(), {"type": "question"}).content.decode()
    assert '<li class="empty">No threads match these filters yet.</li>' in html
    assert '<li class="thread-row">' not in html


def test_rows_cost_no_query_of_their_own(client, listed, settings):
    """Twenty rows ask what three do: every row's author and product come with the list."""
    settings.SODAN_PAGE_CACHE = False  # each request renders its list
    brand = listed[0].brand
    client.get(brand.get_absolute_url(), {"sort": "me_too"})  # the process's first reads
    with CaptureQueriesContext(connection) as few:
        html = client.get(brand.get_absolute_url(), {"sort": "me_too"}).content.decode()
    assert html.split("All threads", 1)[1].count('<li class="thread-row">') == 3
    for _n in range(17):
        ThreadFactory(brand=brand, author=UserFactory(), product=listed[1].product)
    with CaptureQueriesContext(connection) as many:
        html = client.get(brand.get_absolute_url(), {"sort": "me_too"}).content.decode()
    assert html.split("All threads", 1)[1].count('<li class="thread-row">') == 20
    assert len(many) == len(few)


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"]]


def test_a_big_brands_whole_list_is_counted_by_the_brands_kept_count(client, brand, settings):
    """No COUNT(*) over every listed thread: the brand's kept count says how many there
    are, and it follows the threads that come and go; a filtered list is counted."""
    settings.SODAN_PAGE_CACHE = False
    settings.SODAN_THREADS_PER_PAGE = 2
    settings.SODAN_BRAND_LIST_COUNTED_UP_TO = 0  # every brand is big here
    threads = [ThreadFactory(brand=brand, title=f"Shutter {n}") for n in range(5)]
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.post_hide(actor=moderator, post=threads[0], reason="Spam")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(brand.get_absolute_url()).content.decode()
    assert _counts(queries.captured_queries) == []
    assert "4 threads" in html
    last = client.get(brand.get_absolute_url(), {"page": 2}).content.decode()
    assert "Shutter 2" in last and "Shutter 1" in last and "Shutter 4" not in last
    with CaptureQueriesContext(connection) as queries:
        filtered = client.get(brand.get_absolute_url(), {"sort": "unanswered"})
    assert len(_counts(queries.captured_queries)) == 1
    assert "4 threads" in filtered.content.decode()


def test_a_small_brands_list_is_counted(client, brand, settings):
    settings.SODAN_PAGE_CACHE = False
    ThreadFactory(brand=brand)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(brand.get_absolute_url()).content.decode()
    assert len(_counts(queries.captured_queries)) == 1
    assert "1 thread" in html
