"""One typed settings object for the whole app (env vars ``MIXLINGO_*`` and a TOML file), read by group."""

from mixlingo.config.groups import HttpSettings, ModelSettings, RerankerSettings, ScaleOutSettings, SlackSettings
from mixlingo.config.settings import Settings, load_settings

__all__ = ["HttpSettings", "ModelSettings", "RerankerSettings", "ScaleOutSettings", "Settings", "SlackSettings", "load_settings"]
