"""Replace Wagtail's placeholder welcome page with Sodan's home and guidelines pages,
so a freshly migrated site serves its front door without any manual step."""

import uuid

from django.db import migrations

HOME_BODY = (
    "<p>Sodan is where customers help customers. Ask about a product, describe a problem, "
    "suggest an idea or share praise; people who have been there answer, and the brand's "
    "own team joins in.</p>"
)
HOME_BODY_JA = (
    "<p>相談は、お客さま同士が助け合うコミュニティです。製品についての質問、困っていること、"
    "アイデア、感謝の声を投稿すると、同じ経験をした人が答え、ブランドのチームも参加します。</p>"
)
GUIDELINES_BODY = (
    "<h2>Be kind, be useful</h2><ul>"
    "<li>Answer the question that was asked; say what you tried and on which version.</li>"
    "<li>Vote answers that helped you, and accept the one that solved your problem.</li>"
    "<li>Press “me too” instead of posting the same problem again.</li>"
    "<li>No spam, no abuse, no personal data (order numbers, addresses, phone numbers).</li>"
    "<li>Criticism is welcome. Brands cannot remove posts; neutral moderators can, "
    "and only for breaking these guidelines.</li></ul>"
)
GUIDELINES_BODY_JA = (
    "<h2>親切に、役に立つように</h2><ul>"
    "<li>質問されたことに答えましょう。試したこととバージョンも書きましょう。</li>"
    "<li>役に立った回答には「役に立った」を、解決した回答はベストアンサーに。</li>"
    "<li>同じ問題を投稿する代わりに「私も」を押しましょう。</li>"
    "<li>スパム、誹謗中傷、個人情報（注文番号、住所、電話番号）の投稿は禁止です。</li>"
    "<li>批判も歓迎します。ブランドは投稿を削除できません。削除できるのは中立なモデレーターだけで、"
    "ガイドライン違反の場合に限ります。</li></ul>"
)


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("themes.HomePage")
    GuidelinesPage = apps.get_model("themes.GuidelinesPage")

    if HomePage.objects.exists():
        return
    Site.objects.filter(root_page_id=2).delete()
    Page.objects.filter(depth=2, path="00010001").delete()
    locale = Locale.objects.order_by("pk").first()
    home_type, _ = ContentType.objects.get_or_create(app_label="themes", model="homepage")
    guidelines_type, _ = ContentType.objects.get_or_create(
        app_label="themes", model="guidelinespage"
    )
    home = HomePage.objects.create(
        title="Sodan",
        draft_title="Sodan",
        title_ja="相談",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        translation_key=uuid.uuid4(),
        body=HOME_BODY,
        body_ja=HOME_BODY_JA,
        live=True,
    )
    GuidelinesPage.objects.create(
        title="Community guidelines",
        draft_title="Community guidelines",
        title_ja="コミュニティガイドライン",
        slug="guidelines",
        content_type=guidelines_type,
        path="000100010001",
        depth=3,
        numchild=0,
        url_path="/home/guidelines/",
        locale=locale,
        translation_key=uuid.uuid4(),
        body=GUIDELINES_BODY,
        body_ja=GUIDELINES_BODY_JA,
        live=True,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
