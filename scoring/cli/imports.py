"""`egovrank import reported`: agencies' reported indicators from an evaluator's CSV."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.campaign import refuse_if_closed
from crawler.core import store
from scoring.cli.common import db_option, entities_option, progress, quarter_option, sync_entities
from scoring.cli.score import model_option


@click.group("import")
def import_group():
    """Bring evaluator-supplied data into the database."""


@import_group.command("reported")
@click.argument("csv_path", type=click.Path(dir_okay=False))
@quarter_option()
@model_option
@entities_option
@db_option
def reported(csv_path, quarter, model_path, entities_path, db_path):
    """Import CSV_PATH (entity_id,indicator,value,source_document); all lines or none."""
    from scoring.model import load_model
    from scoring.reported import import_reported

    model = load_model(model_path)
    db = store.connect(db_path, create=bool(entities_path))
    refuse_if_closed(db, str(quarter), "import")  # the rule every stage obeys (crawler/campaign.py)
    if entities_path:
        sync_entities(db, quarter, entities_path)
    n = import_reported(db, model, str(quarter), Path(csv_path))
    progress(f"import reported {quarter}: {n} values from {csv_path}; re-run `egovrank score`")
