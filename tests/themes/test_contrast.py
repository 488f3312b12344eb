import pytest

from themes import contrast


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the classic lightest AA grey on white
        ("#777777", "#ffffff", 4.47),
    ],
)
def test_contrast_ratio_follows_wcag_21(first, second, expected):
    assert contrast.contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast.contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


def test_ratios_are_shown_rounded_down_never_up():
    assert contrast.format_ratio(21.0) == "21:1"
    assert contrast.format_ratio(3.2) == "3.2:1"
    assert contrast.format_ratio(4.4999) == "4.49:1"  # refused, so never shown as 4.5:1


def test_suggestion_keeps_the_hue_and_passes_against_every_partner():
    suggestion = contrast.suggest("#f59e0b", ["#ffffff", "#f9fafb"])
    assert suggestion.direction == "darker"
    assert contrast.passes(suggestion.colour, ["#ffffff", "#f9fafb"])
    red, green, blue = (int(suggestion.colour[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green > blue  # still an amber, only darker


def test_suggestion_can_be_lighter_on_a_dark_background():
    suggestion = contrast.suggest("#1e3a8a", ["#111827"])
    assert suggestion.direction == "lighter"
    assert contrast.passes(suggestion.colour, ["#111827"])


def test_no_suggestion_when_nothing_can_pass():
    assert contrast.suggest("#808080", ["#000000", "#ffffff"], minimum=7) is None


def test_muted_text_still_reads_on_background_and_cards():
    muted = contrast.muted_for("#1f2937", "#fef3c7")
    assert contrast.passes(muted, ["#fef3c7", "#ffffff"])
    assert muted != "#1f2937"


def test_bad_colours_are_rejected():
    with pytest.raises(ValueError):
        contrast.contrast_ratio("red", "#ffffff")
