"""What a `serve` worker imports: only what serving needs (issue 17, memory).

matplotlib is imported by the charts when one is drawn, Alembic by migrations (run in a child
process before the workers fork, app.cli._migrate_apart), the stand-in by tests, the console
and benchmarks. Each would add megabytes to every worker. A fresh interpreter imports what the
master imports before forking and what each worker builds, and names what it found.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
import app.cli, app.server, app.wiring, app.web
from app.wiring import build_runtime, make_wsgi_app
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in {"matplotlib", "alembic",
      "mako", "pygments"} or m.startswith(("app.standin", "app.console")))))
"""


@pytest.mark.slow  # a subprocess
def test_serving_imports_none_of_the_heavy_modules():
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == []
