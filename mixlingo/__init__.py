"""mixlingo: a Slack translator that understands code-switched messages."""
__version__ = "0.1.0"
