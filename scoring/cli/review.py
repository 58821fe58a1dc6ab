"""`egovrank review`: the database in Datasette for evaluators, described and with canned queries.

Datasette runs as a child process of this venv (its pinned 0.65.x) rather than in-process, so its
event loop and settings stay its own; this process only writes the metadata, forwards stop
signals and removes the metadata file afterwards.
"""

from __future__ import annotations

import json
import signal
import subprocess
import tempfile
from pathlib import Path

import click

from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.paths import output_dir
from scoring.cli.common import db_option, emit, format_option, progress
from scoring.cli.score import model_option

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback needs evaluator tokens (review-tokens).",
)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--evidence",
    "evidence_dir",
    default=lambda: str(output_dir() / "evidence"),
    show_default="output/evidence",
    type=click.Path(file_okay=False),
    help="Screenshot folder, served under /evidence/.",
)
@click.option(
    "--metadata-out",
    type=click.Path(dir_okay=False),
    help="Write the Datasette metadata JSON here and exit (no server).",
)
@model_option
def review(db_path, host, port, evidence_dir, metadata_out, model_path):
    """Open the database for evaluators in Datasette, with a corrections form per entity."""
    from scoring.review import base_url, build_metadata, datasette_command

    # refuses a missing, foreign or newer database with one line; migrates an older one
    db = store.connect(db_path, create=False)
    exposed = host not in LOOPBACK
    tokens = db.execute("select count(*) from review_tokens where revoked_at is null").fetchone()[0]
    db.conn.close()
    if exposed and not tokens:
        raise InputError(
            f"--host {host} exposes the review: first give each evaluator a token with "
            "`egovrank review-tokens add NAME`"
        )
    base = base_url(host, port)
    metadata = json.dumps(
        build_metadata(
            Path(db_path).stem, base=base, db_path=db_path, model=model_path,
            require_token=exposed,
        ),
        ensure_ascii=False,
        indent=2,
    )  # fmt: skip
    if metadata_out:
        Path(metadata_out).write_text(metadata, encoding="utf-8")
        click.echo(metadata_out)
        return
    evidence = Path(evidence_dir)
    if not evidence.is_dir():
        progress(f"review: no {evidence}/ yet, screenshots will not open")
        evidence = None
    if exposed:
        progress(f"review: listening on {host}: only evaluators with a token can read or correct")
    with tempfile.TemporaryDirectory(prefix="egovrank-review-") as tmp:
        meta_path = Path(tmp) / "metadata.json"
        meta_path.write_text(metadata, encoding="utf-8")
        cmd = datasette_command(db_path, meta_path, host=host, port=port, evidence_dir=evidence)
        progress(f"review: {base or 'Datasette'}/{Path(db_path).stem} (Ctrl-C to stop)")
        progress(f"review: corrections at {base}/-/egovrank/")
        code = _serve(cmd)
    if code:
        raise SystemExit(code)


def _serve(cmd: list[str]) -> int:
    """Run Datasette until it exits or we are told to stop; a stop we forwarded is exit 0."""
    proc = subprocess.Popen(cmd)
    stopped = False

    def forward(signum, frame):
        nonlocal stopped
        stopped = True
        proc.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        stopped = True
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
    return 0 if stopped else code


@click.group("review-tokens")
def review_tokens():
    """Evaluators' tokens for a review UI exposed with --host (add, list, revoke)."""


@review_tokens.command("add")
@click.argument("name")
@db_option
def add_token(name, db_path):
    """Create a token for evaluator NAME; printed once (only its hash is stored)."""
    import secrets

    from scoring.review_web.egovrank_corrections import token_hash

    if not name.strip():
        raise InputError("a token needs the evaluator's name")
    db = store.connect(db_path, create=False)
    token = secrets.token_urlsafe(24)
    with store.transaction(db):
        db["review_tokens"].insert(
            {"name": name.strip(), "token_hash": token_hash(token), "created_at": store.now()}
        )
    progress(f"token for {name}: sign in at http://HOST:PORT/-/egovrank/login?token={token}")
    click.echo(token)


@review_tokens.command("list")
@db_option
@format_option("table", "json")
def list_tokens(db_path, fmt):
    """List evaluators and whether their token is revoked (tokens themselves are not stored)."""
    db = store.connect(db_path, create=False)
    emit(
        db.query("select name, created_at, revoked_at from review_tokens order by created_at"), fmt
    )


@review_tokens.command("revoke")
@click.argument("name")
@db_option
def revoke_token(name, db_path):
    """Revoke every token of evaluator NAME; it stops working on the next request."""
    db = store.connect(db_path, create=False)
    with store.transaction(db):
        n = db.execute(
            "update review_tokens set revoked_at = ? where name = ? and revoked_at is null",
            [store.now(), name],
        ).rowcount
    if not n:
        raise InputError(f"no active token for {name!r}; see `egovrank review-tokens list`")
    progress(f"revoked {n} token(s) of {name}")
