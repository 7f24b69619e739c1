"""The situational heuristic from the articles, as a pure function of three answers.

- time pressure: situational deference; it may centralise (centre zone when the call is
  irreversible or high-stakes, else whoever is at hand decides locally);
- irreversible or high stakes: a consensus check by default, and a principle zone (centre when
  it is both);
- reversible and low stakes: tactical deference to whoever is closest to the information, local.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.vocabulary import Approach, Framework, Zone

STAKES = {"low": "Low: a small cost if it goes wrong", "high": "High: costly if it goes wrong"}
PRESSURE = {"no": "No, there is time to deliberate", "yes": "Yes, it must be settled fast"}


@dataclass(frozen=True)
class Suggestion:
    framework: Framework
    approach: Approach
    zone: Zone
    consensus: bool
    why: str

    def line(self) -> str:
        check = "; ask for a consensus check" if self.consensus else ""
        return (
            f"Suggested: {self.framework.value}, {self.approach.value}, {self.zone.value} zone"
            f"{check}. {self.why}"
        )


def suggest(
    reversible: bool | None, high_stakes: bool | None, time_pressure: bool | None
) -> Suggestion | None:
    """None until at least one question is answered; unanswered ones count as the mild case."""
    if reversible is None and high_stakes is None and time_pressure is None:
        return None
    risky = reversible is False or bool(high_stakes)
    if time_pressure:
        zone = Zone.CENTRE if risky else Zone.LOCAL
        why = "Time pressure: defer to whoever fits the moment; a crisis may centralise."
        return Suggestion(Framework.SITUATIONAL, Approach.TACTICAL, zone, risky, why)
    if risky:
        both = reversible is False and bool(high_stakes)
        zone = Zone.CENTRE if both else Zone.PRINCIPLE
        why = "Hard to undo or costly: check it against the principles and ask the room first."
        return Suggestion(Framework.EXPERTISE, Approach.STRATEGIC, zone, True, why)
    why = "Reversible and cheap: defer to whoever is closest to the information, and move on."
    return Suggestion(Framework.EXPERTISE, Approach.TACTICAL, Zone.LOCAL, False, why)
