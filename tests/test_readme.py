"""The README's commands are the ones CI runs, and the container keeps its promises."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_container_serves_http_as_non_root_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    user = re.search(r"^USER (\S+)", dockerfile, re.M)
    assert user and user.group(1) not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, re.M)
    assert 'CMD ["deference-bot", "serve"' in dockerfile


def test_what_the_numbers_mean_states_the_minimum_samples_the_code_uses():
    from app.domain import alignment, calibration, participation

    readme = (ROOT / "README.md").read_text()
    section = readme.split("### What the numbers mean")[1].split("\n### ")[0]
    assert f"| {alignment.ALIGNMENT_MIN} such decisions |" in section
    assert f"| {calibration.CALIBRATION_MIN} reviewed forecasts for that person or domain |" in (
        section
    )
    assert (
        f"| {participation.PARTICIPATION_MIN} polls and checks and "
        f"{participation.PEOPLE_MIN} people |" in section
    )
    assert f"at least {alignment.BYPASS_MIN} decisions" in section
    assert f"at least {participation.HIDDEN_NOMINATIONS} times" in section
    for source in ("Bunderson 2003", "Greer et al. 2018", "Woolley et al. 2010", "Brier"):
        assert source in section


def test_the_command_table_lists_every_subcommand():
    from app.listeners.commands.grammar import SUBCOMMANDS

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Using it") :]
    for word in SUBCOMMANDS:
        assert f"`/decide {word}" in table, word
    for button in ("Consensus check", "Escalate", "Record resolution", "Answer anonymously"):
        assert f"**{button}**" in table, button
    assert "../" not in readme  # nothing outside the repository
