"""The form seal on its own: what it accepts and everything it refuses, without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.views import View

from app.listeners.forms import ForgedForm, FormSeal, Origin, derive_key
from app.listeners.payloads import ViewSubmission

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
SEAL = FormSeal(derive_key("signing-secret"))
HERE = Origin("T1", "U1", "C1")


def opened(metadata: dict, origin: Origin = HERE, seal: FormSeal = SEAL, form="f") -> str:
    view = View(type="modal", callback_id=form, private_metadata=json.dumps(metadata))
    return seal.seal(view, origin, NOW).private_metadata


def submitted(
    private_metadata: str, *, team="T1", user="U1", form="f", workspace: str | None = None
) -> ViewSubmission:
    """A submission as the middleware hands it on: `team_id` is the workspace resolved from
    Bolt's context (inject.py), by default the payload's own team."""
    parsed = ViewSubmission.model_validate(
        {
            "team": {"id": team},
            "user": {"id": user, "team_id": team},
            "view": {"id": "V1", "callback_id": form, "private_metadata": private_metadata},
        }
    )
    return parsed.model_copy(update={"team_id": workspace or team})


def test_a_sealed_form_comes_back_with_its_metadata_and_where_it_was_opened():
    back = SEAL.unseal(submitted(opened({"channel": "C1", "decision_id": 7})), NOW)
    assert back.metadata() == {"channel": "C1", "decision_id": 7}
    assert back.opened_in == "C1"


def test_the_opener_is_not_named_in_the_metadata():
    assert "U1" not in opened({"decision_id": 7})


@pytest.mark.parametrize(
    "tamper",
    [
        lambda m: m | {"channel": "C2"},
        lambda m: m | {"decision_id": 8},
        lambda m: {k: v for k, v in m.items() if k != "_seal"},
        lambda m: m | {"_seal": m["_seal"] | {"channel": "C2"}},
        lambda m: m | {"_seal": m["_seal"] | {"exp": m["_seal"]["exp"] + 10**6}},
        lambda m: m | {"_seal": "x"},
    ],
)
def test_any_change_is_refused(tamper):
    metadata = json.loads(opened({"channel": "C1", "decision_id": 7}))
    with pytest.raises(ForgedForm):
        SEAL.unseal(submitted(json.dumps(tamper(metadata))), NOW)


def test_another_team_another_form_another_key_and_expiry_are_refused():
    sealed = opened({"decision_id": 7})
    for forged, now in [
        (submitted(sealed, team="T2"), NOW),
        (submitted(sealed, form="g"), NOW),
        (submitted(opened({"decision_id": 7}, seal=FormSeal(derive_key("other")))), NOW),
        (submitted(sealed), NOW + timedelta(days=2)),
    ]:
        with pytest.raises(ForgedForm):
            SEAL.unseal(forged, now)


def test_someone_else_may_not_submit_a_form_that_names_a_place():
    with pytest.raises(ForgedForm):
        SEAL.unseal(submitted(opened({"channel": "C1"}), user="U2"), NOW)
    # A form naming only an object vouches for no channel: the submitter's own rights decide.
    back = SEAL.unseal(submitted(opened({"decision_id": 7}), user="U2"), NOW)
    assert (back.metadata(), back.opened_in) == ({"decision_id": 7}, None)


def test_the_response_url_is_outside_the_seal_and_checked_on_its_own():
    metadata = json.loads(opened({"channel": "C1", "response_url": "https://hooks.slack.com/a"}))
    metadata["response_url"] = "https://hooks.slack.com/b"
    back = SEAL.unseal(submitted(json.dumps(metadata)), NOW)
    assert back.metadata()["response_url"] == "https://hooks.slack.com/b"


def test_a_slack_connect_submission_unseals_under_the_installing_workspace():
    """A member of another organisation submits with their own `team.id`; the seal binds to the
    workspace the middleware resolves (view.app_installed_team_id), the one it was opened in."""
    sealed = opened({"channel": "C1", "decision_id": 7})
    back = SEAL.unseal(submitted(sealed, team="TOTHER", workspace="T1"), NOW)
    assert back.metadata() == {"channel": "C1", "decision_id": 7}
    assert back.opened_in == "C1"


def test_a_form_resolved_to_another_workspace_is_refused_whatever_its_team_says():
    sealed = opened({"channel": "C1", "decision_id": 7})
    with pytest.raises(ForgedForm, match="another workspace"):
        SEAL.unseal(submitted(sealed, team="T1", workspace="T2"), NOW)
