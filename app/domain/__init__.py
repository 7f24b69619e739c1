"""The product's rules. Pure functions and services taking a Session; no Slack imports here.

Lookups are named for what they do when the row is absent: `find*` returns None, `get*` raises
NotFound, `get_or_create*` makes it.
"""
