"""One status taxonomy: every status column points at a vocabulary, and writers keep to it."""

import pytest

from crawler.core import status, store
from crawler.detect.sections import SHELLS


def test_every_status_column_declares_its_vocabulary():
    declared = {
        (t.name, c.name)
        for s in store._load_sets().values()
        for t in s.tables
        for c in t.columns
        if c.values is not None
    }
    named = {
        (t.name, c.name)
        for s in store._load_sets().values()
        for t in s.tables
        for c in t.columns
        if c.name in ("status", "state", "fetch_status")
    }
    assert named <= declared, named - declared
    assert {
        v
        for s in store._load_sets().values()
        for t in s.tables
        for c in t.columns
        if (v := c.values)
    } == set(status.VOCABULARIES)


def test_the_detectors_shells_and_the_fetch_failures_are_finding_statuses():
    assert set(SHELLS) <= set(status.values(status.FindingStatus))
    assert set(status.FAILURES) <= set(status.values(status.FindingStatus))
    assert set(status.values(status.FetchStatus)) == {"ok", *status.FAILURES}


def test_a_run_cannot_end_with_a_status_outside_the_taxonomy(tmp_path):
    db = store.connect(tmp_path / "a.db")
    run = store.start_run(db, "2026Q4", "crawl")
    with pytest.raises(ValueError, match="not a RunStatus"):
        store.finish_run(db, run, "finished")
    assert db["runs"].get(run)["status"] == "running"
    store.finish_run(db, run, status.RunStatus.DONE)
    assert db["runs"].get(run)["status"] == "done"
