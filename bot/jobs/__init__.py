"""Translation jobs: who runs the slow part of a Slack request, and how nothing is lost or posted twice.

A front end verifies and acks a request, then hands bolt's lazy listener to a
runner: the in-process one (one command runs everything) or the queue one
(Celery over Redis; ``mixlingo worker`` processes run it). Either way a job is
the request's raw body plus the listener's name, so a worker runs exactly the
code the single process runs. Posting is idempotent per (team, channel, ts,
target) through leased claims in the database (see ``bot/publish.py``).
"""
