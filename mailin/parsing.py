"""Reading a mail: its text in the right charset, the new words only, and what kind of mail
it is (a bounce, an automatic reply) before anyone treats it as a person's reply.

Japanese carrier and desktop mail often arrives in ISO-2022-JP or Shift_JIS, with the
vendors' extra characters (①, ㈱) that the strict codecs refuse; those are read with the
supersets Windows and the carriers actually use.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

from bs4 import BeautifulSoup

# Charsets as labelled → the codecs that read what is really sent under that label.
_CHARSET_SUPERSETS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
}
_CHARSET_FALLBACKS = ("iso2022_jp_2", "iso2022_jp_ext", "cp932", "euc_jp", "utf-8")


def message_parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def _decode(payload: bytes, charset: str | None) -> str:
    label = (charset or "us-ascii").lower().strip()
    tried = [_CHARSET_SUPERSETS.get(label, label), label, *_CHARSET_FALLBACKS]
    for codec in dict.fromkeys(tried):
        try:
            return payload.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def header_text(message: Message, name: str) -> str:
    """A header's text, its encoded words decoded; '' when absent or unreadable."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for quoted in soup.select("blockquote, div.gmail_quote, div.yahoo_quoted, #divRplyFwdMsg"):
        quoted.decompose()
    for hidden in soup(["script", "style", "head"]):
        hidden.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "h1", "h2", "h3", "h4", "ul", "ol", "table"]):
        block.insert_after("\n\n")  # a paragraph stays one in Markdown
    for block in soup.find_all(["div", "li", "tr"]):
        block.insert_after("\n")
    lines = [line.rstrip() for line in soup.get_text().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return _decode(payload, part.get_content_charset())


def body_text(message: Message) -> str:
    """The mail's text: its text/plain part, else its HTML part made text."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _part_text(part)
        elif kind == "text/html" and html is None:
            html = _part_text(part)
    if plain is not None and plain.strip():
        return plain.replace("\r\n", "\n")
    if html is not None:
        return html_to_text(html)
    return ""


@dataclass(frozen=True)
class ImagePart:
    filename: str
    content_type: str
    data: bytes
    description: str = ""


def image_parts(message: Message) -> list[ImagePart]:
    images = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "image":
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data:
            images.append(
                ImagePart(
                    filename=part.get_filename() or "",
                    content_type=part.get_content_type(),
                    data=data,
                    description=header_text(part, "Content-Description"),
                )
            )
    return images


# --- The new words only --------------------------------------------------------------------
# A line that starts the quoted message: everything from it on is the old mail.
_QUOTE_HEADERS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^.{0,300}(さん|様)?(は|が)書きました\s*[:：]?\s*$"),
    re.compile(r"^.{0,300}wrote\s*[:：]\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Forwarded message|元のメッセージ|転送メッセージ|"
        r"オリジナルメッセージ|Original)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above its quoted header block
    # 2026年12月3日(木) 10:00 山田 <yamada@example.jp>:
    re.compile(r"^\s*\d{4}年\s*\d{1,2}月\s*\d{1,2}日.{0,200}[:：]\s*$"),
    # 2026/12/03 10:00、山田 <yamada@example.jp> のメール:
    re.compile(
        r"^\s*\d{4}[/.-]\d{1,2}[/.-]\d{1,2}.{0,200}(<[^>]+@[^>]+>|のメール).{0,40}[:：]\s*$"
    ),
    re.compile(r"^\s*(From|差出人|送信者)\s*[:：].+$"),
]
_SIGNATURE = re.compile(r"^(-- ?|--)$")


def _is_quote_header(lines: list[str], index: int) -> bool:
    line = lines[index]
    if any(pattern.match(line) for pattern in _QUOTE_HEADERS):
        if line.lstrip().lower().startswith(("from", "差出人", "送信者")):
            # an Outlook header block: From: … then Sent:/Date:/送信日時: within two lines
            following = " ".join(lines[index + 1 : index + 3]).lower()
            return any(word in following for word in ("sent:", "date:", "送信日時", "日時:"))
        return True
    # "On Thu, Dec 3, 2026 at 10:00, Sodan <reply+…" broken over two lines
    if index + 1 < len(lines) and re.match(r"^\s*On\b", line, re.IGNORECASE):
        joined = f"{line} {lines[index + 1]}"
        return bool(_QUOTE_HEADERS[0].match(joined))
    return False


def reply_text(text: str) -> str:
    """The words written above the quoted mail and the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line) or _is_quote_header(lines, index):
            break
        if line.lstrip().startswith((">", "＞")):
            continue
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)


# --- What kind of mail --------------------------------------------------------------------
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")


def is_bounce(message: Message, envelope_from: str | None) -> bool:
    """A delivery report: multipart/report, from the mailer daemon, or a null sender."""
    if message.get_content_type() == "multipart/report":
        return True
    sender = parseaddr(header_text(message, "From"))[1].lower()
    if sender.split("@")[0] in _DAEMONS:
        return True
    if envelope_from is not None and envelope_from.strip() in ("", "<>"):
        return True
    return header_text(message, "Return-Path").strip() == "<>"


def is_auto_reply(message: Message) -> bool:
    """An out-of-office or other machine's answer (RFC 3834 and the vendors' own marks)."""
    auto = header_text(message, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return True
    if any(
        message.get(name) is not None
        for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
    ):
        return True
    precedence = header_text(message, "Precedence").lower()
    return precedence in ("bulk", "auto_reply", "junk", "list")


def sender_address(message: Message) -> str:
    return parseaddr(header_text(message, "From"))[1].strip().lower()


def header_recipients(message: Message) -> list[str]:
    values = []
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        values.extend(str(value) for value in message.get_all(name, []))
    return [address.lower() for _name, address in getaddresses(values) if address]


@dataclass
class Verdicts:
    """SPF and DKIM as the receiving side judged them ("pass", "fail", … or "")."""

    spf: str = ""
    dkim: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.spf in ("fail", "hardfail") or self.dkim == "fail"


def verdicts_from_headers(message: Message) -> Verdicts:
    """What the provider wrote in the headers it adds (its own, topmost, first)."""
    verdicts = Verdicts()
    mailgun_spf = header_text(message, "X-Mailgun-Spf").lower()
    mailgun_dkim = header_text(message, "X-Mailgun-Dkim-Check-Result").lower()
    if mailgun_spf:
        verdicts.spf = mailgun_spf
    if mailgun_dkim:
        verdicts.dkim = mailgun_dkim
    results = header_text(message, "Authentication-Results").lower()
    if results:
        spf = re.search(r"\bspf=(\w+)", results)
        dkim = re.search(r"\bdkim=(\w+)", results)
        verdicts.spf = verdicts.spf or (spf.group(1) if spf else "")
        verdicts.dkim = verdicts.dkim or (dkim.group(1) if dkim else "")
    received_spf = header_text(message, "Received-SPF").lower()
    if received_spf and not verdicts.spf:
        verdicts.spf = received_spf.split()[0]
    return verdicts
