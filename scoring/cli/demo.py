"""`egovrank demo`: build and serve the local demo web (crawler/demo)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import click

from crawler.core.errors import InputError
from crawler.core.paths import output_dir
from crawler.demo.build import DEFAULTS, build_demo
from crawler.demo.model import COMMUNE_PAGES, COMMUNE_SERVICES
from scoring.cli.common import progress, require_browser


@click.group(invoke_without_command=True)
@click.option(
    "--root",
    default=lambda: str(output_dir() / "demo"),
    show_default="output/demo, under the workspace if any",
    type=click.Path(file_okay=False),
    help="Where the demo's sites, database, evidence and reports go.",
)
@click.option("--entities", "n_entities", type=int, default=12, show_default=True)
@click.option("--pages", "n_pages", type=int, default=60, show_default=True)
@click.pass_context
def demo(ctx, root, n_entities, n_pages):
    """The demo web; alone, runs two whole quarters on it and writes the report.

    Builds the demo for 2026Q3 and 2026Q4, serves each in the background, runs crawl, check,
    score and report, stops the server, and prints where to look. Each run starts afresh: the
    database under --root is replaced.
    """
    if ctx.invoked_subcommand is not None:
        return
    import json

    from scoring.pipeline import run_demo

    require_browser()
    result = run_demo(root, entities=n_entities, pages=n_pages, echo=progress)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    if not result["ok"]:
        raise SystemExit(1)
    last = [k for k in result if k.startswith("20")][-1]
    progress(
        f"demo done in {result['seconds']} s. Open {result[last]['report']} "
        f"(audit pages beside it); database {root}/egovrank.db (`egovrank review --db {root}/egovrank.db`)."
    )


def _groups(ctx, param, value):
    if value is None:
        return None
    try:
        counts = tuple(int(x) for x in value.split(","))
    except ValueError:
        counts = ()
    if len(counts) != 3:
        raise InputError(f"--groups {value!r}: write three counts, e.g. 17,5,34")
    return counts


@demo.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--entities", type=int, default=DEFAULTS["entities"], show_default=True)
@click.option(
    "--pages", type=int, default=DEFAULTS["pages"], show_default=True, help="Pages per portal."
)
@click.option(
    "--services",
    type=int,
    default=DEFAULTS["services"],
    show_default=True,
    help="Services per entity.",
)
@click.option("--seed", type=int, default=DEFAULTS["seed"], show_default=True)
@click.option(
    "--groups",
    callback=_groups,
    metavar="M,A,P",
    help="Exact ministries, agencies and provinces, e.g. 17,5,34 (sets --entities to the sum); "
    "default 25% and 10%, the rest provinces.",
)
@click.option("--quarter", default=DEFAULTS["quarter"], show_default=True, metavar="YYYYQn")
@click.option(
    "--port",
    type=int,
    default=DEFAULTS["port"],
    show_default=True,
    help="Port every host serves on.",
)
@click.option(
    "--large-page-mb",
    type=float,
    default=DEFAULTS["large_page_mb"],
    show_default=True,
    help="Size of the very large page fault.",
)
@click.option(
    "--communes",
    type=int,
    default=0,
    show_default=True,
    help="Add N commune portals, dealt over the provinces and ranked within each province.",
)
@click.option(
    "--commune-pages", type=int, default=COMMUNE_PAGES, show_default=True, help="Pages per commune."
)
@click.option(
    "--commune-services",
    type=int,
    default=COMMUNE_SERVICES,
    show_default=True,
    help="Services per commune.",
)
@click.pass_context
def build(
    ctx, out, entities, pages, services, seed, groups, quarter, port, large_page_mb,
    communes, commune_pages, commune_services,
):  # fmt: skip
    """Write a complete demo (registry, truth, site model, certificates) into OUT."""
    if groups and ctx.get_parameter_source("entities") == click.core.ParameterSource.DEFAULT:
        entities = sum(groups)
    started = time.monotonic()
    truth = build_demo(
        Path(out),
        entities=entities,
        groups=groups,
        pages=pages,
        services=services,
        seed=seed,
        quarter=quarter,
        port=port,
        large_page_mb=large_page_mb,
        **(
            {
                "communes": communes,
                "commune_pages": commune_pages,
                "commune_services": commune_services,
            }
            if communes
            else {}
        ),  # fmt: skip
    )
    progress(
        f"built {len(truth['entities'])} entities into {out} in {time.monotonic() - started:.1f} s "
        f"(quarter {truth['quarter']}, port {truth['port']}); serve it with `egovrank demo serve {out}`"
    )


@demo.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--port", type=int, default=None, help="Override the port the demo was built for.")
def serve(out, port):
    """Serve the demo in OUT until interrupted (Ctrl-C or SIGTERM)."""
    from crawler.demo.server import serve as run

    def ready(server, port):
        hosts = len(server.hosts)
        progress(f"serving {hosts} hosts on port {port} from {out}; Ctrl-C stops")

    asyncio.run(run(Path(out), port, ready))
    progress("demo server stopped")
