"""What every renderer shares: the Reply a route returns, URLs, escaping, dates and filler text."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from crawler.demo import vocab
from crawler.demo.model import rng


@dataclass
class Reply:
    """One response, described; the server turns it into aiohttp objects."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False  # never answer (the timeout fault)
    stream_bytes: int = 0  # stream a generated page of this size instead of body
    record: bool = False  # append the request to submissions.jsonl


def html_reply(text: str, status: int = 200, **kw) -> Reply:
    return Reply(status=status, body=text.encode("utf-8"), **kw)


def not_found() -> Reply:
    return html_reply(
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>404 - Không tìm thấy "
        "trang</title></head><body><h1>Không tìm thấy trang</h1><p>Trang bạn yêu cầu không tồn "
        "tại hoặc đã bị xóa.</p></body></html>",
        404,
    )


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status=status, headers={"Location": location}, body=b"")


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def base_url(site: dict, e: dict) -> str:
    return f"{e['scheme']}://{e['host']}:{site['port']}"


def dvc_url(site: dict, e: dict) -> str:
    return f"http://{e['dvc_host']}:{site['port']}"


def shared_url(site: dict, host: str) -> str:
    return f"http://{host}:{site['port']}"


def format_date(iso: str, style: int, n: int = 0) -> str:
    """The three ways Vietnamese portals date news items."""
    d = date.fromisoformat(iso)
    if style == 0:
        return d.strftime("%d/%m/%Y")
    if style == 1:
        hour = 7 + n % 10
        return f"{vocab.WEEKDAYS[d.weekday()]}, {d.strftime('%d/%m/%Y')} {hour:02d}:30"
    return f"ngày {d.day} tháng {d.month} năm {d.year}"


def paragraphs(*seed_parts, count: int = 3) -> str:
    r = rng(*seed_parts, "para")
    out = []
    for _ in range(count):
        out.append("<p>" + " ".join(r.sample(vocab.SENTENCES, 3)) + "</p>")
    return "\n".join(out)


def person(*seed_parts) -> tuple[str, str]:
    r = rng(*seed_parts, "person")
    name = f"{r.choice(vocab.SURNAMES)} {r.choice(vocab.MIDDLE)} {r.choice(vocab.GIVEN)}"
    return name, r.choice(vocab.TITLES)


def headline(e: dict, n: int) -> str:
    return f"{vocab.HEADLINES[n % len(vocab.HEADLINES)]} (số {n + 1})"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 keeps tone marks as combining characters: split them off, then encode."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        marks = "".join(c for c in parts if c in tones)
        out += (base + marks).encode("cp1258", errors="replace")
    return bytes(out)
