"""`egovrank demo`: build and serve the local demo web (crawler/demo)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import click

from crawler.demo.build import DEFAULTS, build_demo
from scoring.cli.common import progress


@click.group(invoke_without_command=True)
@click.pass_context
def demo(ctx):
    """The demo web: realistic local government portals with known ground truth."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


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
def build(out, entities, pages, services, seed, quarter, port, large_page_mb):
    """Write a complete demo (registry, truth, site model, certificates) into OUT."""
    started = time.monotonic()
    truth = build_demo(
        Path(out),
        entities=entities,
        pages=pages,
        services=services,
        seed=seed,
        quarter=quarter,
        port=port,
        large_page_mb=large_page_mb,
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
