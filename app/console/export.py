"""The console's `export`: the real `deference-bot export` run on the console's own database.

Why through the command line: it is the contract outside tools rely on (PRODUCT.md), so the
console shows exactly what they get, from the same database the console has been filling.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORMATS = {"csv": ".csv", "json": ".json", "markdown": ".md", "html": ""}
USAGE = "usage: export [csv|json|markdown|html] [PATH]  (default: markdown, as console-export.md)"


def export(database: Path, words: list[str], beside: Path) -> tuple[bool, str]:
    """Run the export, by default into the folder ``beside`` (where the console keeps what it
    writes: the database's, or the working directory for a script's throwaway database);
    returns (worked, what to tell the person)."""
    fmt = words[0].lower() if words else "markdown"
    if fmt not in FORMATS or len(words) > 2:
        return False, USAGE
    default = beside / ("console-site" if fmt == "html" else f"console-export{FORMATS[fmt]}")
    target = Path(words[1]).expanduser() if len(words) > 1 else default
    command = [sys.executable, "-m", "app", "export", "--format", fmt]
    if fmt == "html":
        command += ["--out", str(target)]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    done = subprocess.run(  # noqa: S603 - our own CLI, arguments chosen above
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return False, f"export failed: {said}"
    if fmt != "html":
        target.write_text(done.stdout, encoding="utf-8")
    where = target.resolve()
    how = f"open {where / 'index.html'} in a browser" if fmt == "html" else f"see {where}"
    return True, f"exported the decision log as {fmt}: {how}"
