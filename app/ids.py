"""Every action_id, block_id and callback_id the bot sends or listens for, in one place.

These strings travel to Slack and back; renaming one breaks buttons on cards already posted.
"""

DECIDE_COMMAND = "/decide"

# Buttons on the decision card
RECORD_RESOLUTION = "decision.record_resolution"

# Modals (callback_id)
DECLARE_VIEW = "decision.declare"
RESOLVE_VIEW = "decision.resolve"

# Message shortcuts (callback_id, also in manifest.yml)
DECIDE_ON_MESSAGE = "decide_on_message"

# Input blocks of the declaration modal: block_id -> its element's action_id is always VALUE
VALUE = "value"
TITLE = "title"
DECIDER = "decider"
FRAMEWORK = "framework"
APPROACH = "approach"
ZONE = "zone"
REVERSIBLE = "reversible"
DEADLINE = "deadline"
CONTEXT = "context"

# Input blocks of the resolution modal
RESOLUTION = "resolution"
RATIONALE = "rationale"
