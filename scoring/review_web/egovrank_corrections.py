"""Datasette plugin: evaluators record and revoke corrections from an entity's review page.

Loaded by `egovrank review` with `--plugins-dir scoring/review_web`. Every write goes through
scoring.overrides (the same validation as `egovrank override set`), so the browser can store
nothing the command line would refuse. Datasette's own CSRF middleware (asgi-csrf) guards every
POST; the form carries its token. When the review is exposed beyond loopback, writing needs an
evaluator token (`egovrank review token add NAME`), checked against the database on every
request so a revoked token stops working at once; the author is then the token's name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from datasette import Response, hookimpl
from jinja2 import Environment, FileSystemLoader, select_autoescape

from crawler.core import store
from crawler.core.errors import InputError

PLUGIN = "egovrank-corrections"
COOKIE = "egovrank_token"
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def _db(datasette):
    return store.connect(_config(datasette)["db_path"], create=False)


def evaluator(db, request) -> str | None:
    """The evaluator a request's token names, or None (no token, unknown or revoked)."""
    token = request.cookies.get(COOKIE) or request.args.get("token")
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
    if not token:
        return None
    row = db.execute(
        "select name from review_tokens where token_hash = ? and revoked_at is null",
        [token_hash(token)],
    ).fetchone()
    return row[0] if row else None


@hookimpl
def actor_from_request(datasette, request):
    if not _config(datasette).get("require_token"):
        return None
    name = evaluator(_db(datasette), request)
    return {"id": name, "evaluator": True} if name else None


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    # exposed: nobody without a valid token reads anything either
    if _config(datasette).get("require_token") and not actor:
        return False
    return None


@hookimpl
def menu_links(datasette, actor, request):
    return [{"href": datasette.urls.path("/-/egovrank/"), "label": "Hiệu chỉnh (corrections)"}]


@hookimpl
def register_routes():
    return [
        (r"^/-/egovrank/$", index),
        (r"^/-/egovrank/login$", login),
        (r"^/-/egovrank/entity/(?P<entity>[^/]+)$", entity_page),
        (r"^/-/egovrank/entity/(?P<entity>[^/]+)/correct$", correct),
        (r"^/-/egovrank/override/(?P<override_id>\d+)/revoke$", revoke),
    ]


def _labels():
    from scoring.labels import load_labels

    return load_labels("vi")


def _model(datasette):
    from scoring.model import load_model

    return load_model(_config(datasette).get("model"))


def _cross_site(request) -> bool:
    """True unless the POST carries Datasette's CSRF cookie and comes from this origin.

    asgi-csrf compares the form's token with the cookie, but lets a POST with no cookies at all
    through; a cross-site form (SameSite cookies withheld) would arrive exactly so. Here a write
    needs the cookie (so asgi-csrf did check the token) and, if the browser says, our origin.
    """
    if not request.cookies.get("ds_csrftoken"):
        return True
    origin = request.headers.get("origin")
    return bool(origin) and origin.split("://", 1)[-1] != request.headers.get("host")


def _gate(datasette, request, db):
    """(author or None, refusal Response or None) for a request that writes."""
    if _cross_site(request):
        return None, Response.html(
            "<p>Yêu cầu bị từ chối: thiếu mã CSRF hoặc gửi từ trang khác.</p>", status=403
        )
    if not _config(datasette).get("require_token"):
        return None, None
    name = evaluator(db, request)
    if not name:
        return None, Response.html(_NO_TOKEN, status=403)
    return name, None


def _may_read(datasette, request, db) -> bool:
    return not _config(datasette).get("require_token") or bool(evaluator(db, request))


_NO_TOKEN = "<p>Cần mã đánh giá (token) hợp lệ: đăng nhập qua /-/egovrank/login?token=…</p>"


async def index(datasette, request):
    db = _db(datasette)
    if not _may_read(datasette, request, db):
        return Response.html(_NO_TOKEN, status=403)
    rows = list(
        db.query(
            "select entity_id, name_vi, entity_group, max(quarter) as quarter "
            "from quarter_entities group by entity_id order by entity_group, name_vi"
        )
    )
    html = _ENV.get_template("index.html.j2").render(rows=rows, labels=_labels())
    return Response.html(html)


