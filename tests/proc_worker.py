"""A real ``mixlingo worker`` process for the scale-out tests, with the fake models instead of downloaded ones.

Everything but the models is production code: settings from the environment,
Celery over Redis, PostgreSQL, the bolt app, posting to the (fake) Slack.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from slack_harness import fake_encoder, fake_translator  # after the sys.path line above

from mixlingo.bot.jobs.worker import run_worker  # after the sys.path line above
from mixlingo.factory import translation_service  # after the sys.path line above
from mixlingo.cli.support import setup_logging  # after the sys.path line above
from mixlingo.config import load_settings  # after the sys.path line above

if __name__ == "__main__":
    setup_logging()
    settings = load_settings()
    service = translation_service(settings, translator=fake_translator(), encoder=fake_encoder())
    run_worker(settings, service=service, name=sys.argv[1] if len(sys.argv) > 1 else None,
               say=lambda line: print(line, flush=True))
