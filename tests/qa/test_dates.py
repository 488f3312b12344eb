"""The thread page's dates are written exactly as Django's `date` filter writes them, in
each language, while the format is taken apart once and the words kept per language."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import dateformat, formats, translation

from qa.templatetags.dates import format_datetime

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
TIMES = [
    datetime.datetime(2024, month, day, hour, minute, tzinfo=TOKYO)
    for month in (1, 3, 5, 9, 12)
    for day in (1, 28)
    for hour in (0, 1, 11, 12, 13, 23)
    for minute in (0, 5, 30)
]
FORMATS = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "c",
    r"l jS \o\f F Y h:i A P a N",
]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("name", FORMATS)
def test_every_time_of_day_is_written_as_djangos_date_filter_writes_it(language, name):
    with translation.override(language):
        format_string = formats.get_format(name)
        for when in TIMES:
            assert format_datetime(when, format_string) == dateformat.format(when, format_string)


def test_the_words_follow_the_readers_language():
    noon = datetime.datetime(2024, 3, 9, 12, 0, tzinfo=TOKYO)
    evening = datetime.datetime(2024, 3, 9, 18, 30, tzinfo=TOKYO)
    with translation.override("en"):
        assert format_datetime(noon, "N j, Y, P") == "March 9, 2024, noon"
        assert format_datetime(evening, "N j, Y, P") == "March 9, 2024, 6:30 p.m."
    with translation.override("ja"):
        assert format_datetime(evening, "N j, Y, P") != "March 9, 2024, 6:30 p.m."
        assert format_datetime(evening, "N j, Y, P") == dateformat.format(evening, "N j, Y, P")


def test_the_filter_writes_local_time_as_the_date_filter_does(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    when = datetime.datetime(2024, 3, 9, 15, 30, tzinfo=datetime.UTC)  # 00:30 the next day
    ours = Template(
        '{% load dates %}{{ when|date_text:"DATETIME_FORMAT" }}|{{ when|date_text:"c" }}'
    )
    django = Template('{{ when|date:"DATETIME_FORMAT" }}|{{ when|date:"c" }}')
    for language in ("en", "ja"):
        with translation.override(language):
            written = ours.render(Context({"when": when}))
            assert written == django.render(Context({"when": when}))
    assert written.endswith("|2024-03-10T00:30:00+09:00")
