"""`egovrank compare-labels`: a crawled portal against an evaluator's labels."""

from __future__ import annotations

import json

import click

from crawler.core import store
from crawler.core.errors import InputError
from scoring.cli.common import db_option, format_option, quarter_option
from scoring.evaluator_labels import compare_labels, load_labels


@click.command("compare-labels")
@click.argument("labels_path", metavar="LABELS.json", type=click.Path(dir_okay=False))
@quarter_option()
@click.option("--entity", "entity_id", required=True, help="The entity the labels describe.")
@db_option
@format_option("text", "json", default="text")
def compare_labels_cmd(labels_path, quarter, entity_id, db_path, fmt):
    """Agreement of an entity's crawl findings with LABELS.json, and every disagreement."""
    labels = load_labels(labels_path)
    db = store.connect(db_path, create=False)
    findings = list(
        db.query(
            "select * from findings where quarter = ? and entity_id = ?", [str(quarter), entity_id]
        )
    )
    if not findings:
        raise InputError(
            f"{db_path}: no findings for {entity_id} in {quarter}; crawl it first (egovrank crawl)"
        )
    result = compare_labels(labels, findings)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(
        f"{entity_id} {quarter}: {result['agree']}/{result['labelled']} labelled criteria agree "
        f"({result['share']:.0%})"
    )
    for r in result["rows"]:
        if r["agree"]:
            continue
        click.echo(f"\n{r['criterion']}: label {r['label']}, crawl {r['found']} ({r['status']})")
        click.echo(f"  crawl:     {r['evidence_url']} {r['link_text'] or ''} [{r['decided_by']}]")
        click.echo(f"  evaluator: {r['label_evidence'][:300]}")
        if r["label_note"]:
            click.echo(f"  note:      {r['label_note'][:300]}")
