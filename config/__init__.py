"""One typed settings object for the whole app (env vars ``MIXLINGO_*`` and a TOML file)."""

from mixlingo.config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
