"""robots.txt as Google's conformance suite reads it: Protego (Scrapy's parser) plus clean-up.

Real robots.txt files carry a byte-order mark or stray bytes before the first line, HTML left
over from a CMS (`<br />` lines) and `Key : value` with a space before the colon; Protego alone
reads those as no rules at all. The same parser serves the crawl (ROBOTSTXT_PARSER) and the
detectors, so what is judged is what was obeyed.
"""

from __future__ import annotations

import codecs
import re

from protego import Protego
from scrapy.robotstxt import ProtegoRobotParser, decode_robotstxt

_LEADING_JUNK = re.compile(r"^[^A-Za-z#\r\n]+")
_KEY_SPACE = re.compile(r"^(\s*[A-Za-z-]+)\s+:", re.M)


def clean(text: str) -> str:
    """The robots.txt text with junk a browser-era CMS leaves removed."""
    text = _LEADING_JUNK.sub("", text)
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("<")]
    return _KEY_SPACE.sub(r"\1:", "\n".join(lines) + "\n")


def parse(text: str) -> Protego:
    return Protego.parse(clean(text))


def allowed(robots: Protego, url: str, user_agent: str) -> bool:
    return robots.can_fetch(url, user_agent)


def decode(body: bytes, spider=None) -> str:
    """The robots.txt bytes as text; a UTF-16 file (Windows Notepad's "Unicode") is read by its
    BOM, where Scrapy's decoder would make NUL-riddled text that Protego reads as no rules."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return body.decode("utf-16")
        except UnicodeDecodeError:
            pass
    return decode_robotstxt(body, spider)


class CleanProtegoRobotParser(ProtegoRobotParser):
    """Scrapy's Protego parser on the cleaned text (set as ROBOTSTXT_PARSER)."""

    def __init__(self, robotstxt_body: bytes, spider=None):
        self.spider = spider
        self.rp = parse(decode(robotstxt_body, spider))
