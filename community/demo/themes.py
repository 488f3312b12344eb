"""The demo's brand sites: two themed brands, one served at its own domain.

- Hoshino Camera (official): its admin publishes a dark-red look with links back to the
  company's site, its community is served at http://hoshino.localhost:8000/ (every
  *.localhost name resolves to this machine), its brand page has a hero, an announcement,
  featured threads, knowledge articles and product links, and its widget may be embedded
  on http://localhost:8080 (serve any page there with `python -m http.server 8080`).
- Tsubame Kitchen (community-run): staff gave it a warm look and a rounded font.

Everything goes through themes.services, like the admins' clicks would. The one shortcut:
"hoshino.localhost" can have no public DNS record, so the demo answers the verification
look-up itself with the domain's token.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

from brands.models import Brand
from community.models import User
from qa.models import Thread
from themes import services
from themes.models import KnowledgeArticlePage

from . import content

DEMO_DOMAIN = "hoshino.localhost"
DEMO_WIDGET_ORIGIN = "http://localhost:8080"

ARTICLES = (
    {
        "title": "Updating the Z5 firmware safely",
        "title_ja": "Z5 のファームウェアを安全に更新する",
        "slug": "updating-z5-firmware",
        "summary": "Charge the battery, use a freshly formatted card, and never switch off "
        "while the update runs.",
        "body": "<ol><li>Charge the battery to at least 60%.</li><li>Copy the firmware file "
        "to a card formatted in the camera.</li><li>Choose <b>Setup › Firmware</b> and wait "
        "until the camera restarts by itself (about 3 minutes).</li></ol><p>If the camera "
        "shows E-12 afterwards, remove the battery for 30 seconds.</p>",
        "body_ja": "<ol><li>バッテリーを 60% 以上に充電します。</li><li>カメラでフォーマットした"
        "カードにファイルをコピーします。</li><li><b>セットアップ › ファームウェア</b> を選び、"
        "自動で再起動するまで待ちます（約 3 分）。</li></ol>",
    },
    {
        "title": "Pairing the Hoshino Link app",
        "title_ja": "Hoshino Link アプリとのペアリング",
        "slug": "pairing-hoshino-link",
        "summary": "Turn on Bluetooth and location on the phone, then pair from the camera's "
        "Network menu, not from the phone's settings.",
        "body": "<p>Pair from the camera: <b>Network › Connect to smartphone</b>. Pairing "
        "from the phone's Bluetooth settings connects but the app won't see the camera.</p>",
        "body_ja": "<p>カメラの <b>ネットワーク › スマートフォンと接続</b> からペアリングして"
        "ください。</p>",
    },
)


def _hoshino_page(brand: Brand) -> None:
    page = services.brand_page_ensure(brand)
    articles = []
    for spec in ARTICLES:
        article = page.get_children().filter(slug=spec["slug"]).first()
        if article is None:
            article = page.add_child(instance=KnowledgeArticlePage(**spec))
        articles.append(article.pk)
    featured = list(
        Thread.objects.for_brand(brand)
        .listed()
        .filter(status=Thread.Status.SOLVED)
        .order_by("-me_too_count", "-answer_count")
        .values_list("pk", flat=True)[:3]
    )
    products = list(brand.products.values_list("pk", flat=True))
    page.content = _hoshino_blocks(PAGE_TEXT["en"], featured, articles, products)
    page.save_revision().publish()
    # The same page in Japanese: Wagtail's translation, at the same address.
    services.brand_page_translate(
        page,
        language="ja",
        title=PAGE_TEXT["ja"]["title"],
        content=_hoshino_blocks(PAGE_TEXT["ja"], featured, articles, products),
    )


# The brand page's words in each language; the blocks point at the same threads, articles
# and products in both.
PAGE_TEXT = {
    "en": {
        "title": "Hoshino Camera",
        "hero_heading": "Hoshino support community",
        "hero_text": "Answers from Hoshino owners and from our support team, who reply here "
        "on weekdays in Japanese and English.",
        "button": "Ask a question",
        "news_title": "Z5 firmware 2.1.2 is out",
        "news_text": "<p>It fixes the E-12 error some cameras showed after 2.1. "
        "See <b>Updating the Z5 firmware safely</b> below.</p>",
        "featured": "Solved by the community",
        "articles": "Knowledge base",
        "products": "Products",
    },
    "ja": {
        "title": "Hoshino カメラ",
        "hero_heading": "Hoshino サポートコミュニティ",
        "hero_text": "Hoshino のオーナーと、平日に日本語と英語で回答するサポートチームが"
        "お答えします。",
        "button": "質問する",
        "news_title": "Z5 ファームウェア 2.1.2 を公開しました",
        "news_text": "<p>2.1 以降に一部のカメラで表示された E-12 エラーを修正しています。"
        "下の <b>Z5 のファームウェアを安全に更新する</b> をご覧ください。</p>",
        "featured": "コミュニティで解決",
        "articles": "ナレッジベース",
        "products": "製品",
    },
}


def _hoshino_blocks(text: dict, featured: list, articles: list, products: list) -> list:
    return [
        {
            "type": "hero",
            "value": {
                "heading": text["hero_heading"],
                "text": text["hero_text"],
                "image": None,
                "button_label": text["button"],
                "button_url": "",
            },
        },
        {
            "type": "announcement",
            "value": {
                "title": text["news_title"],
                "text": text["news_text"],
                "date": None,
                "important": True,
            },
        },
        {"type": "featured_threads", "value": {"heading": text["featured"], "threads": featured}},
        {
            "type": "knowledge_articles",
            "value": {"heading": text["articles"], "articles": articles},
        },
        {"type": "products", "value": {"heading": text["products"], "products": products}},
    ]


def load_themes(
    *, users: dict[str, User], brands: dict[str, Brand], report: Callable[[str], None]
) -> None:
    services.brand_sites_cleanup()  # pages and groups a reset left without a brand
    admin = users[content.BRAND_ADMIN.username]
    staff = users[content.STAFF.username]
    hoshino, tsubame = brands[content.HOSHINO], brands[content.TSUBAME]

    services.theme_save_draft(
        actor=admin,
        brand=hoshino,
        accent_colour="#9b1c31",
        background_colour="#faf6f2",
        text_colour="#1c1917",
        font="humanist",
        header_links=[
            {"label": "hoshino-camera.example", "url": "https://hoshino-camera.example/"},
            {"label": "Repairs", "url": "https://hoshino-camera.example/repairs"},
            {"label": "Downloads", "url": "https://hoshino-camera.example/downloads"},
        ],
        footer_text="© Hoshino Camera Co., Ltd. · Suwa, Nagano · Support replies on weekdays.",
    )
    services.theme_publish(actor=admin, brand=hoshino)
    domain = services.domain_add(actor=admin, brand=hoshino, hostname=DEMO_DOMAIN)
    services.domain_check(domain_id=domain.pk, resolver=lambda name: [domain.record_value])
    services.widget_origin_add(actor=admin, brand=hoshino, origin=DEMO_WIDGET_ORIGIN)
    services.brand_editors_sync(hoshino)
    _hoshino_page(hoshino)

    services.theme_save_draft(
        actor=staff,
        brand=tsubame,
        accent_colour="#9a3412",
        background_colour="#fffbf0",
        text_colour="#292524",
        font="rounded",
        header_links=[
            {"label": "tsubame-kitchen.example", "url": "https://tsubame-kitchen.example/"}
        ],
        footer_text="Run by Tsubame owners; not official Tsubame support.",
    )
    services.theme_publish(actor=staff, brand=tsubame)
    report(
        f"  brand sites: {hoshino.name} themed at http://{DEMO_DOMAIN}{_site_port()}/ "
        f"(widget allowed on {DEMO_WIDGET_ORIGIN}); {tsubame.name} themed"
    )


def _site_port() -> str:
    """ ":<port>" of SITE_URL (set by `make demo` from PORT), for the brand domain's address."""
    port = urlsplit(settings.SITE_URL).port
    return f":{port}" if port else ""
