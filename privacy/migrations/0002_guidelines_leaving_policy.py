"""The community guidelines say what stays when a member deletes their account: add that
section to an existing guidelines page (a new site gets it from themes/content.py).
A frozen copy of the text, as migrations keep."""

from django.db import migrations

MARK = "<h2>If you leave</h2>"
LEAVING_POLICY = (
    "<h2>If you leave</h2>"
    "<p>From your privacy settings you can download everything Sodan holds about you, and "
    "delete your account. When you delete it, your name disappears everywhere and your "
    "personal data is removed. Your threads and answers stay, under “a former member”, "
    "because other people's answers, votes and fixes build on them; if you want them "
    "removed too, tick the box when you delete your account and they go with it.</p>"
)
MARK_JA = "<h2>退会するとき</h2>"
LEAVING_POLICY_JA = (
    "<h2>退会するとき</h2>"
    "<p>プライバシー設定から、相談が保存しているあなたのデータをすべてダウンロードでき、"
    "アカウントを削除できます。削除すると、あなたの名前はどこにも表示されなくなり、"
    "個人データは消去されます。ほかの人の回答や投票、解決策があなたの投稿の上に成り立っているため、"
    "スレッドと回答は「退会したメンバー」として残ります。投稿も消したい場合は、"
    "アカウントを削除するときにチェックを入れると、一緒に削除されます。</p>"
)


def add_policy(apps, schema_editor):
    GuidelinesPage = apps.get_model("themes", "GuidelinesPage")
    for page in GuidelinesPage.objects.all():
        changed = []
        if MARK not in (page.body or ""):
            page.body = (page.body or "") + LEAVING_POLICY
            changed.append("body")
        if MARK_JA not in (page.body_ja or ""):
            page.body_ja = (page.body_ja or "") + LEAVING_POLICY_JA
            changed.append("body_ja")
        if changed:
            page.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("themes", "0003_brand_sites"),
    ]

    operations = [migrations.RunPython(add_policy, migrations.RunPython.noop)]
