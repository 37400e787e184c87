"""SIGKILL in the middle of work never leaves a half-written action (R29, issue 7).

The full run (`python tools/crash_torture.py --kills 200`) is done by hand; this keeps a
short one in every test run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "crash_torture.py"


def test_r29_killed_mid_work_the_file_stays_sound_and_balanced(tmp_path):
    spec = importlib.util.spec_from_file_location("crash_torture", TOOL)
    torture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(torture)
    assert torture.torture(tmp_path / "clinic.db", kills=8, seed=7) == []
