"""The Slack app (slack-bolt, async): the only package that imports slack-bolt/slack-sdk.

It turns Slack events into pipeline calls and results into Block Kit, and holds
no NLP. Empty until the Slack app lands (issue 6).
"""
