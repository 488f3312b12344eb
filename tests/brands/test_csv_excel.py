"""Every CSV the project writes opens in Japanese Excel: a UTF-8 byte-order mark first (Excel
reads a CSV without one in Shift_JIS and shows 文字化け), Japanese intact when decoded as
utf-8-sig, and nothing people typed turned into a formula."""

import csv
import io

import pytest
from django.urls import reverse

from community.spreadsheets import BOM, csv_text, safe_cell
from feedback.models import FeedbackItem
from qa import services as qa_services
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db

UTF8_BOM = b"\xef\xbb\xbf"


def _opened_like_japanese_excel(content: bytes) -> list[list[str]]:
    """What Excel does with a CSV: a leading UTF-8 mark means UTF-8; without one the file
    is read as Shift_JIS (cp932), and UTF-8 Japanese comes out garbled or fails."""
    if content.startswith(UTF8_BOM):
        text = content.decode("utf-8-sig")
    else:
        text = content.decode("cp932", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def test_the_helper_writes_the_mark_once_and_keeps_japanese():
    text = csv_text(["製品", "件数"], [["カメラ Z5", 3], ["=1+1", -2]])
    assert text.startswith(BOM) and text.count(BOM) == 1
    rows = _opened_like_japanese_excel(text.encode("utf-8"))
    assert rows == [["製品", "件数"], ["カメラ Z5", "3"], ["'=1+1", "-2"]]


def test_without_the_mark_japanese_excel_would_garble_it():
    plain = "製品,件数\r\nカメラ,3\r\n".encode()
    assert _opened_like_japanese_excel(plain)[0] != ["製品", "件数"]


def test_numbers_stay_numbers_and_typed_text_never_becomes_a_formula():
    assert safe_cell(-5) == -5
    assert safe_cell("-5") == "'-5"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell(None) == ""


def test_a_report_csv_opens_in_japanese_excel(login, official, rep, customer, z5):
    z5.name = "ミラーレス Z5"
    z5.save()
    ThreadFactory(brand=official, author=customer, product=z5, title="電池")
    response = login(rep).get(
        reverse("brands:reports", args=[official.slug]) + "?download=by_product",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.content.startswith(UTF8_BOM)
    rows = _opened_like_japanese_excel(response.content)
    assert rows[1][:2] == ["ミラーレス Z5", "1"]


def test_the_feedback_cohort_csv_opens_in_japanese_excel(
    login, official, product_member, customer_thread, other_customer
):
    from feedback.services import items as feedback_services

    item = feedback_services.feedback_item_create(
        actor=product_member, brand=official, title="電池の減り", threads=[customer_thread]
    )
    assert isinstance(item, FeedbackItem)
    qa_services.thread_me_too_toggle(
        user=other_customer, thread=customer_thread, version="2.1", platform="アンドロイド"
    )
    response = login(product_member).get(
        reverse("feedback:item_cohort", args=[official.slug, item.pk])
    )
    assert response.content.startswith(UTF8_BOM)
    rows = _opened_like_japanese_excel(response.content)
    assert rows[1][4] == "アンドロイド"
