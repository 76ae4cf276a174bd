"""Errors a user can act on. Each message says what was wrong and how to fix it."""


class MixlingoError(Exception):
    """Base class: the CLI prints these as one clear line, never a traceback."""


class InputError(MixlingoError, ValueError):
    """The text or options given cannot be processed as they are."""


class ConfigError(MixlingoError):
    """A setting has a value that is not allowed."""


class ModelUnavailableError(MixlingoError):
    """A configured model is neither cached nor downloadable.

    ``str(error)`` is the short line a person acts on; ``detail`` is what went wrong
    underneath (the cache directory, the loader's own message), shown with ``--verbose``."""

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class ModelNotDownloadedError(ModelUnavailableError):
    """A hub model is not in the cache and downloads are off: `mixlingo models pull` fixes it."""
