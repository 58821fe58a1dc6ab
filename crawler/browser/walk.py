"""The service walk in a real Chromium: open the procedure page, follow its online entry,
read what it reaches. Navigation and reading only (see safety.py)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
import weakref

from playwright.async_api import Error as PlaywrightError

from crawler.browser.classify import MAINTENANCE, find_entry, observed_level
from crawler.browser.evidence import evidence_path
from crawler.detect.text import fold

# Read-only: collects what classification needs from the rendered DOM.
SNAPSHOT_JS = """() => {
  const vis = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const inputs = [...document.querySelectorAll('input, textarea, select')]
      .filter(e => !['hidden', 'submit', 'button'].includes(e.type));
  const links = [...document.querySelectorAll('a[href]')].slice(0, 500)
      .map(a => ({text: (a.innerText || a.textContent || '').trim().slice(0, 120), href: a.href}));
  const submits = [...document.querySelectorAll('button, input[type=submit]')]
      .filter(b => b.type === 'submit' || /gửi|nộp|submit/i.test(b.textContent || b.value || ''));
  const pay = links.filter(l => /thanh-?toan|payment|pay/i.test(l.href) || /thanh toán/i.test(l.text));
  return {
    title: document.title, url: location.href,
    text: (document.body ? document.body.innerText : '').slice(0, 20000),
    links, inputs: inputs.filter(e => e.type !== 'file' && e.type !== 'password').length,
    file_inputs: inputs.filter(e => e.type === 'file').length,
    password_inputs: inputs.filter(e => e.type === 'password').length,
    submit_controls: submits.filter(vis).length,
    payment_links: pay.map(l => l.href),
  };
}"""
SETTLE_MS = 2500
SCREENSHOT_TIMEOUT_S = 5
# A DevTools session per open page, made on its first screenshot and gone with the page.
_sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def snapshot(page, url: str, *, timeout_ms: int, settle_ms: int = SETTLE_MS) -> dict:
    """Open url and read it; waits a little for a script-built form when none shows yet."""
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    except PlaywrightError as exc:
        return {"url": url, "error": str(exc).splitlines()[0][:300]}
    status = response.status if response else None
    shot = await page.evaluate(SNAPSHOT_JS)
    if settle_ms and may_build_form(shot, status):
        await settle(page, settle_ms)
        shot = await page.evaluate(SNAPSHOT_JS)
    shot["status"] = status
    return shot


def may_build_form(shot: dict, status: int | None) -> bool:
    """Whether waiting for a form could change the verdict: none shows yet, and the page is not
    an error or a maintenance notice (which classify.reached judges before any form). Waiting
    the whole settle time on those was a fifth of the checks' wall time (profiled)."""
    if shot["inputs"] or shot["file_inputs"] or shot["password_inputs"] or (status or 0) >= 400:
        return False
    text = fold(shot.get("text", "")) + " " + fold(shot.get("title", ""))
    return not any(cue in text for cue in MAINTENANCE)


async def settle(page, settle_ms: int = SETTLE_MS) -> None:
    # No form (yet) is an answer too: a login page, an info page, or a form that never renders.
    with contextlib.suppress(PlaywrightError):
        await page.wait_for_selector("input, textarea, select", timeout=settle_ms)


async def walk_service(
    context, service: dict, *, quarter: str, evidence_root, timeout_ms: int, page=None
) -> dict:
    """Check one service; returns the columns of a service_checks row. In `page` when given
    (left open for the next check), else in a page of its own."""
    own = page is None
    if own:
        page = await context.new_page()
    steps, shots = [], []
    started = time.monotonic()
    try:
        # A procedure page has no form: waiting for one cost every check the whole settle time
        # (half its wall time, profiled). Read it at once; settle only when no entry shows yet.
        detail = await snapshot(page, service["url"], timeout_ms=timeout_ms, settle_ms=0)
        entry = None if detail.get("error") else find_entry(detail.get("links", []))
        if entry is None and not detail.get("error") and (detail.get("status") or 0) < 400:
            await settle(page)
            detail = {**await page.evaluate(SNAPSHOT_JS), "status": detail["status"]}
            entry = find_entry(detail.get("links", []))
        steps.append(_step("service_page", detail))
        shots.append(await _screenshot(page, evidence_root, quarter, service, "1-service"))
        target = None
        if entry:
            target = await snapshot(page, entry["href"], timeout_ms=timeout_ms)
            steps.append(_step("entry", target, entry_text=entry["text"]))
            shots.append(await _screenshot(page, evidence_root, quarter, service, "2-entry"))
        verdict = observed_level(detail, entry, target)
        if service.get("citizen_url"):  # the national row's deep link: where it really leads
            from crawler.browser.citizen import citizen_step

            shot = await snapshot(page, service["citizen_url"], timeout_ms=timeout_ms)
            steps.append(citizen_step(shot))
    finally:
        if own:
            await page.close()
    from crawler.browser.citizen import access, gateway

    return {
        "observed": verdict["observed"],
        "status": verdict["status"],
        "reached": verdict.get("reached"),
        # svc.sso: the entry's sign-in or the one the national citizen URL leads to
        "identity_provider": gateway(verdict, steps),
        # reachable behind a login is not usable: said apart on every check row
        "access": access(verdict.get("reached"), steps),
        "has_form": int(bool(verdict.get("has_form"))),
        "has_upload": int(bool(verdict.get("has_upload"))),
        "has_submit": int(bool(verdict.get("has_submit"))),
        "payment": int(bool(verdict.get("payment"))),
        "delivery": ", ".join(verdict.get("delivery", [])) or None,
        "final_url": (target or detail).get("url"),
        "entry_text": entry["text"] if entry else None,
        "steps": steps,
        "screenshot": next((s for s in reversed(shots) if s), None),
        "elapsed_s": round(time.monotonic() - started, 2),
    }


def _step(name: str, shot: dict, **extra) -> dict:
    return {
        "step": name,
        "url": shot.get("url"),
        "status": shot.get("status"),
        "title": shot.get("title"),
        "error": shot.get("error"),
        "inputs": shot.get("inputs"),
        "file_inputs": shot.get("file_inputs"),
        "password_inputs": shot.get("password_inputs"),
        "submit_controls": shot.get("submit_controls"),
        **extra,
    }


async def _screenshot(page, root, quarter: str, service: dict, step: str) -> str | None:
    """The viewport as PNG, captured by Chromium directly with its fast encoder: half the cost
    of page.screenshot, which waits for fonts and a fresh frame and encodes at full
    compression (profiled on the browser benchmark: 160 -> 80 ms a shot under load)."""
    path = evidence_path(root, quarter, service["entity_id"], service["url"], step)
    try:
        cdp = _sessions.get(page)
        if cdp is None:
            cdp = _sessions[page] = await page.context.new_cdp_session(page)
        shot = await asyncio.wait_for(
            cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True}),
            SCREENSHOT_TIMEOUT_S,
        )
    except (PlaywrightError, TimeoutError):
        return None
    path.write_bytes(base64.b64decode(shot["data"]))
    return str(path)
