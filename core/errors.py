"""Errors a user can act on. Each message says what was wrong and how to fix it."""

ERROR_WIDTH = 200
"""The most characters an ``error:`` line may have: a message says what is wrong and the next step; a list
(models, languages) goes in ``detail``, which ``--verbose`` shows."""


class MixlingoError(Exception):
    """Base class: the CLI prints these as one clear line, never a traceback.

    ``str(error)`` is the short line a person acts on; ``detail`` is the longer story behind it (a list of
    models or languages, the cache directory, the loader's own message), shown with ``--verbose``."""

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class InputError(MixlingoError, ValueError):
    """The text or options given cannot be processed as they are."""


class ConfigError(MixlingoError):
    """A setting has a value that is not allowed."""


class ModelUnavailableError(MixlingoError):
    """A configured model is neither cached nor downloadable (``detail``: what went wrong underneath)."""


class ModelNotDownloadedError(ModelUnavailableError):
    """A hub model is not in the cache and downloads are off: `mixlingo models pull` fixes it."""