async def login(datasette, request):
    db = _db(datasette)
    token = request.args.get("token", "")
    if not token or not evaluator(db, request):
        return Response.html("<p>Mã không hợp lệ hoặc đã bị thu hồi.</p>", status=403)
    response = Response.redirect(datasette.urls.path("/-/egovrank/"), status=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
    return response


def _page(datasette, request, db, entity_id, quarter, *, message=None, error=None, form=None):
    entity = db.execute(
        "select name_vi, entity_group, portal_url from quarter_entities "
        "where entity_id = ? and quarter = ?",
        [entity_id, quarter],
    ).fetchone()
    if entity is None:
        return Response.html(f"<p>Không có đơn vị {entity_id!r} trong quý {quarter!r}.</p>", 404)
    findings = list(
        db.query(
            "select criterion, value, status, evidence_url from findings "
            "where quarter = ? and entity_id = ? order by criterion",
            [quarter, entity_id],
        )
    )
    overrides = list(
        db.query(
            "select * from overrides where quarter = ? and entity_id = ? order by id",
            [quarter, entity_id],
        )
    )
    model = _model(datasette)
    html = _ENV.get_template("entity.html.j2").render(
        entity_id=entity_id,
        quarter=quarter,
        name=entity[0],
        group=entity[1],
        portal_url=entity[2],
        findings=findings,
        overrides=overrides,
        criteria=sorted(model.criteria),
        levels={c.id: list(c.params.get("levels", {})) for c in model.criteria.values()},
        labels=_labels(),
        csrftoken=request.scope["csrftoken"](),
        author=evaluator(db, request) if _config(datasette).get("require_token") else None,
        message=message,
        error=error,
        form=form or {},
    )
    return Response.html(html, status=400 if error else 200)


def _quarter(db, entity_id, given):
    if given:
        return given
    row = db.execute(
        "select max(quarter) from quarter_entities where entity_id = ?", [entity_id]
    ).fetchone()
    return row[0] if row and row[0] else ""


async def entity_page(datasette, request):
    db = _db(datasette)
    if not _may_read(datasette, request, db):
        return Response.html(_NO_TOKEN, status=403)
    entity_id = request.url_vars["entity"]
    quarter = _quarter(db, entity_id, request.args.get("quarter"))
    saved = request.args.get("saved")
    message = (
        f"Đã ghi hiệu chỉnh #{saved}; chạy lại `egovrank score` để tính điểm." if saved else None
    )
    if request.args.get("revoked"):
        message = f"Đã thu hồi hiệu chỉnh #{request.args.get('revoked')}."
    return _page(datasette, request, db, entity_id, quarter, message=message)


async def correct(datasette, request):
    from scoring.overrides import set_override

    if request.method != "POST":
        return Response.text("POST only", status=405)
    db = _db(datasette)
    entity_id = request.url_vars["entity"]
    form = await request.post_vars()
    quarter = form.get("quarter", "")
    author, refusal = _gate(datasette, request, db)
    if refusal:
        return refusal
    author = author or form.get("author", "")
    try:
        oid = set_override(
            db,
            _model(datasette),
            quarter,
            entity_id,
            form.get("criterion", ""),
            form.get("value", "").strip(),
            form.get("reason", ""),
            author,
        )
    except InputError as exc:
        return _page(datasette, request, db, entity_id, quarter, error=str(exc), form=form)
    path = f"/-/egovrank/entity/{entity_id}?quarter={quarter}&saved={oid}"
    return Response.redirect(datasette.urls.path(path), status=303)


async def revoke(datasette, request):
    from scoring.overrides import revoke_override

    if request.method != "POST":
        return Response.text("POST only", status=405)
    db = _db(datasette)
    oid = int(request.url_vars["override_id"])
    form = await request.post_vars()
    row = db.execute("select entity_id, quarter from overrides where id = ?", [oid]).fetchone()
    if row is None:
        return Response.html(f"<p>Không có hiệu chỉnh #{oid}.</p>", status=404)
    author, refusal = _gate(datasette, request, db)
    if refusal:
        return refusal
    try:
        revoke_override(db, oid, form.get("reason", ""), author or form.get("author", ""))
    except InputError as exc:
        return _page(datasette, request, db, row[0], row[1], error=str(exc))
    path = f"/-/egovrank/entity/{row[0]}?quarter={row[1]}&revoked={oid}"
    return Response.redirect(datasette.urls.path(path), status=303)
