"""The demo community's texts: people, brands, threads and answers.

Plain data, so a writer can change a sentence without reading the loader. Every brand and
person here is fictional and every domain ends in `.example`, so the demo never points
at a real company or address.

Texts are wrapped to fit the line limit; `md()` joins the wrapped lines of a paragraph
back together (without a space between Japanese characters, where a space would show),
so the stored Markdown reads as a person typed it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

_LIST_ITEM = re.compile(r"^(\s*[-*] |\s*\d+\. )")


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


def md(text: str) -> str:
    """Dedent the text and unwrap each paragraph and list item onto one line."""
    lines: list[str] = []
    previous_blank = True
    for line in textwrap.dedent(text).strip().splitlines():
        stripped = line.strip()
        if not stripped:
            lines.append("")
            previous_blank = True
            continue
        if previous_blank or _LIST_ITEM.match(line):
            lines.append(line.rstrip())
        else:
            last = lines[-1]
            joiner = "" if _is_cjk(last[-1]) or _is_cjk(stripped[0]) else " "
            lines[-1] = f"{last}{joiner}{stripped}"
        previous_blank = False
    return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class Person:
    """A demo account. `role` is the label in the credentials table."""

    username: str
    email: str
    display_name: str
    role: str = "Community member"
    language: str = ""
    bio: str = ""
    is_staff: bool = False


@dataclass(frozen=True, kw_only=True)
class BrandSpec:
    name: str
    slug: str
    domain: str
    description: str
    accent_colour: str
    official: bool = False
    products: tuple[tuple[str, str], ...] = ()  # (name, slug)


@dataclass(frozen=True, kw_only=True)
class AnswerSpec:
    author: str
    body: str
    accepted: bool = False
    votes: int | None = None  # None: a few, chosen by the loader
    edited_body: str = ""  # non-empty: the author edits the answer to this later


@dataclass(frozen=True, kw_only=True)
class ThreadSpec:
    brand: str
    author: str
    type: str
    title: str
    body: str
    product: str = ""
    answers: tuple[AnswerSpec, ...] = ()
    me_too: int = 0  # how many people press "me too"
    me_too_from: tuple[str, ...] = ()  # people who certainly do, counted in me_too
    cohorts: tuple[tuple[str, str], ...] = ()  # (version, platform) some me-toos give
    edited_body: str = ""  # non-empty: the asker edits the question to this later
    days_ago: float | None = None  # None: the loader spreads it over the last 90 days


DEMO_PASSWORD = "sodan-demo"  # noqa: S105 - printed on screen; demo accounts only
# The second factor of the demo's rep, brand admin, moderator and staff (their powers need
# one, community/mfa.py): add this secret to an authenticator app, or compute the code
# (`oathtool --totp -b SECRET`). Printed on screen; demo accounts only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPSODANDEMO2FA2345"  # noqa: S105


def site_url() -> str:
    """Where the demo is served: SITE_URL, which `make demo` sets from PORT."""
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + "/"


# --- Brands ---------------------------------------------------------------------------

HOSHINO = "hoshino-camera"
KUMO = "kumo-mobile"
TSUBAME = "tsubame-kitchen"
VELORA = "velora-bikes"
NESTWISE = "nestwise-home"

BRANDS: tuple[BrandSpec, ...] = (
    BrandSpec(
        name="Hoshino Camera",
        slug=HOSHINO,
        domain="hoshino-camera.example",
        accent_colour="#9b1c31",
        official=True,
        description=md(
            """
            Hoshino Camera has made cameras in Suwa, Nagano, since 1962. This is the
            official Hoshino community: ask about the Z-series mirrorless bodies, HX
            lenses and the Hoshino Link app, and our support team answers here on
            weekdays. 平日はサポートチームが日本語・英語でお答えします。
            """
        ),
        products=(
            ("Hoshino Z5", "z5"),
            ("Hoshino Z7 Pro", "z7-pro"),
            ("HX 35mm f/1.8", "hx-35mm-f1-8"),
            ("Hoshino Link app", "hoshino-link"),
        ),
    ),
    BrandSpec(
        name="Kumo Mobile",
        slug=KUMO,
        domain="kumo-mobile.example",
        accent_colour="#5b21b6",
        description=md(
            """
            Kumo Mobile is a Tokyo carrier that also makes its own phones: SIM and eSIM
            plans, the Kumo Phone 12 family and a 5G pocket Wi-Fi. This community is run
            by customers and is not official Kumo support.
            """
        ),
        products=(
            ("Kumo Phone 12", "kumo-phone-12"),
            ("Kumo Phone 12 Lite", "kumo-phone-12-lite"),
            ("Pocket Wi-Fi 5G", "pocket-wifi-5g"),
            ("eSIM plans", "esim"),
        ),
    ),
    BrandSpec(
        name="Tsubame Kitchen",
        slug=TSUBAME,
        domain="tsubame-kitchen.example",
        accent_colour="#9a3412",
        description=md(
            """
            Tsubame Kitchen makes rice cookers, steam ovens and kettles in Niigata. Owners
            of Tsubame appliances share recipes, settings and fixes here; for repairs,
            contact Tsubame directly.
            """
        ),
        products=(
            ("Rice Cooker RC-10", "rc-10"),
            ("Steam Oven SO-30", "so-30"),
            ("Electric Kettle K-2", "k-2"),
        ),
    ),
    BrandSpec(
        name="Velora Bikes",
        slug=VELORA,
        domain="velora-bikes.example",
        accent_colour="#166534",
        description=md(
            """
            Velora designs e-bikes for commuting and gravel riding, and the Velora Ride
            app that goes with them. Riders share fixes, set-ups and routes here; this
            community is not run by Velora.
            """
        ),
        products=(
            ("Velora Commute E2", "commute-e2"),
            ("Velora Trail X", "trail-x"),
            ("Velora Ride app", "ride-app"),
        ),
    ),
    BrandSpec(
        name="Nestwise Home",
        slug=NESTWISE,
        domain="nestwise-home.example",
        accent_colour="#0f766e",
        description=md(
            """
            Nestwise makes a smart-home hub, plugs and a thermostat, all run from the
            Nestwise app. Owners help each other with set-up and automations here; this
            community is not run by Nestwise.
            """
        ),
        products=(
            ("Nestwise Hub", "hub"),
            ("Smart Plug Mini", "smart-plug-mini"),
            ("Nestwise Thermostat", "thermostat"),
        ),
    ),
)

OFFICIAL_BRAND = next(brand for brand in BRANDS if brand.official)


# --- People ---------------------------------------------------------------------------

CUSTOMER = Person(
    username="customer",
    email="customer@sodan.example",
    display_name="Hana Sato",
    role="Customer",
    language="ja",
    bio="Z5 と炊飯器を愛用しています。旅行と写真が好きです。",
)
CUSTOMER2 = Person(
    username="customer2",
    email="customer2@sodan.example",
    display_name="Ken Ito",
    role="Second customer",
    bio="Photographer and commuter cyclist in Yokohama.",
)
REP = Person(
    username="rep",
    email=f"rep@{OFFICIAL_BRAND.domain}",
    display_name="Yuki (Hoshino support)",
    role=f"Brand rep ({OFFICIAL_BRAND.name})",
    language="ja",
    bio="Hoshino Camera customer support. 平日 10:00〜18:00 に回答しています。",
)
BRAND_ADMIN = Person(
    username="brandadmin",
    email=f"brandadmin@{OFFICIAL_BRAND.domain}",
    display_name="Takeshi Mori (Hoshino)",
    role=f"Brand admin ({OFFICIAL_BRAND.name})",
    language="ja",
    bio="Community lead at Hoshino Camera.",
)
MODERATOR = Person(
    username="moderator",
    email="moderator@sodan.example",
    display_name="Rin Aoyama",
    role="Moderator (global)",
    bio="Volunteer moderator. Be kind, be specific.",
)
STAFF = Person(
    username="staff",
    email="staff@sodan.example",
    display_name="Sodan staff",
    role="Staff (superuser)",
    is_staff=True,
)

KEY_ACCOUNTS: tuple[Person, ...] = (CUSTOMER, CUSTOMER2, REP, BRAND_ADMIN, MODERATOR, STAFF)

MEMBERS: tuple[Person, ...] = (
    Person(
        username="mika_t",
        email="mika.tanaka@sodan.example",
        display_name="田中 美香",
        language="ja",
        bio="週末カメラマン。Z5 とスマホで撮っています。",
    ),
    Person(
        username="daisuke",
        email="daisuke.yamamoto@sodan.example",
        display_name="山本 大輔",
        language="ja",
        bio="家電とガジェットが好きです。",
    ),
    Person(
        username="aoi_k",
        email="aoi.kobayashi@sodan.example",
        display_name="Aoi K.",
        language="ja",
    ),
    Person(
        username="ryo_n",
        email="ryo.nakamura@sodan.example",
        display_name="中村 亮",
        language="ja",
        bio="自転車通勤と料理。困ったときはお互いさまで。",
    ),
    Person(
        username="kenji_o",
        email="kenji.okada@sodan.example",
        display_name="岡田 健二",
        language="ja",
        bio="Electrical engineer. 計測するのが好きです。",
    ),
    Person(
        username="haruto_s",
        email="haruto.suzuki@sodan.example",
        display_name="Haruto Suzuki",
        language="ja",
    ),
    Person(
        username="emma_w",
        email="emma.walsh@sodan.example",
        display_name="Emma Walsh",
        bio="Travel photographer, tea drinker, occasional cyclist.",
    ),
    Person(
        username="lucas_b",
        email="lucas.bauer@sodan.example",
        display_name="Lucas Bauer",
        bio="Tinkerer. If it has firmware, I have opinions about it.",
    ),
    Person(
        username="priya_r",
        email="priya.raman@sodan.example",
        display_name="Priya Raman",
    ),
    Person(
        username="tom_h",
        email="tom.hughes@sodan.example",
        display_name="Tom Hughes",
        bio="Sports photography on weekends, bike mechanic on weekdays.",
    ),
    Person(
        username="sofia_m",
        email="sofia.marino@sodan.example",
        display_name="Sofia Marino",
    ),
    Person(
        username="olivia_c",
        email="olivia.chen@sodan.example",
        display_name="Olivia Chen",
    ),
)

PEOPLE: tuple[Person, ...] = KEY_ACCOUNTS + MEMBERS

# Who may press "me too" and vote "helpful" in the demo: customers, not staff or reps.
AUDIENCE: tuple[str, ...] = (
    CUSTOMER.username,
    CUSTOMER2.username,
    *(person.username for person in MEMBERS),
)


# --- Threads --------------------------------------------------------------------------

QUESTION, PROBLEM, IDEA, PRAISE = "question", "problem", "idea", "praise"

HOSHINO_THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        brand=HOSHINO,
        product="z5",
        author="emma_w",
        type=PROBLEM,
        title="Z5 battery drains overnight since firmware 2.1.0",
        body=md(
            """
            Since updating my Z5 to firmware **2.1.0** last week, a fully charged battery
            (NP-H40) is down to about 30% the next morning, even though the camera is
            switched off.

            What I've tried so far:

            1. Re-seated the battery and left it out for an hour
            2. Reset all settings (`Menu > Setup > Reset > All`)
            3. Tried a second, brand-new NP-H40 — same result

            Before the update I could leave the camera in the bag for a week. Is anyone
            else seeing this, or should I send it in?
            """
        ),
        edited_body=md(
            """
            Since updating my Z5 to firmware **2.1.0** last week, a fully charged battery
            (NP-H40) is down to about 30% the next morning, even though the camera is
            switched off.

            What I've tried so far:

            1. Re-seated the battery and left it out for an hour
            2. Reset all settings (`Menu > Setup > Reset > All`)
            3. Tried a second, brand-new NP-H40 — same result

            Before the update I could leave the camera in the bag for a week. Is anyone
            else seeing this, or should I send it in?

            **Update:** firmware 2.1.2 fixed it for me. Thanks, Yuki and Tom!
            """
        ),
        me_too=6,
        cohorts=(("2.1.0", "Z5"), ("2.1.0", "Z5 + battery grip"), ("2.1.1", "Z5")),
        answers=(
            AnswerSpec(
                author="rep",
                accepted=True,
                votes=7,
                body=md(
                    """
                    Thank you for the detailed report, and sorry for the trouble. In
                    2.1.0 the camera keeps Bluetooth awake for **Link in standby** even
                    when the power switch is off, and that is what drains the battery.

                    Until the fix is out, please turn it off:
                    `Menu > Network > Hoshino Link > Link in standby > Off`.

                    Firmware 2.1.2, which corrects this, is now on the
                    [firmware download page](https://hoshino-camera.example/support/firmware/z5).
                    After updating you can switch the setting back on.
                    """
                ),
            ),
            AnswerSpec(
                author="tom_h",
                body=md(
                    """
                    Same here on 2.1.0. Turning off *Link in standby* took my overnight
                    drain from about 70% to 2%. Thanks for listing what you'd already
                    tried — saved me an evening.
                    """
                ),
            ),
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    For anyone who can't update yet: the drain also stops if you turn on
                    airplane mode (`Menu > Network > Airplane mode`) before switching
                    off. Less convenient, but it works on 2.1.0.
                    """
                ),
            ),
            AnswerSpec(
                author="olivia_c",
                body=md(
                    """
                    Updated to 2.1.2 last night: 100% to 97% overnight. Fixed for me.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z7-pro",
        author="daisuke",
        type=PROBLEM,
        title="Z7 Proで「Err 41」が出てシャッターが切れなくなりました",
        body=md(
            """
            先週の撮影中に突然、液晶に **Err 41** と表示され、シャッターボタンを
            押しても反応しなくなりました。

            - ボディ：Z7 Pro（ファームウェア 1.3.1）
            - レンズ：HX 24-70mm f/2.8
            - 電源の入れ直し、バッテリーの抜き差しは試しました
            - 別のレンズ（HX 35mm f/1.8）に付け替えても同じ表示です

            購入から1年3か月ほどで、落としたりぶつけたりした覚えはありません。
            修理に出すしかないのでしょうか。
            """
        ),
        me_too=2,
        cohorts=(("1.3.1", "Z7 Pro"),),
        answers=(
            AnswerSpec(
                author="kenji_o",
                body=md(
                    """
                    以前 Z5 で同じ Err 41 が出たことがあります。私の場合はレンズマウントの
                    接点に汚れが付いていて、無水エタノールを含ませた綿棒で軽く拭いたら
                    直りました。一度試してみてはいかがでしょうか。
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    ご不便をおかけして申し訳ございません。Err 41 はシャッターユニットの
                    動作異常を示すエラーです。以下をお試しください。

                    1. レンズを外し、ボディキャップを付けた状態で電源を入れる
                    2. `メニュー > セットアップ > センサークリーニング` を一度実行する
                    3. それでも表示される場合は、ファームウェアを 1.3.2 に更新する

                    改善しない場合は、保証期間外でもシャッターユニットの不具合として
                    無償修理の対象となる可能性がございます。
                    [修理受付ページ](https://hoshino-camera.example/support/repair)
                    からお申し込みください。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="hx-35mm-f1-8",
        author="customer",
        type=QUESTION,
        days_ago=41,
        title="HX 35mm f/1.8 はZ5のボディ内手ぶれ補正に対応していますか",
        body=md(
            """
            来月の旅行に向けて、Z5 用に HX 35mm f/1.8 の購入を考えています。

            このレンズにはレンズ側の手ぶれ補正がないようですが、Z5 のボディ内
            手ぶれ補正は効くのでしょうか。夜の街歩きで、1/15秒くらいまで手持ちで
            撮れたら嬉しいです。

            お使いの方がいらっしゃいましたら、感想も教えていただけると助かります。
            """
        ),
        answers=(
            AnswerSpec(
                author="mika_t",
                accepted=True,
                body=md(
                    """
                    使っています！Z5 のボディ内手ぶれ補正（5軸）がそのまま効きますよ。
                    HX レンズは焦点距離をボディに自動で伝えるので、設定も不要です。

                    私の場合、1/15秒なら8割くらいはブレずに撮れています。1/8秒になると
                    少し運次第ですね。
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    ご検討いただきありがとうございます。田中さんのおっしゃる通り、
                    HX 35mm f/1.8 装着時はボディ内手ぶれ補正が5軸で動作し、CIPA 基準で
                    約5.0段の補正効果がございます。

                    なお、レンズのファームウェアが 1.02 以前の場合は補正効果が弱くなる
                    ことがございますので、`メニュー > セットアップ > ファームウェア` で
                    ご確認のうえ、最新の 1.03 への更新をおすすめいたします。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="hoshino-link",
        author="lucas_b",
        type=PROBLEM,
        title="Hoshino Link can't find my Z5 after the Android 15 update",
        body=md(
            """
            After my phone updated to Android 15, Hoshino Link (version 3.4.0) no longer
            finds the camera. The Z5 shows "Waiting for connection…" and the app just
            spins on the pairing screen.

            - Phone: Kumo Phone 12, Android 15
            - Camera firmware: 2.1.2
            - Already tried: unpairing in Bluetooth settings, reinstalling the app,
              `Reset network settings` on the camera

            Transfers worked fine on Android 14.
            """
        ),
        me_too=4,
        cohorts=(("Link 3.4.0", "Android 15"), ("Link 3.4.0", "Kumo Phone 12 Lite")),
        answers=(
            AnswerSpec(
                author="priya_r",
                accepted=True,
                body=md(
                    """
                    Android 15 asks for the **Nearby devices** permission separately from
                    location. Check `Settings > Apps > Hoshino Link > Permissions` and set
                    *Nearby devices* to Allow — it was switched off for me after the
                    update. Then force-stop the app and pair again.
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    Thanks for the report. We've confirmed a pairing problem with Link
                    3.4.0 on some Android 15 phones, and a fix is in testing. In the
                    meantime, granting the *Nearby devices* permission as Priya describes
                    works for most people.
                    """
                ),
                edited_body=md(
                    """
                    Thanks for the report. We've confirmed a pairing problem with Link
                    3.4.0 on some Android 15 phones, and a fix is in testing. In the
                    meantime, granting the *Nearby devices* permission as Priya describes
                    works for most people.

                    **Update:** Hoshino Link 3.5.0 with the fix is now in the app stores.
                    Please update, and let us know here if the problem continues.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z5",
        author="tom_h",
        type=IDEA,
        title="Let the Fn buttons toggle between JPEG and RAW+JPEG",
        body=md(
            """
            I shoot mostly JPEG, but sometimes I know a scene needs RAW (backlit, mixed
            light). Right now switching means going into `Menu > Image quality` and
            scrolling, which takes long enough to miss the moment.

            Could **Fn1/Fn2** be assignable to *Toggle RAW+JPEG*? Plenty of other
            settings can already be assigned, so it seems like a small addition for a
            firmware update.
            """
        ),
        me_too=8,
        cohorts=(("2.1.2", "Z5"),),
        answers=(
            AnswerSpec(
                author="brandadmin",
                body=md(
                    """
                    Thanks for the clear suggestion, Tom. I've shared it with the Z-series
                    product team, together with the number of me-toos here. I can't
                    promise a release, but requests like this do shape our firmware
                    updates, and we'll post in this thread if it's planned.
                    """
                ),
            ),
            AnswerSpec(
                author="emma_w",
                body=md(
                    """
                    +1 — and ideally it would go back to JPEG when the camera is switched
                    off, so I don't fill a card with RAW files by accident.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        author="aoi_k",
        type=IDEA,
        title="修理の進み具合をWebで確認できるようにしてほしいです",
        body=md(
            """
            先月レンズを修理に出したのですが、受付から返却まで進み具合がまったく
            分からず、電話で2回問い合わせることになりました。

            宅配便の追跡のように、

            - 受付完了
            - 見積もり中
            - 修理中
            - 発送済み

            といった状態を修理受付番号で確認できると、とても安心できると思います。
            ご検討いただけないでしょうか。
            """
        ),
        me_too=5,
        answers=(
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    貴重なご意見をありがとうございます。また、修理の際はご不便を
                    おかけいたしました。

                    修理状況のオンライン確認は、現在サポートサイトのリニューアルに
                    あわせて準備を進めております。公開時期が決まりましたら、こちらの
                    スレッドでもお知らせいたします。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z7-pro",
        author="sofia_m",
        type=PRAISE,
        title="Eye-AF on the Z7 Pro kept up with a kingfisher all morning",
        body=md(
            """
            Spent four hours at the river with the Z7 Pro and the HX 100-400. Bird eye
            detection locked on at distances I didn't expect and held focus through the
            dive: 60 keepers out of about 900 frames, a personal record.

            Settings for anyone curious: AF-C, *Wide tracking*, subject detection
            **Birds**, 20 fps electronic shutter. Thank you to whoever tuned the AF in
            firmware 1.3!
            """
        ),
        answers=(
            AnswerSpec(
                author="priya_r",
                body=md(
                    """
                    Lovely result! For fast wings, the mechanical shutter at 12 fps avoids
                    the slight rolling-shutter bend I get with the electronic one.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="hx-35mm-f1-8",
        author="ryo_n",
        type=PRAISE,
        title="HX 35mm f/1.8、旅行用のレンズとして最高でした",
        body=md(
            """
            京都に3泊4日で行ってきました。Z5 に HX 35mm f/1.8 一本だけで出かけ
            ましたが、軽くて一日中首から下げていても疲れず、夜の先斗町でも F1.8 の
            おかげで ISO を上げすぎずに撮れました。

            寄れるのも便利で、料理の写真もこのレンズで十分でした。買ってよかったです。
            """
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z5",
        author="kenji_o",
        type=QUESTION,
        title="Z5で4K動画を撮ると何分くらいで熱停止しますか",
        body=md(
            """
            子どもの発表会を Z5 で撮影する予定です。4K 30p で1時間ほど回しっぱなしに
            したいのですが、熱で停止しないか心配です。

            - 室内（空調あり、25℃くらい）
            - 三脚に固定、液晶は開いた状態
            - 記録先は SD カード（UHS-II）

            実際に長回しされた方がいたら教えてください。
            """
        ),
        answers=(
            AnswerSpec(
                author="daisuke",
                body=md(
                    """
                    室温24℃くらいの部屋で 4K 30p を試したときは、約45分で温度警告が出て、
                    55分ほどで停止しました。`メニュー > 動画 > 自動電源オフ温度` を「高」に
                    すると、もう少し延びると思います。
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    ご質問ありがとうございます。Z5 の 4K 30p 連続記録時間の目安は、
                    室温 25℃ で約50分（「自動電源オフ温度：標準」時）です。
                    長時間の撮影には、以下がおすすめです。

                    - 液晶モニターを本体から離して開く
                    - 「自動電源オフ温度」を「高」にする
                    - 可能であれば USB 給電（PD 対応）を使う

                    1時間を超える場合は、途中で一度録画を区切っていただくのが確実です。
                    """
                ),
            ),
            AnswerSpec(
                author="haruto_s",
                body=md(
                    """
                    先月、発表会を 4K 30p で1時間10分ほど撮りました。液晶を外に開いて、
                    USB-PD 対応のモバイルバッテリーから給電した状態で、最後まで止まり
                    ませんでした。会場は少し肌寒いくらいでした。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z7-pro",
        author="customer2",
        type=PROBLEM,
        title='"Card cannot be used" with a 256 GB V90 card',
        body=md(
            """
            My new 256 GB SDXC V90 card works in my laptop, but the Z7 Pro says
            **Card cannot be used. Format the card?** — and formatting in the camera
            fails with `Err 12`.

            - Z7 Pro, firmware 1.3.1
            - Card formatted exFAT on the computer first, then tried in the camera
            - My older 128 GB V60 card still works in both slots

            Is this a compatibility issue or a bad card?
            """
        ),
        answers=(
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    Try formatting it in the camera *without* formatting it on the
                    computer first — some cards get a partition layout the camera doesn't
                    like. If it still fails with Err 12, I'd suspect the card.
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                accepted=True,
                body=md(
                    """
                    Thanks, Ken. Some 256 GB V90 cards made since mid-2025 use a new
                    controller that firmware 1.3.1 doesn't recognise. **Firmware 1.3.2**
                    adds support for them; see the
                    [release notes](https://hoshino-camera.example/support/firmware/z7-pro).
                    After updating, please format the card in the camera once.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        author="priya_r",
        type=QUESTION,
        days_ago=1.3,
        title="How long does a sensor cleaning at the service centre take?",
        body=md(
            """
            I'm flying out on the 14th and there's a dust spot in the top left of every
            frame at f/8 and narrower. If I drop my Z5 off at the Tokyo service centre,
            can they clean the sensor the same day, or should I book ahead?
            """
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="hoshino-link",
        author="mika_t",
        type=PROBLEM,
        title="Hoshino Linkで写真の転送が途中で止まってしまいます",
        body=md(
            """
            Z5 から iPhone（iOS 18.3）へ Hoshino Link で写真を転送すると、20〜30枚目
            あたりで「転送に失敗しました（コード：L-503）」と表示されて止まってしまい
            ます。

            - Hoshino Link 3.5.0
            - Z5 ファームウェア 2.1.2
            - 転送サイズは「2MB にリサイズ」

            アプリの再インストールと、カメラのネットワーク設定のリセットは試しました。
            一度に転送する枚数を減らせば大丈夫なのですが、何か対策はありますか。
            """
        ),
        me_too=3,
        cohorts=(("Link 3.5.0", "iOS 18.3"), ("Link 3.5.0", "iOS 18.2")),
        answers=(
            AnswerSpec(
                author="ryo_n",
                body=md(
                    """
                    同じ症状が出ていましたが、iPhone の
                    「設定 > Hoshino Link > ローカルネットワーク」がオフになっていたのが
                    原因でした。オンにしてから100枚以上まとめて送れています。
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    ご報告ありがとうございます。L-503 は転送中に Wi-Fi 接続が切れたことを
                    示すコードです。中村さんのご案内に加えて、転送中は iPhone の
                    「低電力モード」をオフにしていただくと安定する場合がございます。

                    改善しない場合は、アプリの `設定 > ログを送信` からログをお送り
                    いただけましたら調査いたします。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z5",
        author="olivia_c",
        type=QUESTION,
        title="Settings for indoor basketball with the Z5 and the kit zoom?",
        body=md(
            """
            My daughter plays in a dim school gym. With the Z5 and the 24-70 f/4 kit
            zoom I get either blur or very noisy shots.

            Currently: shutter priority 1/500, auto ISO (max 12800), AF-C with wide
            area. Is a faster lens the only real fix, or are there settings I'm missing?
            """
        ),
        answers=(
            AnswerSpec(
                author="tom_h",
                body=md(
                    """
                    A faster lens is the biggest win: the HX 35mm f/1.8 or an 85mm f/1.8
                    gives you two stops, so ISO 3200 instead of 12800. Meanwhile:

                    - Drop to 1/320; it still freezes most action
                    - Use *Zone* AF instead of wide, so it doesn't jump to the crowd
                    - Shoot RAW and denoise afterwards; it handles ISO 12800 far better
                      than the in-camera JPEG
                    """
                ),
            ),
            AnswerSpec(
                author="emma_w",
                body=md(
                    """
                    Also check for flicker: gym LED lights often band at 1/500. The Z5
                    has `Menu > Shooting > Anti-flicker`, which helps a lot.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=HOSHINO,
        product="z5",
        author="customer",
        type=PROBLEM,
        days_ago=2.6,
        title="Z5のファームウェア更新が「E-203」で失敗します",
        body=md(
            """
            Z5 を最新のファームウェア 2.1.2 に更新しようとしたのですが、途中で
            「E-203 更新ファイルを読み込めません」と表示されて止まってしまいます。

            手順は以下の通りです。

            1. [ダウンロードページ](https://hoshino-camera.example/support/firmware/z5)
               から `Z5_0212.zip` をダウンロード
            2. パソコンで解凍して、SD カードにコピー
            3. カメラで `メニュー > セットアップ > ファームウェア > 更新` を選択

            バッテリーは満充電で、SD カードはカメラでフォーマット済みです。
            現在のバージョンは 2.1.0 です。どうすればよいでしょうか。
            """
        ),
        me_too=2,
        cohorts=(("2.1.0", "Z5"),),
        answers=(
            AnswerSpec(
                author="daisuke",
                body=md(
                    """
                    私も最初同じエラーが出ました。解凍したときに `Z5_0212` フォルダの中に
                    入ってしまっていて、カメラが見つけられなかったようです。
                    `Z5_0212.BIN` を SD カードのいちばん上（ルート）に直接置いたら
                    更新できました。
                    """
                ),
            ),
            AnswerSpec(
                author="rep",
                body=md(
                    """
                    ご不便をおかけしております。E-203 は、カメラが更新ファイルを
                    見つけられない場合に表示されます。山本さんのご案内の通り、
                    `Z5_0212.BIN` を SD カードのルートに置いてお試しください。

                    Mac で解凍された場合、`._Z5_0212.BIN` という隠しファイルが一緒に
                    コピーされることがございます。その場合は隠しファイルを削除してから
                    再度お試しください。
                    """
                ),
            ),
        ),
    ),
)

KUMO_THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        brand=KUMO,
        product="kumo-phone-12",
        author="aoi_k",
        type=PROBLEM,
        days_ago=6.2,
        title="アップデート後、充電が急に遅くなりました",
        body=md(
            """
            3日前にソフトウェアアップデート（ビルド KP12-15.0.3）を適用してから、
            充電がとても遅くなりました。

            - 以前：純正の 30W 充電器で 0→100% が約1時間10分
            - 現在：同じ充電器・ケーブルで4時間以上かかる
            - 充電中の表示が「急速充電中」ではなく「充電中」になる

            試したこと：

            1. 再起動
            2. 別の USB-C ケーブルに交換
            3. `設定 > バッテリー > バッテリーの最適化` をオフ

            どれも効果がありませんでした。同じ症状の方はいらっしゃいますか。
            """
        ),
        edited_body=md(
            """
            3日前にソフトウェアアップデート（ビルド KP12-15.0.3）を適用してから、
            充電がとても遅くなりました。

            - 以前：純正の 30W 充電器で 0→100% が約1時間10分
            - 現在：同じ充電器・ケーブルで4時間以上かかる
            - 充電中の表示が「急速充電中」ではなく「充電中」になる

            試したこと：

            1. 再起動
            2. 別の USB-C ケーブルに交換
            3. `設定 > バッテリー > バッテリーの最適化` をオフ

            どれも効果がありませんでした。同じ症状の方はいらっしゃいますか。

            **追記：** 中村さんに教えていただいた「いたわり充電」をオフにしたところ、
            急速充電に戻りました。ありがとうございました！
            """
        ),
        me_too=11,
        me_too_from=("customer",),
        cohorts=(
            ("KP12-15.0.3", "Kumo Phone 12"),
            ("KP12L-15.0.3", "Kumo Phone 12 Lite"),
            ("KP12-15.0.3", "Kumo Phone 12 / 30W charger"),
        ),
        answers=(
            AnswerSpec(
                author="daisuke",
                body=md(
                    """
                    同じです。私も KP12-15.0.3 にしてから「急速充電中」と表示されなく
                    なりました。充電器は純正の 30W です。
                    """
                ),
            ),
            AnswerSpec(
                author="ryo_n",
                accepted=True,
                votes=10,
                body=md(
                    """
                    アップデートで `設定 > バッテリー > いたわり充電` が自動的にオンに
                    なっているようです。オンのままだと、本体が「長時間の充電」と判断した
                    ときに 80% まで低速で充電します。

                    オフにしたところ、私の Kumo Phone 12 では急速充電に戻りました。
                    """
                ),
            ),
            AnswerSpec(
                author="kenji_o",
                votes=5,
                body=md(
                    """
                    補足です。USB 電力チェッカーで測ったところ、アップデート後は 9V では
                    なく 5V でしか給電されていませんでした。いたわり充電をオフにすると、
                    9V（約 27W）に戻ります。
                    """
                ),
            ),
            AnswerSpec(
                author="mika_t",
                body=md(
                    """
                    私の場合、いたわり充電はもともとオフでした。
                    `設定 > システム > リセット > キャッシュの削除` をしてから再起動したら
                    直りました。
                    """
                ),
            ),
            AnswerSpec(
                author="emma_w",
                body=md(
                    """
                    Same on a UK Kumo Phone 12 after KP12-15.0.3. Turning off *Adaptive
                    charging* (いたわり充電 in the Japanese menus) fixed it for me too.
                    Kumo's status page says 15.0.4 will change the default back:
                    https://kumo-mobile.example/status
                    """
                ),
            ),
            AnswerSpec(
                author="moderator",
                votes=2,
                body=md(
                    """
                    モデレーターです。同じ症状のご報告は、回答ではなくスレッド上部の
                    「私も」ボタンでお知らせいただけると、件数が集計されて助かります。
                    バージョンと機種を添えていただくと、原因の切り分けにも役立ちます。
                    """
                ),
            ),
            AnswerSpec(
                author="customer2",
                body=md(
                    """
                    Lite でも同じでした（KP12L-15.0.3）。いたわり充電をオフにしたら
                    直りました。
                    """
                ),
            ),
            AnswerSpec(
                author="haruto_s",
                votes=4,
                body=md(
                    """
                    KP12-15.0.4 が配信されました。更新後はいたわり充電が以前の設定に戻り、
                    急速充電も正常です。`設定 > システム > ソフトウェア更新` から
                    確認できます。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="esim",
        author="priya_r",
        type=QUESTION,
        title="Moving my eSIM to a new phone while I'm abroad",
        body=md(
            """
            I'm in Singapore for three months and my phone is dying. If I buy a new
            phone here, can I move my Kumo eSIM to it? The transfer screen in the app
            says it sends a verification code by SMS, which I can receive now, but
            obviously not once the old phone is dead.
            """
        ),
        answers=(
            AnswerSpec(
                author="tom_h",
                accepted=True,
                body=md(
                    """
                    Do it **before** the old phone dies. In the Kumo app:
                    `Account > eSIM > Transfer to another device`. The SMS arrives on the
                    old phone while the eSIM is still active there — roaming SMS works
                    fine. Then scan the QR code on the new phone. It took me about ten
                    minutes from Bangkok.
                    """
                ),
            ),
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    If the old phone dies first, the fallback is the online chat with ID
                    verification (a photo of your passport). It works from abroad, but it
                    took two days for me.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="pocket-wifi-5g",
        author="kenji_o",
        type=QUESTION,
        title="Pocket Wi-Fi 5G は同時に何台までつなげますか",
        body=md(
            """
            家族4人で旅行に持っていく予定です。スマホ4台とタブレット2台、ノート
            PC 1台の計7台をつなぎたいのですが、同時に何台までつながりますか。

            また、台数が多いと速度はどのくらい落ちるでしょうか。
            """
        ),
        answers=(
            AnswerSpec(
                author="ryo_n",
                body=md(
                    """
                    仕様上は 2.4GHz と 5GHz を合わせて最大16台です。私は5台同時につないで
                    動画を見ていましたが、特に遅いとは感じませんでした。

                    ただ、バッテリーは公称より早く減るので、モバイルバッテリーがあると
                    安心です。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="kumo-phone-12",
        author="tom_h",
        type=PROBLEM,
        title="Wi-Fi calling drops after exactly 10 minutes",
        body=md(
            """
            Every Wi-Fi call on my Kumo Phone 12 drops at the 10:00 mark with
            `Call ended (code 486)`. Calls over mobile data are fine.

            - Software KP12-15.0.3
            - Home router: fibre, IPv6 enabled
            - Happens with every number I call

            I've reset network settings and switched Wi-Fi calling off and on.
            """
        ),
        me_too=3,
        cohorts=(("KP12-15.0.3", "home fibre router"), ("KP12-15.0.2", "Kumo Phone 12")),
        answers=(
            AnswerSpec(
                author="sofia_m",
                body=md(
                    """
                    Ten minutes on the dot sounds like the router closing the UDP session.
                    Check whether your router has a *SIP ALG* setting and turn it off;
                    that fixed exactly this for me.
                    """
                ),
            ),
            AnswerSpec(
                author="emma_w",
                body=md(
                    """
                    Also worth trying: turn off IPv6 on the router for a day. Kumo's Wi-Fi
                    calling had trouble with IPv6 last year, and it may be back.
                    """
                ),
            ),
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    Mine did exactly this until the router got a firmware update. If your
                    ISP supplied the router, check whether they've pushed one recently;
                    the changelog for mine said "fixed VoWiFi sessions timing out".
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        author="daisuke",
        type=IDEA,
        title="利用明細をCSVでダウンロードできるようにしてほしい",
        body=md(
            """
            毎月の利用明細を家計簿アプリに取り込んでいるのですが、今は PDF しか
            ダウンロードできず、手入力しています。

            CSV（または Excel）形式でダウンロードできるようになると、とても助かります。
            同じように感じている方がいらっしゃれば「私も」をお願いします。
            """
        ),
        me_too=6,
    ),
    ThreadSpec(
        brand=KUMO,
        product="esim",
        author="emma_w",
        type=PRAISE,
        title="Roaming in Korea just worked",
        body=md(
            """
            Landed in Seoul, switched on data roaming, and was online before the plane
            reached the gate. The daily roaming cap kicked in as promised and the app
            showed exactly what I'd spent. After some bad experiences elsewhere, this was
            refreshingly boring. Nice work.
            """
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="pocket-wifi-5g",
        author="mika_t",
        type=PROBLEM,
        title="5Gエリアのはずなのに4Gにしかつながりません",
        body=md(
            """
            エリアマップでは自宅周辺が 5G エリアになっているのですが、
            Pocket Wi-Fi 5G の画面にはずっと「4G」と表示されます。

            - ファームウェア：PW5-2.4.1
            - 設定の「ネットワークモード」は「5G/4G 自動」
            - 窓際に置いても変わりません

            購入したときからこの状態です。
            """
        ),
        answers=(
            AnswerSpec(
                author="kenji_o",
                accepted=True,
                body=md(
                    """
                    エリアマップの 5G には「5G（NSA）」の範囲も含まれていて、場所によって
                    は 4G の電波をつかんでから 5G に切り替わる仕組みです。

                    私の環境では、`設定 > ネットワーク > 5G SA 優先` をオンにして再起動
                    したら 5G 表示になりました。ファームウェア PW5-2.5.0 以降で追加された
                    項目なので、先に更新が必要かもしれません。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="kumo-phone-12",
        author="lucas_b",
        type=QUESTION,
        title="Does the Kumo Phone 12 support 45W charging?",
        body=md(
            """
            I have a 45W USB-C PD charger from my laptop. Will the Kumo Phone 12 charge
            faster with it than with the 30W Kumo charger, or is 30W the maximum?
            """
        ),
        answers=(
            AnswerSpec(
                author="olivia_c",
                body=md(
                    """
                    30W is the maximum according to the spec sheet. A 45W PD charger is
                    safe to use but will only deliver about 27–30W; I measured a 28.6W
                    peak with mine.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="esim",
        author="customer2",
        type=QUESTION,
        title="eSIMのQRコードを再発行してもらうには？",
        body=md(
            """
            機種変更の際に、古いスマホから eSIM を削除してしまいました。新しいスマホで
            設定しようとしたら、最初にもらった QR コードはもう使えないと表示されます。

            QR コードの再発行はどこから申し込めばよいのでしょうか。手数料はかかりますか。
            """
        ),
        answers=(
            AnswerSpec(
                author="aoi_k",
                body=md(
                    """
                    Kumo アプリの `アカウント > eSIM > 再発行` から申し込めます。私のときは
                    手数料 440円（税込）で、10分ほどで新しい QR コードがメールで届きました。
                    本人確認のため、契約時の暗証番号が必要です。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        author="sofia_m",
        type=PROBLEM,
        title="Charged twice for March",
        body=md(
            """
            My card statement shows two charges of ¥3,278 from Kumo Mobile for March,
            two days apart. The bill in the app only shows one. Has anyone had a
            duplicate charge refunded, and how long did it take?
            """
        ),
        answers=(
            AnswerSpec(
                author="priya_r",
                body=md(
                    """
                    Happened to me in January. The second charge was a card
                    pre-authorisation that dropped off by itself after about a week. If
                    it's still there after ten days, the billing chat in the app can
                    refund it; have the charge dates ready.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="kumo-phone-12",
        author="ryo_n",
        type=PRAISE,
        title="アップデートで夜景モードがかなり良くなりました",
        body=md(
            """
            KP12-15.0.3 のアップデート後、夜景モードで撮った写真のノイズがかなり
            減ったように感じます。手持ちでも看板の文字がつぶれず、三脚なしで十分
            きれいに撮れました。充電の件はありましたが、カメラの改善はうれしいです。
            """
        ),
    ),
    ThreadSpec(
        brand=KUMO,
        product="kumo-phone-12",
        author="olivia_c",
        type=IDEA,
        title="Schedule Do Not Disturb by location",
        body=md(
            """
            I'd love Do Not Disturb to switch on automatically when I arrive at the
            office and off when I leave, like the existing time-based schedule but with
            a location trigger. Bonus points if it could be limited to weekdays.
            """
        ),
        me_too=4,
        answers=(
            AnswerSpec(
                author="haruto_s",
                body=md(
                    """
                    You can get close today with the *Routines* app: trigger on the Wi-Fi
                    network name rather than GPS. It's more reliable indoors, too.
                    """
                ),
            ),
        ),
    ),
)

TSUBAME_THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        brand=TSUBAME,
        product="rc-10",
        author="mika_t",
        type=PROBLEM,
        title="RC-10の玄米モードで炊くと芯が残ります",
        body=md(
            """
            RC-10 の「玄米」モードで炊くと、毎回ご飯の芯が少し残ってしまいます。

            - 玄米2合、水は内釜の「玄米」目盛りの2まで
            - 洗ってすぐに炊飯開始
            - 白米モードではふっくら炊けます

            水を少し増やした方がよいのでしょうか。
            """
        ),
        answers=(
            AnswerSpec(
                author="daisuke",
                accepted=True,
                body=md(
                    """
                    玄米は浸水時間が大事です。洗ったあと、最低でも2時間（冬場は4時間
                    くらい）水に浸けてから炊くと芯が残らなくなりました。RC-10 の玄米モードは
                    浸水工程が短めなので、その分を事前に補うイメージです。
                    """
                ),
            ),
            AnswerSpec(
                author="kenji_o",
                body=md(
                    """
                    水を目盛りより 1〜2mm 多めにするのもおすすめです。あとは「玄米」ではなく
                    「発芽玄米」モードを使うと、時間はかかりますがやわらかく炊けますよ。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="so-30",
        author="emma_w",
        type=PROBLEM,
        title="Steam oven shows E07 after descaling",
        body=md(
            """
            I ran the descaling programme on my SO-30 for the first time, with the citric
            acid sachet that came with it. Since then, every steam programme stops after
            a minute with **E07**. Bake and grill still work.

            The water tank is full and seated properly. Any ideas before I call for a
            repair?
            """
        ),
        me_too=2,
        answers=(
            AnswerSpec(
                author="lucas_b",
                accepted=True,
                body=md(
                    """
                    E07 means "no water flow". After descaling, the drain line often still
                    holds water and the pump air-locks. Run
                    `Settings > Maintenance > Drain` twice with the tank out, then put the
                    tank back and run a 5-minute steam cycle. That fixed mine.
                    """
                ),
            ),
            AnswerSpec(
                author="priya_r",
                body=md(
                    """
                    Also check the little filter at the back of the tank opening: citric
                    acid loosens flakes of scale that then block it. Mine was full of
                    white bits.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="rc-10",
        author="customer",
        type=IDEA,
        days_ago=19,
        title="予約タイマーを3つ以上登録できるようにしてほしいです",
        body=md(
            """
            RC-10 を毎日使っています。予約タイマーが「朝」と「夜」の2つしか登録
            できないので、平日と休日で時間を変えるたびに設定し直しています。

            - 平日の朝 6:30
            - 休日の朝 8:00
            - 夕食 18:30

            のように3つ以上登録できると、とても便利になると思います。
            """
        ),
        me_too=3,
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="k-2",
        author="sofia_m",
        type=PRAISE,
        title="The 70 °C setting on the K-2 is perfect for green tea",
        body=md(
            """
            Small thing, but the K-2 holding water at exactly 70 °C has made my sencha
            noticeably less bitter, and the 60-minute keep-warm is great for a slow
            morning. Quiet, pours cleanly, no plastic taste. Recommended.
            """
        ),
        answers=(
            AnswerSpec(
                author="haruto_s",
                body=md(
                    """
                    Agreed! For gyokuro try 60 °C — it's hidden behind a long press on the
                    temperature button.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="so-30",
        author="aoi_k",
        type=QUESTION,
        title="SO-30でパンを焼くときの予熱について",
        body=md(
            """
            SO-30 で食パン（1斤）を焼いてみたいのですが、レシピには「200℃に予熱」と
            あります。SO-30 の予熱は何分くらいかかりますか。また、スチームを使った
            方がよいでしょうか。
            """
        ),
        answers=(
            AnswerSpec(
                author="ryo_n",
                body=md(
                    """
                    うちの SO-30 だと 200℃ までの予熱は約8分です。食パンなら最初の5分だけ
                    「スチーム強」にすると、皮が薄くふんわり焼けますよ。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="k-2",
        author="tom_h",
        type=PROBLEM,
        title="K-2 lid hinge cracked after four months",
        body=md(
            """
            The plastic hinge on my K-2's lid has cracked on one side, so the lid no
            longer clicks shut and the kettle won't start (I assume there's a lid
            sensor). It's four months old and has never been dropped. Is this a known
            weak point?
            """
        ),
        answers=(
            AnswerSpec(
                author="priya_r",
                body=md(
                    """
                    It's covered by the one-year warranty. I had the same crack at six
                    months, and Tsubame sent a replacement lid within a week. Photograph
                    the hinge and include the serial number (on the base) when you
                    contact them.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="k-2",
        author="kenji_o",
        type=PROBLEM,
        days_ago=0.9,
        title="ケトルの表示が「--」のままでお湯が沸きません",
        body=md(
            """
            今朝から、K-2 の電源を入れると温度表示が「--」のままでランプが点滅し、
            お湯が沸きません。

            - 水は MAX 線の手前まで入れています
            - 電源プレートの抜き差し、別のコンセントでも同じです
            - 使用期間は約1年半

            故障でしょうか。リセット方法があれば教えてください。
            """
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="rc-10",
        author="lucas_b",
        type=QUESTION,
        title="Can the RC-10 cook quinoa?",
        body=md(
            """
            There's no quinoa mode on the RC-10. Has anyone had luck with one of the
            other programmes, and which water ratio did you use?
            """
        ),
        answers=(
            AnswerSpec(
                author="emma_w",
                body=md(
                    """
                    Yes: rinse it well, then use the **Mixed grain** programme with
                    1 cup of quinoa to 1.5 cups of water (the rice cup that comes with it
                    works). Fluffy in about 35 minutes. The *Quick* programme makes it a
                    bit mushy.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        author="ryo_n",
        type=QUESTION,
        days_ago=3.4,
        title="取扱説明書のPDFはどこからダウンロードできますか",
        body=md(
            """
            引っ越しの際に SO-30 の取扱説明書をなくしてしまいました。公式サイトを
            探したのですが見つけられませんでした。PDF 版はどこかにありますか。
            """
        ),
        answers=(
            AnswerSpec(
                author="customer",
                accepted=True,
                body=md(
                    """
                    [サポートページ](https://tsubame-kitchen.example/support/manuals) の
                    いちばん下にある「取扱説明書ダウンロード」で型番（SO-30）を入力すると、
                    PDF が表示されます。私も RC-10 の説明書をそこからダウンロードしました。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=TSUBAME,
        product="so-30",
        author="priya_r",
        type=IDEA,
        title="Recipes in the app with one-tap oven settings",
        body=md(
            """
            The SO-30 recipe book is great, but I set mode, temperature and time by hand
            for every step. It would be lovely if the Tsubame app could send a recipe's
            settings to the oven, step by step, the way some connected ovens do.
            """
        ),
        me_too=5,
        answers=(
            AnswerSpec(
                author="olivia_c",
                body=md(
                    """
                    Yes please. Even a QR code in the recipe book that loads the programme
                    would help.
                    """
                ),
            ),
        ),
    ),
)

VELORA_THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        brand=VELORA,
        product="commute-e2",
        author="lucas_b",
        type=PROBLEM,
        title="Motor cuts out on hills with error E-12",
        body=md(
            """
            On steeper hills (around 8%) the motor of my Commute E2 cuts out and the
            display shows **E-12**. If I stop and switch off and on again, it works
            until the next hill.

            - Display firmware 4.2
            - Battery at 60–90% when it happens
            - About 2,300 km on the bike

            The shop says E-12 is a "sensor error" but couldn't reproduce it on the
            stand.
            """
        ),
        me_too=3,
        cohorts=(("4.2", "Commute E2"), ("4.1", "Commute E2")),
        answers=(
            AnswerSpec(
                author="tom_h",
                accepted=True,
                body=md(
                    """
                    E-12 on the E2 is usually the **speed sensor**, not the motor. Under
                    load the wheel magnet can shift a few millimetres and the sensor loses
                    it. Check the gap between the spoke magnet and the sensor on the
                    chainstay; it should be under 10 mm. Mine had slid outwards.
                    """
                ),
                edited_body=md(
                    """
                    E-12 on the E2 is usually the **speed sensor**, not the motor. Under
                    load the wheel magnet can shift a few millimetres and the sensor loses
                    it. Check the gap between the spoke magnet and the sensor on the
                    chainstay; it should be under 10 mm. Mine had slid outwards;
                    I tightened it with a 2 mm hex key and haven't seen E-12 since.
                    """
                ),
            ),
            AnswerSpec(
                author="sofia_m",
                body=md(
                    """
                    If the magnet is fine, check the connector under the motor. Mine had
                    some corrosion after a wet winter, and contact spray cleared it.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=VELORA,
        product="commute-e2",
        author="ryo_n",
        type=QUESTION,
        title="冬の間のバッテリー保管方法を教えてください",
        body=md(
            """
            雪の多い地域なので、12月から3月までは Commute E2 に乗らない予定です。
            バッテリーは外して室内に置こうと思っていますが、何%くらいで保管するのが
            よいでしょうか。途中で充電した方がよいですか。
            """
        ),
        answers=(
            AnswerSpec(
                author="kenji_o",
                body=md(
                    """
                    リチウムイオン電池は満充電や空の状態での長期保管が苦手なので、
                    **50〜70%** くらいで保管するのがよいです。暖房の効いていない室内
                    （10〜20℃）が理想です。

                    1〜2か月に一度残量を確認して、30% を切っていたら 60% くらいまで
                    充電しておけば安心です。
                    """
                ),
            ),
            AnswerSpec(
                author="daisuke",
                body=md(
                    """
                    私は毎年そうしていますが、3シーズン目でも容量の低下はほとんど感じません。
                    春に乗り始める前に一度満充電にしておくとよいそうです。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=VELORA,
        product="trail-x",
        author="sofia_m",
        type=QUESTION,
        title="Tyre pressure for the Trail X on gravel?",
        body=md(
            """
            Stock 50 mm tyres; I weigh about 62 kg plus a small bag. The sidewall says
            35–65 psi, which is a huge range. What are other Trail X riders running on
            mixed gravel and forest roads?
            """
        ),
        answers=(
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    At 80 kg I run 32 front / 35 rear, tubeless. At your weight I'd start
                    around 28/31 and go down 2 psi at a time until the rim feels close on
                    rocks.
                    """
                ),
            ),
            AnswerSpec(
                author="tom_h",
                body=md(
                    """
                    Are yours still set up with tubes? With tubes I wouldn't go under 35,
                    or you risk pinch flats.
                    """
                ),
            ),
            AnswerSpec(
                author="emma_w",
                body=md(
                    """
                    Same weight as you, tubeless: 30 front, 33 rear on the Trail X, and it
                    feels planted on loose gravel. I notice the drag on tarmac sections,
                    but it's worth it.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=VELORA,
        product="ride-app",
        author="aoi_k",
        type=PROBLEM,
        title="アプリでバッテリー残量が0%と表示されます",
        body=md(
            """
            Velora Ride アプリ（バージョン 2.8.0）で自転車と接続すると、バッテリー
            残量がいつも「0%」と表示されます。自転車本体の表示では 80% 残っています。

            スマホは iPhone 15、iOS 18.3 です。アプリを入れ直しても変わりません。
            """
        ),
        me_too=2,
        cohorts=(("2.8.0", "iOS 18.3"),),
        answers=(
            AnswerSpec(
                author="mika_t",
                body=md(
                    """
                    2.8.0 で同じ表示になっていましたが、一度登録を解除して
                    （アプリの `設定 > 接続中の自転車 > 登録を解除`）、もう一度ペアリング
                    し直したら正しい値が出るようになりました。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=VELORA,
        product="ride-app",
        author="emma_w",
        type=IDEA,
        title="Export rides as GPX",
        body=md(
            """
            The Ride app records great data, but there's no way to get it out. A
            **GPX export** (or at least automatic sync to the common fitness apps) would
            let me keep all my rides in one place. Even a per-ride *Share as GPX* button
            would be enough.
            """
        ),
        me_too=7,
    ),
    ThreadSpec(
        brand=VELORA,
        product="trail-x",
        author="daisuke",
        type=PRAISE,
        title="Trail Xで林道デビューしました",
        body=md(
            """
            先週末、Trail X で初めて林道を走ってきました。アシストの「トレイル」モードが
            絶妙で、急な登りでもペダルが重くならず、下りは安定していて怖さがありません
            でした。往復 45km でバッテリーは 40% 残り。すっかりハマりそうです。
            """
        ),
        answers=(
            AnswerSpec(
                author="ryo_n",
                body=md(
                    """
                    いいですね！私も今年は Trail X で奥多摩方面の林道に行ってみたいと
                    思っています。タイヤの空気圧はどのくらいにしましたか？
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=VELORA,
        author="tom_h",
        type=QUESTION,
        title="Replacement charger for the Commute E2 in Japan?",
        body=md(
            """
            I'm moving from the UK to Osaka with my Commute E2. The charger is rated
            100–240 V, so I assume it works in Japan with a plug adapter — but is there a
            Japanese-plug version I can buy locally in case mine fails?
            """
        ),
        answers=(
            AnswerSpec(
                author="kenji_o",
                body=md(
                    """
                    Yes, it works on 100 V (mine is a UK import too). Velora's Japanese
                    dealers sell the same charger with a Japanese plug as part number
                    **VC-42JP**, around ¥9,900. Bike shops can order it if they don't
                    have one in stock.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=VELORA,
        product="commute-e2",
        author="customer2",
        type=PROBLEM,
        title="後ろのブレーキからキーキーと音がします",
        body=md(
            """
            Commute E2 の後輪ブレーキ（ディスク）から、ブレーキをかけるたびに大きな
            キーキー音がします。雨の日に乗ってから特にひどくなりました。

            - 走行距離は約 800km
            - パッドはまだ十分残っています

            自分で対処できることはありますか。
            """
        ),
        answers=(
            AnswerSpec(
                author="ryo_n",
                body=md(
                    """
                    雨のあとに鳴き始めたなら、ローターに汚れや油分が付いている可能性が
                    あります。ディスクブレーキ用のパーツクリーナーでローターを拭いて、
                    平坦な道で10回ほど強めにブレーキをかけて「当たり付け」をすると
                    収まることが多いです。
                    """
                ),
            ),
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    If cleaning doesn't help, lightly sand the pad surface: contaminated
                    pads keep squealing even on a clean rotor. Replacement pads for the E2
                    are cheap, too.
                    """
                ),
            ),
        ),
    ),
)

NESTWISE_THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        brand=NESTWISE,
        product="hub",
        author="priya_r",
        type=PROBLEM,
        title="Hub goes offline every night around 3 a.m.",
        body=md(
            """
            Every night at roughly 3:05 the Nestwise Hub drops offline for 10–20
            minutes, and my "lights off" automations fail if they fall in that window.

            - Hub firmware 5.1.8, wired Ethernet
            - The router log shows nothing unusual
            - Other devices on the network stay online

            Is the hub doing a scheduled update?
            """
        ),
        me_too=4,
        cohorts=(("5.1.8", "Ethernet"), ("5.1.8", "Wi-Fi")),
        answers=(
            AnswerSpec(
                author="tom_h",
                accepted=True,
                body=md(
                    """
                    Check your router's DHCP lease time. Mine was 24 hours and the hub
                    renewed at 3 a.m.; it takes its time to re-register with the cloud
                    after a renewal. Giving the hub a **DHCP reservation** (a fixed IP)
                    stopped the drop-outs completely.
                    """
                ),
            ),
            AnswerSpec(
                author="lucas_b",
                body=md(
                    """
                    Nestwise also runs a nightly cloud sync around 3 a.m. JST, which
                    caused short drop-outs on 5.1.7. Worth checking whether 5.1.9 is
                    available for you.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        product="smart-plug-mini",
        author="kenji_o",
        type=QUESTION,
        title="スマートプラグの消費電力グラフの見方が分かりません",
        body=md(
            """
            Smart Plug Mini を冷蔵庫につないでいます。アプリの「電力」画面に棒グラフが
            出るのですが、縦軸が「Wh」なのか「W」なのか分からず、1か月の電気代が
            計算できません。どこを見ればよいのでしょうか。
            """
        ),
        answers=(
            AnswerSpec(
                author="mika_t",
                body=md(
                    """
                    日別の棒グラフは「Wh（その日の使用量）」、グラフを長押しすると出る
                    線グラフが「W（その時点の消費電力）」です。

                    `電力 > 月` に切り替えると合計の kWh が出るので、それに電気料金の単価
                    （1kWh あたり 31円など）を掛けると目安になりますよ。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        product="thermostat",
        author="emma_w",
        type=QUESTION,
        title="Does the thermostat work with a 24 V heat pump?",
        body=md(
            """
            We're replacing our gas boiler with an air-source heat pump that uses a
            standard 24 V thermostat connection (R, C, Y, G and O/B wires). Is the
            Nestwise Thermostat compatible, and does it need the C wire?
            """
        ),
        answers=(
            AnswerSpec(
                author="sofia_m",
                body=md(
                    """
                    Yes, it supports heat pumps with an O/B reversing valve: choose
                    *Heat pump* during set-up and tell it whether O or B energises for
                    cooling (your heat pump's manual says which). It does need the
                    **C wire**; without it, the battery drains in a few weeks.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        product="hub",
        author="daisuke",
        type=PROBLEM,
        title="ハブのファームウェア更新が87%で止まります",
        body=md(
            """
            Nestwise Hub のファームウェアを 5.1.8 から 5.2.0 に更新しようとすると、
            毎回 87% で止まり、30分ほどすると「更新に失敗しました（U-17）」と表示
            されます。

            - 有線 LAN 接続
            - ハブの再起動、アプリの再インストールは試しました

            古いバージョンのままでも使えてはいますが、気になっています。
            """
        ),
        me_too=3,
        cohorts=(("5.1.8 → 5.2.0", "有線 LAN"), ("5.1.8 → 5.2.0", "Wi-Fi")),
        answers=(
            AnswerSpec(
                author="aoi_k",
                accepted=True,
                body=md(
                    """
                    U-17 はダウンロードの途中で接続が切れたときのエラーのようです。私は
                    ルーターの「IPv6 ファイアウォール」を一時的にオフにしたら更新できました。
                    終わったら設定を戻すのをお忘れなく。
                    """
                ),
            ),
            AnswerSpec(
                author="ryo_n",
                body=md(
                    """
                    Wi-Fi 接続に切り替えて更新したら通った、という話も聞いたことがあります。
                    有線でだめなら試してみてください。
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        product="hub",
        author="lucas_b",
        type=IDEA,
        title="A local-only mode that works without the cloud",
        body=md(
            """
            When our internet went down for a day last month, none of my automations
            ran, even though the hub and every device were on the same network. Please
            add a **local-only mode**, so that schedules and simple automations ("if
            motion, then light") run on the hub itself.

            I'd happily give up remote access for it.
            """
        ),
        me_too=10,
        answers=(
            AnswerSpec(
                author="priya_r",
                body=md(
                    """
                    Strongly agree. Even a local fallback while the cloud is unreachable
                    would be enough for me.
                    """
                ),
            ),
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        product="thermostat",
        author="mika_t",
        type=PRAISE,
        title="サーモスタットにしてから電気代が15%下がりました",
        body=md(
            """
            Nestwise Thermostat を設置して2か月たちました。「外出時は自動で設定温度を
            下げる」機能のおかげで、先月の電気代が前年同月より 15% 下がりました。
            アプリの週間レポートも分かりやすくて気に入っています。
            """
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        product="smart-plug-mini",
        author="sofia_m",
        type=PROBLEM,
        days_ago=0.7,
        title="Smart Plug Mini clicks on and off by itself",
        body=md(
            """
            One of my three Smart Plug Minis switches itself on and off every few
            minutes; you can hear the relay click. No automations are attached to it,
            and the app's history shows the changes as made by "Device". The other two
            plugs are fine. Firmware 1.0.14.
            """
        ),
    ),
    ThreadSpec(
        brand=NESTWISE,
        author="aoi_k",
        type=QUESTION,
        title="賃貸マンションでも取り付けられますか",
        body=md(
            """
            賃貸マンションに住んでいます。壁に穴を開けずに Nestwise の製品を使うことは
            できますか。特にサーモスタットが気になっています（エアコンは壁掛けです）。
            """
        ),
        answers=(
            AnswerSpec(
                author="kenji_o",
                body=md(
                    """
                    ハブとスマートプラグは置くだけ・挿すだけなので問題ありません。
                    サーモスタットは壁の配線につなぐ前提なので、壁掛けエアコンを操作したい
                    なら、赤外線リモコン機能のある Nestwise Hub からエアコンを操作する方が
                    向いていると思います。
                    """
                ),
            ),
        ),
    ),
)

THREADS: tuple[ThreadSpec, ...] = (
    HOSHINO_THREADS + KUMO_THREADS + TSUBAME_THREADS + VELORA_THREADS + NESTWISE_THREADS
)
