"""The issue 15 campaign's harness (campaign/) keeps telling a clean refusal from a defect.

The campaign itself is run by hand (python -m campaign.run); these few cases, on a clinic with
nothing in it, make sure its verdicts do not rot: a raw exception, a refusal that wrote, a
hostile input accepted and a damaged clinic file are defects; a refusal that wrote nothing
passes.
"""

from __future__ import annotations

import pytest

from app.services import Clinic
from app.services.errors import NotAllowed
from campaign import harness
from campaign.harness import Case, Runner
from campaign.surface import services, targets


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)             # the runner works in the case's folder
    monkeypatch.setenv("HOME", str(tmp_path))  # and gives the desk the case's home
    template = tmp_path / "template"
    template.mkdir()
    Clinic.open(template / "clinic.db").close()
    run = Runner(template, tmp_path / "work", {}, (False, False))
    (tmp_path / "work").mkdir()
    yield run
    run.close()


def _case(call, refuse=None) -> Case:
    return Case("test", "test.call", "nobody", "", lambda ctx: ((lambda: call(ctx)), set()),
                refuse)


def _add_then_refuse(ctx):
    ctx.clinic.patients.add("Written", "Anyway")
    raise NotAllowed("Refused after writing.")


def _overwrite_clinic_file(ctx):
    (ctx.folder / "clinic.db").write_bytes(b"%PDF-1.4 not a database" * 100)


def test_campaign_passes_a_refusal_that_wrote_nothing(runner):
    outcome = runner.run(_case(lambda ctx: ctx.clinic.patients.get(99999)))
    assert outcome.verdict == harness.REFUSED and not outcome.defect
    assert "99999" in outcome.detail


def test_campaign_counts_a_raw_exception_as_a_defect(runner):
    outcome = runner.run(_case(lambda ctx: len(ctx.clinic.patients.search("")) + "x"))
    assert outcome.verdict == harness.RAW and outcome.defect
    assert outcome.detail.startswith("TypeError")


def test_campaign_sees_what_a_refusal_wrote_and_a_hostile_value_accepted(runner):
    written = runner.run(_case(_add_then_refuse))
    assert written.verdict == harness.WRITTEN
    assert "patients" in written.tables and "audit_entries" in written.tables
    accepted = runner.run(_case(lambda ctx: ctx.clinic.patients.add("A", "B"), refuse=True))
    assert accepted.verdict == harness.HOSTILE and accepted.tables["patients"] == "0 -> 1 rows"


def test_campaign_sees_a_damaged_clinic_file(runner):
    outcome = runner.run(_case(_overwrite_clinic_file))
    assert outcome.verdict == harness.DAMAGED and outcome.defect


def test_campaign_tries_every_service_of_the_facade(tmp_path):
    with Clinic.open(tmp_path / "clinic.db") as clinic:
        found = {t.service for t in targets(clinic)}
        keys = {t.key for t in targets(clinic)}
        assert set(services(clinic)) <= found
    assert {"report_export", "transfer"} <= found
    assert {"billing.receive_payment", "backup.create", "transfer.migrate_to"} <= keys
