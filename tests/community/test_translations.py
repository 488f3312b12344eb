"""The Japanese catalogue is complete, keeps its placeholders and is compiled.

These fail when someone adds or changes a translatable string and forgets to run
makemessages + translate, or forgets to run compilemessages afterwards.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _catalogue_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "ja" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(_catalogue_dir() / "django.po"))


@pytest.fixture(scope="module")
def mo() -> polib.MOFile:
    return polib.mofile(str(_catalogue_dir() / "django.mo"))


def _entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete and entry.msgid]


def _translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _as_dict(catalogue) -> dict[tuple[str | None, str], str]:
    result = {}
    for entry in _entries(catalogue):
        text = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        if text:
            result[(entry.msgctxt, entry.msgid)] = text
    return result


def test_header_declares_japanese_with_one_plural_form(po):
    assert po.metadata["Language"] == "ja"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in po.metadata["Content-Type"]


def test_catalogue_is_not_empty(po):
    assert len(_entries(po)) > 200


def test_every_entry_is_translated(po):
    untranslated = [
        entry.msgid
        for entry in _entries(po)
        if not all(text.strip() for text in _translations(entry))
    ]
    assert untranslated == []


def test_no_entry_is_fuzzy(po):
    fuzzy = [entry.msgid for entry in _entries(po) if "fuzzy" in entry.flags]
    assert fuzzy == []
    assert not po.metadata_is_fuzzy


def test_plural_entries_have_exactly_one_form(po):
    wrong = [
        entry.msgid
        for entry in _entries(po)
        if entry.msgid_plural and sorted(entry.msgstr_plural) != [0]
    ]
    assert wrong == []


def test_placeholders_are_kept(po):
    mismatched = []
    for entry in _entries(po):
        expected = set(PLACEHOLDER.findall(entry.msgid))
        expected |= set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in _translations(entry):
            if set(PLACEHOLDER.findall(text)) != expected:
                mismatched.append((entry.msgid, text))
    assert mismatched == []


def test_leading_and_trailing_spaces_are_kept(po):
    mismatched = []
    for entry in _entries(po):
        for text in _translations(entry):
            if (text[:1] == " ", text[-1:] == " ") != (
                entry.msgid[:1] == " ",
                entry.msgid[-1:] == " ",
            ):
                mismatched.append((entry.msgid, text))
    assert mismatched == []


def test_compiled_catalogue_matches_the_source(po, mo):
    from_po = _as_dict(po)
    from_mo = _as_dict(mo)
    missing = sorted(key[1] for key in from_po.keys() - from_mo.keys())
    stale = sorted(key[1] for key in from_mo.keys() - from_po.keys())
    changed = sorted(
        key[1] for key in from_po.keys() & from_mo.keys() if from_po[key] != from_mo[key]
    )
    assert (missing, stale, changed) == ([], [], []), "run compilemessages -l ja"


@pytest.mark.django_db
def test_brand_directory_is_served_in_japanese(client):
    response = client.get("/brands/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ja"' in html
    assert "<h1>ブランド</h1>" in html
    assert ">ログイン</a>" in html
    assert ">Log in</a>" not in html
    assert ">Brands<" not in html
