"""The house's arrows, read from the code: every import of every module under app/.

Rules (ARCHITECTURE.md, issue 12): listeners parse, call the domain, render and post, so they
never touch the database or the scheduler's internals; the domain never knows about Slack; the
ground floor (vocabulary, ids) imports nothing of ours; nothing points back up the house.
Imports inside functions and under TYPE_CHECKING count like any other.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# The one module of app.jobs a listener may import: ids, schedule_*/unschedule_*, team_of().
JOBS_FRONT_DOOR = "app.jobs.front_door"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. app.listeners.poll_publish
    path: Path
    line: int
    name: str  # what it imports, fully dotted: app.jobs.schedule_poll_close


@dataclass(frozen=True)
class Rule:
    """Modules under `inside` may not import anything under `forbidden`, except `allowed`."""

    reason: str
    inside: tuple[str, ...]
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()

    def breaks(self, found: Import) -> bool:
        return (
            under(found.module, self.inside)
            and under(found.name, self.forbidden)
            and not under(found.name, self.allowed)
        )


RULES = [
    Rule(
        "listeners reach data through the domain and the scheduler through its front door",
        inside=("app.listeners",),
        forbidden=("app.db", "sqlalchemy", "app.jobs"),
        allowed=(JOBS_FRONT_DOOR,),
    ),
    Rule(
        "the domain knows nothing of Slack, Block Kit, listeners or posting",
        inside=("app.domain",),
        forbidden=("slack_bolt", "slack_sdk", "app.blocks", "app.listeners", "app.posting"),
    ),
    Rule(
        "blocks are pure builders: no listeners, posting, jobs, engine or sessions",
        inside=("app.blocks",),
        forbidden=(
            "app.listeners",
            "app.posting",
            "app.jobs",
            "app.db.engine",
            "sqlalchemy.orm.Session",
            "sqlalchemy.orm.session",
            "sqlalchemy.orm.sessionmaker",
            "sqlalchemy.orm.scoped_session",
            "sqlalchemy.engine",
            "sqlalchemy.Engine",
            "sqlalchemy.create_engine",
        ),
    ),
    Rule(
        "the ground floor (vocabulary, ids) imports nothing of the app",
        inside=("app.vocabulary", "app.ids"),
        forbidden=("app",),
    ),
    Rule(
        "the database layer points at nothing above it",
        inside=("app.db",),
        forbidden=("app.domain", "app.blocks", "app.listeners", "app.posting", "app.jobs"),
    ),
    Rule(
        "posting is called by listeners and jobs, never the other way round",
        inside=("app.posting",),
        forbidden=("app.listeners", "app.jobs"),
    ),
]


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, path: Path, is_package: bool = False) -> list[Import]:
    """Every import statement anywhere in `source`, each imported name fully dotted."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if alias.name != "*" else base for alias in node.names]
        else:
            continue
        found += [Import(module, path, node.lineno, name) for name in names]
    return found


def app_imports() -> list[Import]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        module = module_name(path)
        found += imports_of(path.read_text(), module, path, path.name == "__init__.py")
    return found


def violations(rule: Rule, found: list[Import]) -> list[str]:
    return [
        f"{i.path.relative_to(ROOT)}:{i.line} imports {i.name}" for i in found if rule.breaks(i)
    ]


@pytest.fixture(scope="module")
def everything() -> list[Import]:
    return app_imports()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.inside[0])
def test_imports_point_the_allowed_way(rule: Rule, everything: list[Import]):
    broken = violations(rule, everything)
    if broken:
        pytest.fail(f"{rule.reason}:\n  " + "\n  ".join(broken), pytrace=False)


def test_every_rule_governs_modules_that_exist(everything: list[Import]):
    """A rule about a renamed room would pass for ever; each must see some imports."""
    modules = {i.module for i in everything}
    for rule in RULES:
        assert any(under(m, rule.inside) for m in modules), rule.inside


def test_the_reader_sees_nested_relative_and_aliased_imports():
    source = (
        "import sqlalchemy.orm as orm\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.db.models import Decision\n"
        "def handler():\n"
        "    from ..jobs import schedule_poll_close\n"
        "    from . import front_door\n"
        "    from .front_door import team_of\n"
    )
    found = imports_of(source, "app.listeners.polls", APP / "listeners" / "polls.py")
    assert [(i.line, i.name) for i in found] == [
        (1, "sqlalchemy.orm"),
        (2, "typing.TYPE_CHECKING"),
        (4, "app.db.models.Decision"),
        (6, "app.jobs.schedule_poll_close"),
        (7, "app.listeners.front_door"),
        (8, "app.listeners.front_door.team_of"),
    ]
    listener_rule = RULES[0]
    assert [i.line for i in found if listener_rule.breaks(i)] == [1, 4, 6]


def test_the_jobs_front_door_is_the_only_way_in():
    listener_rule = RULES[0]

    def breaks(name: str) -> bool:
        return listener_rule.breaks(Import("app.listeners.commands", APP, 1, name))

    assert not breaks(f"{JOBS_FRONT_DOOR}.schedule_channel_job")
    assert not breaks(JOBS_FRONT_DOOR)
    assert breaks("app.jobs.schedule_channel_job")
    assert breaks("app.jobs.scheduler.make_scheduler")
    assert breaks("app.jobs")
    assert not breaks("app.jobsite")  # a prefix of a name is not the package
