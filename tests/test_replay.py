"""Recorded histories of the binôme workflow replay against the current code: a non-deterministic change fails here."""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.binome import BinomeWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_recorded():
    assert len(HISTORIES) >= 4


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path):
    history = WorkflowHistory.from_json(f"binome-{path.stem}", path.read_text())
    result = await Replayer(workflows=[BinomeWorkflow]).replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
