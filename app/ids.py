"""Every action_id, block_id and callback_id the bot sends or listens for, in one place.

These strings travel to Slack and back; renaming one breaks buttons on cards already posted.
"""

DECIDE_COMMAND = "/decide"

# Buttons on the decision card
RECORD_RESOLUTION = "decision.record_resolution"
RUN_POLL = "decision.run_poll"
ESCALATE = "decision.escalate"
DEESCALATE = "decision.return_to_local"
CONSENSUS_CHECK = "decision.consensus_check"
# The life of a decision after it is declared: buttons on decided or cancelled cards, and the
# card's (or Home row's) overflow menu, whose option values are "<verb>:<decision id>" with a
# verb of LIFECYCLE_VERBS. Each verb opens its form (callback_id LIFECYCLE_VIEW + verb).
REOPEN = "decision.reopen"
SUPERSEDE = "decision.supersede"
HAND_ON = "decision.hand_on"  # the deadline nudge's "Hand it on" (opens the handoff form)
LIFECYCLE_MENU = "decision.more"
LIFECYCLE_VERBS = ("edit", "handoff", "cancel", "reopen", "supersede")
EDIT_VIEW = "decision.edit"
HANDOFF_VIEW = "decision.handoff"
CANCEL_VIEW = "decision.cancel"
REOPEN_VIEW = "decision.reopen_why"
SUPERSEDE_VIEW = "decision.supersede_with"
NEW_DECIDER = "new_decider"

# The consensus check message in a decision's thread (button value: the check's id)
CONSENSUS_AGREE = "consensus.agree"
CONSENSUS_OBJECT = "consensus.object"
CONSENSUS_WITHDRAW = "consensus.withdraw"  # the objector takes their objection back
CONSENSUS_OBJECT_VIEW = "consensus.object_why"  # the objection's reason

# Charter, values, steward and anonymous reports (modals' callback_ids and their buttons)
CHARTER_EDIT = "charter.edit"
CHARTER_VIEW = "charter.save"
VALUES_EDIT = "values.edit"
VALUES_VIEW = "values.save"
ESCALATE_VIEW = "decision.escalate_why"
FEEDBACK_VIEW = "feedback.report"
REASON = "reason"
FEEDBACK_KIND = "feedback_kind"
FEEDBACK_TEXT = "feedback_text"
FEEDBACK_DECISION = "feedback_decision"
CHARTER_CONTACT = "charter.contact"
CHARTER_LEADS = "charter.formal_leads"
CHARTER_EDITORS = "charter.editors"
CHARTER_EDITOR_IDS = "charter.editor_ids"
DOMAIN_FIELD = "domain.{i}.{field}"  # name | person | rotation | zone | contact
VALUE_FIELD = "value.{i}.{field}"  # name | principles

# The expertise poll message: rating buttons POLL_RATE + "1".."5" (action_ids must be unique in
# a message), the "I'd defer to" picker, closing early, and adopting the result.
POLL_RATE = "poll.rate."
POLL_RATE_PATTERN = r"^poll\.rate\.[1-5]$"
POLL_NOMINATE = "poll.nominate"
POLL_CLOSE = "poll.close"
POLL_ADOPT = "poll.make_decider"

# Modals (callback_id)
DECLARE_VIEW = "decision.declare"
RESOLVE_VIEW = "decision.resolve"
POLL_VIEW = "poll.start"

# Message shortcuts (callback_id, also in manifest.yml)
DECIDE_ON_MESSAGE = "decide_on_message"
POLL_ON_MESSAGE = "poll_on_message"

# Input blocks of the declaration modal: block_id -> its element's action_id is always VALUE
VALUE = "value"
TITLE = "title"
DECIDER = "decider"
FRAMEWORK = "framework"
APPROACH = "approach"
ZONE = "zone"
REVERSIBLE = "reversible"
DEADLINE = "deadline"
TIEBREAKER = "tiebreaker"
CONTEXT = "context"
DOMAIN = "domain"
PRINCIPLE = "principle"
STAKES = "stakes"
TIME_PRESSURE = "time_pressure"

# Input blocks of the resolution modal
RESOLUTION = "resolution"
RATIONALE = "rationale"
# ...and the forecast its recorder may state (block ids match the domain's error keys)
FORECAST = "forecast"
FORECAST_CONFIDENCE = "forecast_confidence"
FORECAST_SHARE = "forecast_share"
SHARE_FORECAST = "decision.share_forecast"  # button: show my private forecast on the card

# Input blocks of the poll options modal
TOPIC = "topic"
ANONYMOUS = "anonymous"
CLOSES = "closes"
MIN_RESPONSES = "min_responses"

# The stand-up deference check: claim a decision with no decider, or hand it to someone
# (users_select in block "checkin.assign.<decision id>").
CHECKIN_CLAIM = "checkin.claim"
CHECKIN_ASSIGN = "checkin.assign"
CHECKIN_ASSIGN_BLOCK = "checkin.assign."

# Outcome review DM: OUTCOME_PICK + worked|mixed|did_not_work|too_early, then the note modal
OUTCOME_PICK = "outcome."
OUTCOME_PICK_PATTERN = r"^outcome\.(worked|mixed|did_not_work|too_early)$"
OUTCOME_VIEW = "outcome.note"
OUTCOME_NOTE = "outcome_note"

# Retrospective: the anonymous answers modal (one input block per question key)
RETRO_ANSWER = "retro.answer"
RETRO_VIEW = "retro.answers"

# Deadline nudge
APPLY_TIEBREAKER = "deadline.apply_tiebreaker"

# Workflow Builder custom steps (callback_ids of manifest.yml's `functions`)
FIND_WHO_DECIDES_STEP = "find_who_decides"
OPEN_DECISION_STEP = "open_decision"
RECORD_OUTCOME_STEP = "record_outcome"

# The similar-decision notice shown before declaring (app/blocks/similar.py): open an earlier
# decision's card (a link; suffixed with the decision's id), supersede it, or declare anyway.
# Button values are sealed (app/listeners/forms.py). In the form, a choice input instead.
SIMILAR_OPEN = "similar.open"
SIMILAR_OPEN_PATTERN = r"^similar\.open\.\d+$"
SIMILAR_SUPERSEDE = "similar.supersede"
SIMILAR_SUPERSEDE_PATTERN = r"^similar\.supersede\.\d+$"
SIMILAR_DECLARE_ANYWAY = "similar.declare_anyway"
SIMILAR_CHOICE = "similar_choice"
SIMILAR_AS_NEW = "new"
SIMILAR_SUPERSEDES = "supersede:"
