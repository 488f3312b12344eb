"""The demo's battery-fire thread (発火) is the first thing its rep sees, marked."""

import pytest
from django.urls import reverse

from brands.models import Brand
from community.demo import loader
from community.models import User
from moderation.models import CrisisAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, committed):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        loader.load_demo_content(report=lambda line: None)


def test_the_fire_is_at_the_top_of_the_demo_inbox_with_its_marker(demo, client):
    alert = CrisisAlert.objects.get(cause="keyword", summary__contains="発火")
    [fire] = alert.threads.all()
    brand = Brand.objects.get(pk=alert.brand_id)
    client.force_login(User.objects.get(username="rep"))
    response = client.get(reverse("brands:inbox", args=[brand.slug]))
    rows = list(response.context["page"])
    assert rows[0] == fire
    html = response.content.decode()
    row = html[html.index(f'id="inbox-{fire.pk}"') :]
    assert "Crisis: High" in row[: row.index("</li>")]
