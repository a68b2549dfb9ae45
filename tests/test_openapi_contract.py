"""The live service keeps its OpenAPI contract: schemathesis (v4) runs every check, stateful phase included.

It starts `mentorat serve` (embedded SQLite, Temporal dev server) on a fresh data directory and free ports, and
runs the `st` command line against its /openapi.json. A bounded number of examples per operation and a fixed
seed keep the run near a minute and repeatable; the report is printed (`pytest -s`, or on failure). Every check
is on: no server error, no undocumented status, no answer outside its schema, no schema-valid request refused,
no schema-invalid one accepted, no route that ignores a missing token. Schemathesis acts as the first administrator
(logged in as the README says). The only help it gets is a fresh Idempotency-Key per request and a real page
cursor in place of a made-up one (tests/support/schemathesis_hooks.py): what a key or a cursor means cannot be
written in a schema.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_serve import Service

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SCHEMATHESIS = Path(sys.executable).parent / "st"
HOOKS = "tests.support.schemathesis_hooks"
# Per operation and phase: fifty operations, so two each keep the run near a minute on this 2-core machine (the
# coverage phase still tries every documented edge of every schema).
MAX_EXAMPLES = 2
SEED = 1


def test_the_live_api_keeps_its_openapi_contract(tmp_path):
    service = Service(tmp_path / "data")
    service.start()
    try:
        run = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{service.url}/openapi.json", "--header",
             f"Authorization: Bearer {service.token}",
             "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
             "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--generation-database", "none",
             "--no-color", "--report", "junit", "--report-dir", str(tmp_path / "schemathesis")],
            # Run apart: schemathesis keeps a cache of past failures in its working directory.
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)})
    finally:
        stopped = service.interrupt()
    print(run.stdout, run.stderr)
    generated = re.search(r"(\d+) generated", run.stdout)
    assert generated and int(generated.group(1)) > 0, "schemathesis generated no test case"
    assert run.returncode == 0, f"schemathesis found failures (report above):\n{run.stdout[-3000:]}"
    assert stopped == 0
