"""The Slack app (slack-bolt, async): the only package that imports slack-bolt/slack-sdk.

It turns Slack events into pipeline calls and results into Block Kit, and holds
no NLP. ``mixlingo serve`` starts it (Socket Mode or HTTP), or, with no Slack
credentials at all, a local playground page (see ``server.py``). The listeners, one
folder per kind of Slack surface, are in ``listeners/``.
"""
