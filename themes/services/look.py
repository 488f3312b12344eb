"""Writes for a brand's look: save the draft, publish it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from community import page_cache
from moderation.services import audit_log_record

from .. import contrast
from ..models import FONT_STACKS, BrandTheme
from ..models.look import MAX_HEADER_LINKS
from ..permissions import check_can_manage_site
from ..selectors import look_cache_key

MAX_LOGO_BYTES = 512 * 1024
LOGO_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "webp", "gif"})


def _contrast_message(
    *, what: str, colour: str, partner_name: str, partner: str, against: list[str]
) -> str:
    ratio = contrast.format_ratio(contrast.contrast_ratio(colour, partner))
    message = _(
        "%(what)s %(colour)s against %(partner)s %(partner_colour)s has a contrast ratio of "
        "%(ratio)s; WCAG AA needs at least 4.5:1 for normal text."
    ) % {
        "what": what,
        "colour": colour,
        "partner": partner_name,
        "partner_colour": partner,
        "ratio": ratio,
    }
    suggestion = contrast.suggest(colour, against)
    if suggestion is not None:
        hint = (
            _("Try the darker %(colour)s, which passes.")
            if suggestion.direction == "darker"
            else _("Try the lighter %(colour)s, which passes.")
        )
        message += " " + hint % {"colour": suggestion.colour}
    return message


def theme_contrast_errors(*, accent: str, background: str, text: str) -> dict[str, list[str]]:
    """What fails WCAG AA in these colours, by field, with the measured ratio and a fix.

    Text is read on the page background and on the white cards; white text is read on the
    accent (header band, buttons), and the accent is the colour of links on the background.
    """
    errors: dict[str, list[str]] = {}
    colours = {"accent_colour": accent, "background_colour": background, "text_colour": text}
    bad = [name for name, value in colours.items() if not contrast.is_hex_colour(value)]
    if bad:
        return {
            name: [_("Enter a colour as # followed by six hexadecimal digits.")] for name in bad
        }
    text_partners = [background, contrast.WHITE]
    for partner, partner_name in ((background, _("the background")), (contrast.WHITE, _("white"))):
        if contrast.contrast_ratio(text, partner) < contrast.AA_NORMAL_TEXT:
            errors.setdefault("text_colour", []).append(
                _contrast_message(
                    what=_("Text"),
                    colour=text,
                    partner_name=partner_name,
                    partner=partner,
                    against=text_partners,
                )
            )
            break
    accent_partners = [contrast.WHITE, background]
    for partner, partner_name in (
        (contrast.WHITE, _("white text")),
        (background, _("the background (links)")),
    ):
        if contrast.contrast_ratio(accent, partner) < contrast.AA_NORMAL_TEXT:
            errors.setdefault("accent_colour", []).append(
                _contrast_message(
                    what=_("The accent colour"),
                    colour=accent,
                    partner_name=partner_name,
                    partner=partner,
                    against=accent_partners,
                )
            )
            break
    return errors


def clean_header_links(links: list[dict[str, str]]) -> list[dict[str, str]]:
    """Labels and http(s) URLs only: a javascript: or data: link could run script on Sodan."""
    cleaned: list[dict[str, str]] = []
    for link in links:
        label = (link.get("label") or "").strip()
        url = (link.get("url") or "").strip()
        if not label and not url:
            continue
        if not label or not url:
            raise ValidationError(
                {"header_links": _("Each header link needs both a label and an address.")}
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                {
                    "header_links": _(
                        "“%(url)s” is not a web address: header links must start with "
                        "https:// or http://."
                    )
                    % {"url": url}
                }
            )
        cleaned.append({"label": label[:40], "url": url[:500]})
    if len(cleaned) > MAX_HEADER_LINKS:
        raise ValidationError(
            {"header_links": _("At most %(n)s header links.") % {"n": MAX_HEADER_LINKS}}
        )
    return cleaned


def _check_logo(logo: UploadedFile) -> None:
    extension = (logo.name or "").rsplit(".", 1)[-1].lower()
    if extension not in LOGO_EXTENSIONS:
        raise ValidationError(
            {"logo": _("Upload the logo as PNG, JPEG, WebP or GIF (SVG files can carry scripts).")}
        )
    if logo.size > MAX_LOGO_BYTES:
        raise ValidationError(
            {
                "logo": _("The logo is %(size)s KB; the limit is %(limit)s KB.")
                % {"size": logo.size // 1024, "limit": MAX_LOGO_BYTES // 1024}
            }
        )


@transaction.atomic
def theme_save_draft(
    *,
    actor: Any,
    brand: Brand,
    accent_colour: str,
    background_colour: str,
    text_colour: str,
    font: str,
    header_links: list[dict[str, str]],
    footer_text: str = "",
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> BrandTheme:
    """Save the draft look. Visitors keep seeing the published one until it is published."""
    check_can_manage_site(actor, brand)
    accent, background, text = (
        value.strip().lower() for value in (accent_colour, background_colour, text_colour)
    )
    errors = theme_contrast_errors(accent=accent, background=background, text=text)
    if font not in FONT_STACKS:
        errors.setdefault("font", []).append(_("Choose one of the fonts in the list."))
    if len(footer_text) > 300:
        errors.setdefault("footer_text", []).append(_("The footer may have 300 characters."))
    if errors:
        raise ValidationError(errors)
    links = clean_header_links(header_links)
    if logo is not None:
        _check_logo(logo)
    theme = BrandTheme.objects.select_for_update().filter(brand=brand).first()
    if theme is None:
        theme = BrandTheme(brand=brand)
    theme.accent_colour = accent
    theme.background_colour = background
    theme.text_colour = text
    theme.font = font
    theme.header_links = links
    theme.footer_text = footer_text.strip()
    theme.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    if logo is not None:
        theme.logo.save(logo.name, logo, save=False)
    elif remove_logo:
        theme.logo = ""
    theme.save()
    return theme


@transaction.atomic
def theme_publish(*, actor: Any, brand: Brand) -> BrandTheme:
    """Visitors see the draft from now on: on every page of the brand, on every host."""
    check_can_manage_site(actor, brand)
    theme = BrandTheme.objects.select_for_update().filter(brand=brand).first()
    if theme is None:
        raise ValidationError(_("Save a draft theme before publishing it."))
    # The rules may have changed since the draft was saved: never publish a failing look.
    errors = theme_contrast_errors(
        accent=theme.accent_colour, background=theme.background_colour, text=theme.text_colour
    )
    if errors:
        raise ValidationError(errors)
    for name in BrandTheme.DRAFT_FIELDS:
        setattr(theme, f"published_{name}", getattr(theme, name))
    theme.published_at = timezone.now()
    theme.published_by = actor if getattr(actor, "is_authenticated", False) else None
    theme.save(
        update_fields=[*(f"published_{name}" for name in BrandTheme.DRAFT_FIELDS), "published_at",
                       "published_by"]
    )  # fmt: skip
    audit_log_record(actor=actor, action="theme.publish", target=theme, brand=brand)
    _look_changed(brand)
    return theme


def _look_changed(brand: Brand) -> None:
    """Every cached page showing the brand's look must be rendered again."""
    key = look_cache_key(brand.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    page_cache.site_changed()
