"""A brand's look: the draft its admins edit and preview, and the published one visitors see."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits.")
)

# Fonts a brand may choose: system font stacks only. Nothing is downloaded (the CSP allows
# fonts from Sodan alone, and a web font would slow every page), and the CSS that reaches
# the page comes from this table, never from what an admin typed.
FONT_STACKS: dict[str, str] = {
    "system": (
        'system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", '
        '"Yu Gothic UI", sans-serif'
    ),
    "humanist": (
        'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", "Hiragino Sans", '
        '"Noto Sans JP", sans-serif'
    ),
    "rounded": (
        'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, Manjari, '
        '"Arial Rounded MT", Calibri, "Noto Sans JP", sans-serif'
    ),
    "serif": (
        'Charter, "Bitstream Charter", "Sitka Text", Cambria, "Hiragino Mincho ProN", '
        '"Yu Mincho", "Noto Serif JP", serif'
    ),
    "geometric": (
        'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, "Hiragino Sans", '
        '"Noto Sans JP", sans-serif'
    ),
}


class Font(models.TextChoices):
    SYSTEM = "system", _("System (Sodan's default)")
    HUMANIST = "humanist", _("Humanist sans-serif")
    ROUNDED = "rounded", _("Rounded sans-serif")
    SERIF = "serif", _("Serif")
    GEOMETRIC = "geometric", _("Geometric sans-serif")


DEFAULT_ACCENT = "#2563eb"
DEFAULT_BACKGROUND = "#f9fafb"
DEFAULT_TEXT = "#1f2937"
MAX_HEADER_LINKS = 5


class BrandThemeQuerySet(models.QuerySet["BrandTheme"]):
    def published(self) -> BrandThemeQuerySet:
        return self.filter(published_at__isnull=False)


class BrandTheme(models.Model):
    """One per brand. The plain fields are the draft; `published_*` is what visitors see.

    Editing never changes the live look: an admin saves the draft, previews it on the
    brand's own pages (?preview=theme), then publishes, which copies the draft over.
    """

    brand = models.OneToOneField(
        "brands.Brand", on_delete=models.CASCADE, related_name="theme", help_text=_("Whose look.")
    )
    # --- Draft ---
    logo = models.ImageField(
        _("logo"),
        upload_to="brand-themes/",
        blank=True,
        help_text=_("PNG, JPEG, WebP or GIF, at most 512 KB; shown 48 pixels high."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[hex_colour],
        help_text=_("Header band, buttons and links; white text must be readable on it."),
    )
    background_colour = models.CharField(
        _("background colour"),
        max_length=7,
        default=DEFAULT_BACKGROUND,
        validators=[hex_colour],
        help_text=_("Behind the page; posts stay on white cards."),
    )
    text_colour = models.CharField(
        _("text colour"),
        max_length=7,
        default=DEFAULT_TEXT,
        validators=[hex_colour],
        help_text=_("Body text, on the background and on the white cards."),
    )
    font = models.CharField(
        _("font"),
        max_length=20,
        choices=Font.choices,
        default=Font.SYSTEM,
        help_text=_("Fonts already on your visitors' devices: nothing to download."),
    )
    header_links = models.JSONField(
        _("header links"),
        default=list,
        blank=True,
        help_text=_("Up to five links back to the company's site: [{label, url}], http(s) only."),
    )
    footer_text = models.CharField(
        _("footer text"),
        max_length=300,
        blank=True,
        help_text=_("A short line at the bottom of every page, e.g. the company's name."),
    )
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the draft last changed."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who last saved the draft."),
    )
    # --- Published ---
    published_logo = models.ImageField(
        upload_to="brand-themes/", blank=True, help_text=_("The logo visitors see.")
    )
    published_accent_colour = models.CharField(
        max_length=7, default=DEFAULT_ACCENT, validators=[hex_colour]
    )
    published_background_colour = models.CharField(
        max_length=7, default=DEFAULT_BACKGROUND, validators=[hex_colour]
    )
    published_text_colour = models.CharField(
        max_length=7, default=DEFAULT_TEXT, validators=[hex_colour]
    )
    published_font = models.CharField(max_length=20, choices=Font.choices, default=Font.SYSTEM)
    published_header_links = models.JSONField(default=list, blank=True)
    published_footer_text = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty until the first publication.")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who published the look visitors see."),
    )

    objects = BrandThemeQuerySet.as_manager()

    DRAFT_FIELDS = (
        "logo",
        "accent_colour",
        "background_colour",
        "text_colour",
        "font",
        "header_links",
        "footer_text",
    )

    class Meta:
        verbose_name = _("brand theme")
        verbose_name_plural = _("brand themes")

    def __str__(self) -> str:
        return f"{self.brand} theme"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published_at is None or any(
            getattr(self, name) != getattr(self, f"published_{name}") for name in self.DRAFT_FIELDS
        )
