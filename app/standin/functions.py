"""Workflow Builder custom steps as Slack runs them: `function_executed` events and the
`functions.completeSuccess` / `functions.completeError` methods that end them.

Slack's rules modelled here (docs.slack.dev: the function_executed event, functions.complete*):
- each run has a `function_execution_id` and a `bot_access_token` (`xwfp-…`) that works, with
  the app's bot scopes, only while the run is in progress;
- inputs arrive already checked against the function's `input_parameters` in the manifest
  (required ones present, values of their type), so `start_function` refuses a test that asks
  for anything Slack would never send;
- a run is completed once: a second completion is `execution_not_in_running_state`, an unknown
  id `function_execution_not_found`, outputs that do not fit `output_parameters`
  `parameter_validation_failed`. No scope is needed for either method.
"""

from __future__ import annotations

import copy
import re
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from app.standin.state import APP_ID, StandInState

Json = dict[str, Any]
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
_PATTERNS = {
    "slack#/types/user_id": re.compile(r"^[UW][A-Z0-9]{2,30}$"),
    "slack#/types/channel_id": re.compile(r"^[CGD][A-Z0-9]{2,30}$"),
}


@cache
def manifest_functions(path: Path = MANIFEST) -> dict[str, Json]:
    """manifest.yml's `functions`: callback_id -> title, inputs and outputs."""
    import yaml

    return dict(yaml.safe_load(path.read_text()).get("functions") or {})


