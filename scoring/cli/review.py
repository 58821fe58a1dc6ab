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

from crawler import store
from crawler.paths import output_dir
from scoring.cli.common import db_option, progress


@click.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback exposes the data without a login.",
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
def review(db_path, host, port, evidence_dir, metadata_out):
    """Open the database for evaluators in Datasette (localhost only by default)."""
    from scoring.review import base_url, build_metadata, datasette_command

    # refuses a missing, foreign or newer database with one line; migrates an older one
    store.connect(db_path, create=False).conn.close()
    base = base_url(host, port)
    metadata = json.dumps(
        build_metadata(Path(db_path).stem, base=base), ensure_ascii=False, indent=2
    )
    if metadata_out:
        Path(metadata_out).write_text(metadata, encoding="utf-8")
        click.echo(metadata_out)
        return
    evidence = Path(evidence_dir)
    if not evidence.is_dir():
        progress(f"review: no {evidence}/ yet, screenshots will not open")
        evidence = None
    if host not in ("127.0.0.1", "localhost", "::1"):
        progress(f"review: listening on {host}: anyone who reaches it can read the database")
    with tempfile.TemporaryDirectory(prefix="egovrank-review-") as tmp:
        meta_path = Path(tmp) / "metadata.json"
        meta_path.write_text(metadata, encoding="utf-8")
        cmd = datasette_command(db_path, meta_path, host=host, port=port, evidence_dir=evidence)
        progress(f"review: {base or 'Datasette'}/{Path(db_path).stem} (Ctrl-C to stop)")
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
