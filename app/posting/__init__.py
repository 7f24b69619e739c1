"""What the bot posts and redraws in Slack, shared by listeners (after ack) and jobs (on time).

Slack glue with no product rules: listeners and jobs both depend on it, it depends on domain
and blocks, and never on listeners or jobs.
"""
