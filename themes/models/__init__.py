"""themes models: Wagtail pages (pages.py, blocks.py), a brand's look (look.py), and its
domains, widget web sites and page editors (domains.py)."""

from .domains import BrandDomain, BrandEditors, WidgetOrigin
from .look import FONT_STACKS, BrandTheme, Font
from .pages import (
    BilingualPage,
    BrandHomePage,
    BrandIndexPage,
    GuidelinesPage,
    HomePage,
    KnowledgeArticlePage,
)

__all__ = [
    "FONT_STACKS",
    "BilingualPage",
    "BrandDomain",
    "BrandEditors",
    "BrandHomePage",
    "BrandIndexPage",
    "BrandTheme",
    "Font",
    "GuidelinesPage",
    "HomePage",
    "KnowledgeArticlePage",
    "WidgetOrigin",
]
