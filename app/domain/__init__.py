"""The product's rules. Pure functions and services taking a Session; no Slack imports here."""