def value_problem(kind: str, value: Any) -> str | None:
    """Why `value` is not of the parameter type `kind`, or None when it is."""
    if kind == "string":
        ok = isinstance(value, str)
    elif kind in ("integer", "slack#/types/timestamp"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind in _PATTERNS:
        ok = isinstance(value, str) and bool(_PATTERNS[kind].match(value))
    elif kind == "slack#/types/user_context":
        ok = (
            isinstance(value, dict)
            and bool(_PATTERNS["slack#/types/user_id"].match(str(value.get("id"))))
            and isinstance(value.get("secret"), str)
        )
    else:
        ok = True  # types the app does not declare are not checked here
    return None if ok else f"{value!r} is not a {kind}"


def parameter_problems(declared: Json, given: Json) -> list[str]:
    problems = [f"unknown parameter {name!r}" for name in given if name not in declared]
    for name, spec in declared.items():
        if name not in given or given[name] is None:
            if spec.get("is_required"):
                problems.append(f"missing required parameter {name!r}")
            continue
        problem = value_problem(str(spec.get("type")), given[name])
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


class Functions(StandInState):
    """Function executions (guarded by ``self._cond``)."""

    def _init_functions(self) -> None:
        self._executions: dict[str, Json] = {}
        self._execution_tokens: dict[str, str] = {}  # xwfp- token -> execution id

    def start_function(self, callback_id: str, inputs: Json, *, user: str | None = None) -> Json:
        """A new run of the app's function `callback_id`: the `function_executed` event Slack
        sends. A `slack#/types/user_context` input may be given as a plain user id."""
        declared = manifest_functions().get(callback_id)
        if declared is None:
            raise ValueError(f"manifest.yml declares no function {callback_id!r}")
        params = declared.get("input_parameters") or {}
        given = {}
        for name, value in inputs.items():
            kind = (params.get(name) or {}).get("type")
            if kind == "slack#/types/user_context" and isinstance(value, str):
                value = {"id": value, "secret": secrets.token_hex(16)}
            given[name] = value
        problems = parameter_problems(params, given)
        if problems:
            raise ValueError(f"Slack would not run {callback_id} with these inputs: {problems}")
        with self._cond:
            execution_id = "Fx" + secrets.token_hex(5).upper()
            token = f"xwfp-{secrets.token_hex(12)}"
            team = self._caller()
            self._executions[execution_id] = {
                "id": execution_id,
                "callback_id": callback_id,
                "team_id": team.id,
                "token": token,
                "state": "running",
                "outputs": None,
                "error": None,
                "completions": [],
            }
            self._execution_tokens[token] = execution_id
            return {
                "type": "function_executed",
                "function": {
                    "id": "Fn" + secrets.token_hex(5).upper(),
                    "callback_id": callback_id,
                    "title": declared["title"],
                    "description": declared.get("description", ""),
                    "type": "app",
                    "input_parameters": _as_list(params),
                    "output_parameters": _as_list(declared.get("output_parameters") or {}),
                    "app_id": APP_ID,
                    "date_created": int(self.clock()),
                    "date_updated": int(self.clock()),
                    "date_deleted": 0,
                },
                "inputs": copy.deepcopy(given),
                "function_execution_id": execution_id,
                "workflow_execution_id": "Wx" + secrets.token_hex(5).upper(),
                "event_ts": f"{self.clock():.6f}",
                "bot_access_token": token,
                **({"user": user} if user else {}),
            }

    def execution_started(self, execution_id: str) -> bool:
        """Whether Slack started this run (start_function); only then is its event sent."""
        with self._cond:
            return execution_id in self._executions

    def execution(self, execution_id: str) -> Json:
        """A run: state (running, completed, failed), outputs, error and every completion
        attempt the app made (refused ones included)."""
        with self._cond:
            return copy.deepcopy(self._executions[execution_id])

    def wait_until_done(self, execution_id: str, timeout: float = 10.0) -> Json:
        with self._cond:
            if not self._cond.wait_for(
                lambda: self._executions[execution_id]["state"] != "running", timeout
            ):
                raise AssertionError(f"function execution {execution_id} never completed")
            return copy.deepcopy(self._executions[execution_id])

    def _function_token_state(self, token: str | None) -> tuple[str | None, str | None]:
        """("bot", team) while the token's run is in progress, ("expired", team) after."""
        with self._cond:
            execution = self._executions.get(self._execution_tokens.get(token or "", ""))
            if execution is None:
                return None, None
            live = execution["state"] == "running"
            return ("bot" if live else "expired"), execution["team_id"]

    def _m_functions_completeSuccess(self, p: Json) -> Json:
        execution, refusal = self._running(p)
        outputs = p.get("outputs")
        if refusal is None and not isinstance(outputs, dict):
            refusal = {"ok": False, "error": "invalid_arguments"}
        if refusal is None and execution is not None:
            declared = manifest_functions()[execution["callback_id"]]
            problems = parameter_problems(declared.get("output_parameters") or {}, outputs)
            if problems:
                refusal = {
                    "ok": False,
                    "error": "parameter_validation_failed",
                    "response_metadata": {"messages": problems},
                }
        return self._complete(execution, refusal, "completed", outputs=outputs)

    def _m_functions_completeError(self, p: Json) -> Json:
        execution, refusal = self._running(p)
        error = p.get("error")
        if refusal is None and (not isinstance(error, str) or not error.strip()):
            refusal = {"ok": False, "error": "invalid_arguments"}
        return self._complete(execution, refusal, "failed", error=error)

    def _running(self, p: Json) -> tuple[Json | None, Json | None]:
        execution = self._executions.get(str(p.get("function_execution_id") or ""))
        if execution is None or execution["team_id"] != self._caller().id:
            return None, {"ok": False, "error": "function_execution_not_found"}
        if execution["state"] != "running":
            return execution, {"ok": False, "error": "execution_not_in_running_state"}
        return execution, None

    def _complete(self, execution: Json | None, refusal: Json | None, state: str, **kw) -> Json:
        answer = refusal or {"ok": True}
        if execution is not None:
            execution["completions"].append({"state": state, **kw, "answer": answer})
            if refusal is None:
                execution["state"] = state
                execution.update(kw)
            self._cond.notify_all()
        return answer


def _as_list(params: Json) -> list[Json]:
    """Parameters as the event lists them: each with its name."""
    return [{"name": name, **spec} for name, spec in params.items()]
