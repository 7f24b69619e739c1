"""Deference: a Slack bot that makes "who decides this?" explicit."""

__version__ = "0.1.0"
