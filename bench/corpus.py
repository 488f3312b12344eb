"""Word lists and templates for the benchmark's community, in English and Japanese.

Titles are composed per thread (so lists and search see many different ones); question and
answer bodies come from a pool of a few hundred Markdown texts per tier, each rendered once
and reused (bench.generate), with the lengths and shapes real support posts have: a short
"same here", a numbered list of steps, a log in a code block, now and then a table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str
    noun_en: str
    noun_ja: str
    products: tuple[str, ...]
    parts_en: tuple[str, ...]
    parts_ja: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "camera",
        "camera",
        "カメラ",
        ("Z5", "Z7 Mark II", "Mini 3", "35mm f/1.8 lens", "Action 4K"),
        ("battery", "autofocus", "lens cap", "viewfinder", "SD card slot", "Wi-Fi transfer"),
        (
            "バッテリー",
            "オートフォーカス",
            "レンズキャップ",
            "ファインダー",
            "SDカード",
            "Wi-Fi転送",
        ),
    ),
    Category(
        "audio",
        "earbuds",
        "イヤホン",
        ("Air Buds 2", "Studio Speaker", "Noise Cancel Pro", "Sound Bar 300"),
        ("left earbud", "noise cancelling", "charging case", "Bluetooth pairing", "microphone"),
        ("左のイヤホン", "ノイズキャンセリング", "充電ケース", "Bluetooth接続", "マイク"),
    ),
    Category(
        "phone",
        "phone",
        "スマートフォン",
        ("Phone 12", "Phone 12 Lite", "Tab 8", "Watch S"),
        ("battery", "screen", "SIM card", "camera app", "fingerprint sensor", "5G signal"),
        ("バッテリー", "画面", "SIMカード", "カメラアプリ", "指紋センサー", "5Gの電波"),
    ),
    Category(
        "kitchen",
        "rice cooker",
        "炊飯器",
        ("Rice Cooker RC-10", "Kettle K2", "Oven Range MR-5", "Toaster T1"),
        ("timer", "display", "heating plate", "lid", "water tank", "keep-warm mode"),
        ("タイマー", "表示パネル", "ヒーター", "ふた", "給水タンク", "保温モード"),
    ),
    Category(
        "bicycle",
        "e-bike",
        "電動自転車",
        ("City E-bike", "Road 900", "Kids 16", "Cargo Pro"),
        ("brake", "chain", "battery", "handlebar display", "gear shifter", "rear light"),
        ("ブレーキ", "チェーン", "バッテリー", "ハンドルの表示", "変速機", "テールライト"),
    ),
    Category(
        "network",
        "router",
        "ルーター",
        ("Router AX3000", "Mesh Node", "Travel Router", "Switch 8"),
        ("Wi-Fi", "firmware", "port forwarding", "guest network", "status LED", "VPN"),
        ("Wi-Fi", "ファームウェア", "ポート転送", "ゲストネットワーク", "ランプ", "VPN"),
    ),
    Category(
        "software",
        "app",
        "アプリ",
        ("Cloud Books", "Photo Studio", "Sync Client", "Family Calendar"),
        ("login", "sync", "CSV export", "invoice PDF", "backup", "subscription"),
        ("ログイン", "同期", "CSV出力", "請求書PDF", "バックアップ", "サブスクリプション"),
    ),
    Category(
        "games",
        "console",
        "ゲーム機",
        ("Play Box", "Controller X", "Handheld S", "Dock 2"),
        ("controller", "download", "save data", "online play", "fan", "HDMI output"),
        ("コントローラー", "ダウンロード", "セーブデータ", "オンライン対戦", "ファン", "HDMI出力"),
    ),
)

BRAND_WORDS = (
    "Hoshino", "Aozora", "Kumo", "Sakura", "Northwind", "Bluefin", "Kestrel", "Tanuki",
    "Orbit", "Maple", "Hikari", "Yamabiko", "Copperline", "Fujimi", "Lumen", "Kaze",
    "Riverstone", "Tsubame", "Granite", "Momiji", "Seabright", "Hinata", "Juniper", "Kirin",
    "Oakridge",
)  # fmt: skip
BRAND_SUFFIX = {
    "camera": "Camera",
    "audio": "Audio",
    "phone": "Mobile",
    "kitchen": "Home",
    "bicycle": "Cycles",
    "network": "Networks",
    "software": "Software",
    "games": "Games",
}

GIVEN_EN = (
    "Alex", "Sam", "Jordan", "Maria", "Chris", "Priya", "Tom", "Lena", "Omar", "Grace",
    "Ben", "Nina", "Leo", "Sofia", "Dan", "Mei", "Ivan", "Zoe", "Raj", "Emma",
)  # fmt: skip
GIVEN_JA = (
    "はな", "けん", "ゆい", "そうた", "さくら", "はると", "みお", "れん", "あおい", "ゆうき",
    "陽菜", "蓮", "結衣", "大翔", "美咲", "翔太", "葵", "悠人", "真央", "健一",
)  # fmt: skip
HANDLE_WORDS = (
    "photo", "tech", "runner", "cook", "rider", "gamer", "dad", "mom", "fix", "owl", "cat",
    "tea", "neko", "sora", "umi", "yama", "fan", "geek", "home", "diy",
)  # fmt: skip

PROBLEMS_EN = (
    "drains overnight", "stopped working", "keeps disconnecting", "shows error E-{code}",
    "is very slow", "makes a clicking noise", "won't turn on", "resets itself",
    "gets hot", "is not detected",
)  # fmt: skip
PROBLEMS_JA = (
    "がすぐ減ります", "が動かなくなりました", "が頻繁に切れます", "でエラーE-{code}が出ます",
    "の動作がとても遅いです", "からカチカチ音がします", "が反応しません",
    "が勝手にリセットされます", "が熱くなります", "が認識されません",
)  # fmt: skip
ACTIONS_EN = (
    "reset the {part} to factory settings", "update the firmware", "turn off the beeping",
    "change the language", "register for the warranty", "export my data",
    "connect two devices at once", "replace the {part}", "calibrate the {part}",
)  # fmt: skip
ACTIONS_JA = (
    "{part}を初期化する", "ファームウェアを更新する", "操作音を消す", "表示言語を変える",
    "保証登録をする", "データを書き出す", "2台を同時に接続する", "{part}を交換する",
    "{part}を調整する",
)  # fmt: skip
IDEAS_EN = (
    "a dark mode", "a longer warranty for the {part}", "an option to disable the {part}",
    "a quieter {part}", "a spare {part} in the box", "an API for the {part}",
)  # fmt: skip
IDEAS_JA = (
    "ダークモード", "{part}の保証延長", "{part}をオフにする設定", "もっと静かな{part}",
    "予備の{part}の同梱", "{part}のAPI",
)  # fmt: skip

# Words people type into the search box (bench.load draws from these).
SEARCH_TERMS = (
    "battery", "error E-203", "firmware update", "Bluetooth pairing", "won't turn on",
    "reset", "noise", "Wi-Fi disconnecting", "warranty", "slow", "screen", "brake",
    "バッテリー", "エラー", "初期化", "接続 切れる", "充電", "音", "アップデート", "保証",
)  # fmt: skip


def _fill(template: str, rng: random.Random, part: str) -> str:
    return template.format(part=part, code=rng.randint(100, 499))


def thread_title(rng: random.Random, category: Category, kind: str, product: str, ja: bool) -> str:
    """A title in the words customers use, for one thread."""
    parts = category.parts_ja if ja else category.parts_en
    part = rng.choice(parts)
    version = f"{rng.randint(1, 4)}.{rng.randint(0, 9)}"
    if ja:
        if kind == "question":
            action = _fill(rng.choice(ACTIONS_JA), rng, part)
            return f"{product}で{action}方法を教えてください"
        if kind == "problem":
            problem = _fill(rng.choice(PROBLEMS_JA), rng, part)
            return f"{product}の{part}{problem}（バージョン{version}）"
        if kind == "idea":
            return f"{product}に{_fill(rng.choice(IDEAS_JA), rng, part)}がほしい"
        return f"{product}の{part}がとても良いです"
    if kind == "question":
        action = _fill(rng.choice(ACTIONS_EN), rng, part)
        return f"How do I {action} on the {product}?"
    if kind == "problem":
        problem = _fill(rng.choice(PROBLEMS_EN), rng, part)
        return f"{product} {part} {problem} after update {version}"
    if kind == "idea":
        return f"Please add {_fill(rng.choice(IDEAS_EN), rng, part)} to the {product}"
    return f"Thank you for the {product}'s {part}"


_LOG_LINES = (
    "2026-10-02 08:14:11 WARN  power: battery level 41% -> 3% in 06:12",
    "2026-10-02 08:14:12 ERROR net: connection reset by peer (E-203)",
    "2026-10-02 08:14:15 INFO  fw: version 2.1.4 build 7781",
    "2026-10-02 08:14:19 ERROR sync: timeout after 30000 ms",
    "2026-10-02 08:14:20 INFO  retry 1/3",
)


def question_body(rng: random.Random, category: Category, kind: str, ja: bool) -> str:
    """A question's Markdown: context, what was tried, sometimes a log or a table."""
    part = rng.choice(category.parts_ja if ja else category.parts_en)
    product = rng.choice(category.products)
    noun = category.noun_ja if ja else category.noun_en
    paragraphs: list[str] = []
    if ja:
        paragraphs.append(
            rng.choice(
                (
                    f"先月{product}を買いました。最初は問題なかったのですが、"
                    f"数日前から{part}の調子がおかしいです。",
                    f"{product}を2年ほど使っています。毎日使う{noun}なので困っています。",
                    f"家族で{product}を使っています。{part}について質問させてください。",
                )
            )
        )
        if rng.random() < 0.6:
            paragraphs.append(
                rng.choice(
                    (
                        "使い方は普通だと思います。毎朝30分ほど使って、夜は充電しています。"
                        f"説明書も読みましたが、{part}については詳しく書かれていませんでした。"
                        "サポートに電話しましたが、混んでいてつながりませんでした。",
                        "症状が出るのは毎回ではなく、3回に1回くらいです。寒い日に多い気がします。"
                        f"同じ{noun}を使っている友人は問題ないそうなので、個体差かもしれません。",
                        "購入したのは家電量販店で、保証はまだ残っています。修理に出すと数週間"
                        f"{noun}が使えなくなるので、その前に自分でできることがあれば試したいです。",
                    )
                )
            )
        if kind in ("question", "problem"):
            tried = rng.sample(
                (
                    "電源を入れ直した",
                    "ファームウェアを最新にした",
                    f"{part}を外して付け直した",
                    "設定を初期化した",
                    "別のケーブルで試した",
                    "アプリを再インストールした",
                ),
                k=rng.randint(2, 4),
            )
            paragraphs.append("試したこと：\n\n" + "\n".join(f"- {t}" for t in tried))
        if kind == "problem" and rng.random() < 0.35:
            lines = "\n".join(rng.sample(_LOG_LINES, k=3))
            paragraphs.append(f"ログにはこう出ています：\n\n```\n{lines}\n```")
        if rng.random() < 0.15:
            paragraphs.append(
                "| 項目 | 内容 |\n|---|---|\n"
                f"| 製品 | {product} |\n| バージョン | 2.{rng.randint(0, 9)} |\n"
                f"| 購入時期 | {rng.randint(2019, 2026)}年 |"
            )
        paragraphs.append(
            rng.choice(
                (
                    "同じ症状の方はいますか？解決方法があれば教えてください。",
                    "よろしくお願いします。",
                    "**メーカーの方**にも見ていただけると助かります。",
                    "何か良い方法はないでしょうか。",
                )
            )
        )
    else:
        paragraphs.append(
            rng.choice(
                (
                    f"I bought the {product} last month. It was fine at first, but for a few "
                    f"days now the {part} has been acting up.",
                    f"I've used my {product} for about two years. I rely on this {noun} every "
                    "day, so this is a real problem for me.",
                    f"We have two of the {product} at home and I have a question about the {part}.",
                )
            )
        )
        if rng.random() < 0.6:
            paragraphs.append(
                rng.choice(
                    (
                        "I think I use it in a normal way: about half an hour every morning, "
                        "and it charges overnight. The manual says nothing useful about the "
                        f"{part}, and the support line was busy both times I called.",
                        "It doesn't happen every time, maybe one time in three, and more often "
                        f"on cold days. A friend has the same {noun} without any trouble, so it "
                        "may be just my unit.",
                        "I bought it from a big electronics store and the warranty is still "
                        f"valid, but sending it in means weeks without my {noun}, so I'd like "
                        "to try whatever I can do myself first.",
                    )
                )
            )
        if kind in ("question", "problem"):
            tried = rng.sample(
                (
                    "Turned it off and on again",
                    "Updated to the latest firmware",
                    f"Took the {part} out and put it back",
                    "Did a factory reset",
                    "Tried another cable and charger",
                    "Reinstalled the app",
                ),
                k=rng.randint(2, 4),
            )
            paragraphs.append(
                "What I tried:\n\n" + "\n".join(f"{n}. {t}" for n, t in enumerate(tried, 1))
            )
        if kind == "problem" and rng.random() < 0.35:
            lines = "\n".join(rng.sample(_LOG_LINES, k=3))
            paragraphs.append(f"The log says:\n\n```\n{lines}\n```")
        if rng.random() < 0.15:
            paragraphs.append(
                "| | |\n|---|---|\n"
                f"| Model | {product} |\n| Version | 2.{rng.randint(0, 9)} |\n"
                f"| Bought | {rng.randint(2019, 2026)} |"
            )
        paragraphs.append(
            rng.choice(
                (
                    "Does anyone else have this? Any idea how to fix it?",
                    "Thanks in advance.",
                    "It would be great if someone **from the company** could look at this.",
                    "Is there a workaround until this is fixed? See https://example.com/kb/203",
                )
            )
        )
    return "\n\n".join(paragraphs)


