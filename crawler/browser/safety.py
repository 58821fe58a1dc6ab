"""The browser stage's safety guard: it can look, never act.

Guaranteed in three layers. (1) The walk only navigates (page.goto) to the href of an entry link
and reads pages with read-only scripts: it never types, fills, clicks, uploads or submits. (2) A
route handler on every browser context aborts every request that is not GET or HEAD (a form
POST, an XHR that would save a draft, an auto-submitting page) unless it is a listed read-only
catalogue read (crawler/postpolicy.py, the crawler's own rule), every request to a payment
start, and applies the network-safety rules. (3) A script run before any page script disables
form submission in the page itself, because a form that submits itself by GET on load is a
plain navigation that (2) cannot tell from a link. A test runs a full check against the demo and
asserts that its submissions.jsonl stays empty.
"""

from __future__ import annotations

import re

from crawler.netsafety import check_url
from crawler.postpolicy import post_refusal

PAYMENT_START = re.compile(r"thanh-?toan|payment|/pay\b|/pay/|vnpay|keypay|paygov|napas", re.I)
ALLOWED_METHODS = {"GET", "HEAD"}
NO_SUBMIT_JS = """
HTMLFormElement.prototype.submit = function () {};
HTMLFormElement.prototype.requestSubmit = function () {};
addEventListener("submit", (event) => event.preventDefault(), true);
"""


def refusal(
    method: str,
    url: str,
    allow_private: bool,
    body: str | bytes | None = None,
    content_type: str | None = None,
    stand_ins=None,
) -> str | None:
    """Why the browser must not send this request, or None."""
    if method.upper() not in ALLOWED_METHODS:
        refused = post_refusal(method, url, body, content_type, stand_ins)
        if refused:
            return f"{refused}; {method} requests are never sent (no submission)"
    if PAYMENT_START.search(url):
        return "payment gateway requests are never sent"
    return check_url(url, allow_private)


def guard(allow_private: bool, blocked: list | None = None, stand_ins=None):
    """A Playwright route handler enforcing `refusal` on every request of a context."""

    async def handler(route, request):
        reason = refusal(
            request.method,
            request.url,
            allow_private,
            request.post_data_buffer if request.method != "GET" else None,
            request.headers.get("content-type"),
            stand_ins,
        )
        if reason:
            if blocked is not None:
                blocked.append({"url": request.url, "method": request.method, "reason": reason})
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    return handler
