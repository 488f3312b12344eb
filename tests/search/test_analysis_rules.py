"""Each rule of search.analysis, pinned with Japanese and English examples: what the index
holds for a text (index_terms) and what a query asks for (query_groups)."""

import pytest

from search.analysis import index_terms, query_groups
from search.synonyms import builtin_map, expand, synonym_map


def meets(query: str, text: str) -> bool:
    """Every word of the query (one of its forms) is among the text's indexed terms."""
    held = set(index_terms(text))
    return all(set(group) & held for group in query_groups(query))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("ＥＯＳ５Ｄ", "EOS5D"),  # NFKC before everything
        ("ｗｉ－ｆｉ", "Wi-Fi"),
        ("Ｅ－２０３", "E203"),
    ],
)
def test_full_width_meets_half_width(query, text):
    assert meets(query, text)
    assert meets(text, query)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("E-203", "E203"),  # joined and split at hyphens
        ("E-203 エラー", "E203のエラー"),
        ("Wi-Fi", "wifi"),
        ("EOS 5D", "EOS5D"),  # adjacent letters and digits are joined
        ("WPA 3", "WPA3"),
        ("EOS 5D", "ＥＯＳ５Ｄ"),
    ],
)
def test_codes_meet_joined_and_split(one, other):
    assert meets(one, other)
    assert meets(other, one)


def test_code_pieces_are_indexed_but_not_asked_alone():
    assert {"e203", "e", "203"} <= set(index_terms("E-203"))
    # A query for E203 does not find every thread with a 203 in it.
    assert not meets("E203", "WR 203")


def test_stemmer_keeps_short_words_and_capitals():
    assert "eos" in index_terms("EOS")
    assert "eos" in index_terms("eos")
    assert "ssid" in index_terms("SSID")
    assert "batteri" in index_terms("batteries")  # longer words are still stemmed
    assert meets("battery", "batteries")


@pytest.mark.parametrize(
    ("kana", "kanji"),
    [("ぬれた", "濡れた"), ("さびた", "錆びた"), ("ほこり", "埃"), ("ぬれる", "濡れてしまった")],
)
def test_kana_and_kanji_spellings_meet_by_reading(kana, kanji):
    assert meets(kana, kanji)
    assert meets(kanji, kana)


def test_reading_is_a_second_form_not_the_term():
    groups = query_groups("埃")
    assert groups == [("埃", "ホコリ")]


def test_short_readings_are_not_indexed():
    # 機能 and 昨日 share a two-mora reading (キノウ is three, so pick a shorter pair).
    assert not meets("木", "気")


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("充電できない", [("充電", "ジュウデン")]),
        ("とても遅い", [("遅い", "オソイ")]),
        ("しょっちゅう切れる", [("切れる", "キレル")]),
        ("電源を入れることができない", [("電源", "デンゲン"), ("入れる", "イレル")]),
    ],
)
def test_query_leaves_out_light_verbs_auxiliaries_and_adverbs(query, kept):
    assert query_groups(query) == kept


def test_a_query_of_nothing_but_light_words_still_asks_them():
    assert query_groups("できない") == [("出来る", "デキル")]


def test_documents_keep_the_stopped_words():
    assert "出来る" in index_terms("充電できない")


@pytest.mark.parametrize(
    ("kanji", "digits"), [("二回", "2回"), ("三か月", "3か月"), ("一台", "1台")]
)
def test_counted_numbers_in_kanji_and_digits_meet(kanji, digits):
    assert meets(kanji, digits)
    assert meets(digits, kanji)


def test_english_words_are_stemmed_and_stopwords_dropped():
    assert query_groups("The router reboots") == [("router",), ("reboot",)]


def test_builtin_synonyms_join_japanese_and_english():
    vocabulary = builtin_map()
    assert "払う" in vocabulary["返金"] or "払い戻し" in vocabulary["返金"]
    assert "refund" in vocabulary["返金"]
    assert "解約" in vocabulary["unsubscrib"]
    assert "cancel" in vocabulary["unsubscrib"]


def test_expand_widens_each_word_by_its_synonyms_and_an_extra_table():
    groups = expand(query_groups("返金"))
    assert "refund" in groups[0]
    brand = synonym_map([["X5", "エックスファイブ"]])
    assert "x5" in expand(query_groups("エックスファイブ"), extra=brand)[0]