def answer_body(rng: random.Random, category: Category, ja: bool) -> str:
    """An answer's Markdown: from a one-liner to a step-by-step fix."""
    part = rng.choice(category.parts_ja if ja else category.parts_en)
    shape = rng.random()
    if ja:
        if shape < 0.25:
            return rng.choice(
                (
                    "私も同じ症状です。",
                    f"うちの{part}も同じでした。アップデートで直りましたよ。",
                    "情報ありがとうございます、助かりました！",
                )
            )
        steps = rng.sample(
            (
                "設定を開きます",
                f"「{part}」の項目を選びます",
                "「初期化」を押して10秒待ちます",
                "電源を切って、もう一度入れます",
                "アプリから再度ペアリングします",
            ),
            k=rng.randint(3, 5),
        )
        text = "次の手順で直りました。\n\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(steps, 1))
        if shape > 0.5:
            text += (
                "\n\n原因はたぶん、アップデートのときに設定の一部が古いまま残ってしまうことです。"
                "初期化すると設定が作り直されるので、症状が消えるのだと思います。"
                "ペアリング情報も消えるので、あとで登録し直してください。"
            )
        if shape > 0.7:
            text += (
                f"\n\nそれでも直らない場合は、{part}の故障かもしれません。"
                "保証期間内ならサポートに連絡すると無償で交換してもらえます。"
                "購入日がわかるレシートを用意しておくとスムーズです。"
            )
        if shape > 0.9:
            text += "\n\n参考：`設定 > システム > リセット` にもあります。"
        return text
    if shape < 0.25:
        return rng.choice(
            (
                "Same here, following.",
                f"Mine did the same; the latest update fixed the {part} for me.",
                "Thanks, this helped!",
            )
        )
    steps = rng.sample(
        (
            "Open **Settings**",
            f"Go to the {part} section",
            "Hold *Reset* for 10 seconds",
            "Switch it off and on again",
            "Pair it again from the app",
        ),
        k=rng.randint(3, 5),
    )
    text = "This fixed it for me:\n\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(steps, 1))
    if shape > 0.5:
        text += (
            "\n\nAs far as I can tell, the update leaves part of the old settings behind, "
            "and the reset makes it build them again from scratch, which is why the problem "
            "goes away. You'll have to pair your devices again afterwards, so keep a few "
            "minutes for that."
        )
    if shape > 0.7:
        text += (
            f"\n\nIf it still happens, the {part} may be faulty. Within the warranty, support "
            "replaces it for free; keep the receipt handy, it makes the process much quicker. "
            "It took about a week in my case."
        )
    if shape > 0.9:
        text += "\n\nSee also `Settings > System > Reset` and https://example.com/support."
    return text
