"""Colour contrast as WCAG 2.1 measures it, and a nearby colour that passes.

A brand's colours are refused when text on them would be hard to read: WCAG 2.1 level AA
asks for a contrast ratio of at least 4.5:1 for normal text
(https://www.w3.org/TR/WCAG21/#contrast-minimum). The message names the measured ratio
and suggests the closest darker or lighter shade of the same hue that passes, so a
brand keeps its colour and only adjusts its lightness.
"""

from __future__ import annotations

import colorsys
import math
import re
from dataclasses import dataclass
from functools import lru_cache

AA_NORMAL_TEXT = 4.5
WHITE = "#ffffff"
BLACK = "#000000"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_hex_colour(value: str) -> bool:
    return bool(_HEX.match(value or ""))


def _rgb(colour: str) -> tuple[float, float, float]:
    if not is_hex_colour(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in (r, g, b))


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour (0 for black, 1 for white)."""

    def linear(channel: float) -> float:
        if channel <= 0.04045:
            return channel / 12.92
        return ((channel + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (no contrast) to 21 (black on white); the order of the colours is irrelevant."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """ "3.2:1", "4.49:1", "21:1". Rounded down, never up: 4.496 is not 4.5:1, and a refused
    colour must not be shown as passing."""
    floored = math.floor(ratio * 100) / 100
    return f"{floored:.2f}".rstrip("0").rstrip(".") + ":1"


def passes(colour: str, against: list[str], minimum: float = AA_NORMAL_TEXT) -> bool:
    return all(contrast_ratio(colour, other) >= minimum for other in against)


@dataclass(frozen=True)
class Suggestion:
    colour: str
    direction: str  # "darker" or "lighter"


def suggest(colour: str, against: list[str], minimum: float = AA_NORMAL_TEXT) -> Suggestion | None:
    """The closest shade of `colour` (same hue and saturation, other lightness) that has at
    least `minimum` contrast with every colour in `against`; None if no shade does (say,
    against both black and white)."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*_rgb(colour))
    found: list[tuple[float, Suggestion]] = []
    for direction, sign in (("darker", -1), ("lighter", 1)):
        step = 0
        while True:
            step += 1
            candidate_lightness = lightness + sign * step * 0.005
            if not 0.0 <= candidate_lightness <= 1.0:
                break
            candidate = _hex(*colorsys.hls_to_rgb(hue, candidate_lightness, saturation))
            if passes(candidate, against, minimum):
                found.append(
                    (abs(candidate_lightness - lightness), Suggestion(candidate, direction))
                )
                break
    for extreme, direction in ((BLACK, "darker"), (WHITE, "lighter")):
        if not found and passes(extreme, against, minimum):
            found.append((1.0, Suggestion(extreme, direction)))
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


@lru_cache(maxsize=256)
def muted_for(text: str, background: str) -> str:
    """A secondary text colour between `text` and `background` that still reads at AA on
    the background and on white cards. Kept per process for each pair: every page with a
    brand's look asks it."""
    tr, tg, tb = _rgb(text)
    br, bg, bb = _rgb(background)
    for share in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0):
        candidate = _hex(tr + (br - tr) * share, tg + (bg - tg) * share, tb + (bb - tb) * share)
        if passes(candidate, [background, WHITE]):
            return candidate
    return text
