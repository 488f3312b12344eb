"""The default texts of the site's Wagtail pages, in English and Japanese.

The data migration keeps its own frozen copy; this one is used to repair or reset pages.
"""

HOME_BODY = (
    "<p>Sodan is where customers help customers. Ask about a product, describe a problem, "
    "suggest an idea or share praise; people who have been there answer, and the brand's "
    "own team joins in.</p>"
)
HOME_BODY_JA = (
    "<p>相談は、お客さま同士が助け合うコミュニティです。製品についての質問、困っていること、"
    "アイデア、感謝の声を投稿すると、同じ経験をした人が答え、ブランドのチームも参加します。</p>"
)
# The community's policy on what stays when a member leaves (privacy.services.account_erase
# follows it; privacy's data migration adds it to an existing guidelines page).
LEAVING_POLICY = (
    "<h2>If you leave</h2>"
    "<p>From your privacy settings you can download everything Sodan holds about you, and "
    "delete your account. When you delete it, your name disappears everywhere and your "
    "personal data is removed. Your threads and answers stay, under “a former member”, "
    "because other people's answers, votes and fixes build on them; if you want them "
    "removed too, tick the box when you delete your account and they go with it.</p>"
)
LEAVING_POLICY_JA = (
    "<h2>退会するとき</h2>"
    "<p>プライバシー設定から、相談が保存しているあなたのデータをすべてダウンロードでき、"
    "アカウントを削除できます。削除すると、あなたの名前はどこにも表示されなくなり、"
    "個人データは消去されます。ほかの人の回答や投票、解決策があなたの投稿の上に成り立っているため、"
    "スレッドと回答は「退会したメンバー」として残ります。投稿も消したい場合は、"
    "アカウントを削除するときにチェックを入れると、一緒に削除されます。</p>"
)
GUIDELINES_BODY = (
    "<h2>Be kind, be useful</h2><ul>"
    "<li>Answer the question that was asked; say what you tried and on which version.</li>"
    "<li>Vote answers that helped you, and accept the one that solved your problem.</li>"
    "<li>Press “me too” instead of posting the same problem again.</li>"
    "<li>No spam, no abuse, no personal data (order numbers, addresses, phone numbers).</li>"
    "<li>Criticism is welcome. Brands cannot remove posts; neutral moderators can, "
    "and only for breaking these guidelines.</li></ul>" + LEAVING_POLICY
)
GUIDELINES_BODY_JA = (
    "<h2>親切に、役に立つように</h2><ul>"
    "<li>質問されたことに答えましょう。試したこととバージョンも書きましょう。</li>"
    "<li>役に立った回答には「役に立った」を、解決した回答はベストアンサーに。</li>"
    "<li>同じ問題を投稿する代わりに「私も」を押しましょう。</li>"
    "<li>スパム、誹謗中傷、個人情報（注文番号、住所、電話番号）の投稿は禁止です。</li>"
    "<li>批判も歓迎します。ブランドは投稿を削除できません。削除できるのは中立なモデレーターだけで、"
    "ガイドライン違反の場合に限ります。</li></ul>" + LEAVING_POLICY_JA
)
