"""The one exception hierarchy of gsekg; the CLI maps each class to an exit code."""

from __future__ import annotations

from collections.abc import Sequence


class GsekgError(Exception):
    """Base class: a problem with a message fit to show a user."""

    exit_code = 1


class InputError(GsekgError):
    """Bad input: malformed SPARQL or RDF, a missing or unreadable file, a bad parameter."""

    exit_code = 1


class NotFoundError(GsekgError):
    """An unknown entity, saved query or other name, with the nearest known names."""

    exit_code = 5

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = list(suggestions)
        if self.suggestions:
            message = f"{message} (did you mean: {', '.join(self.suggestions)}?)"
        super().__init__(message)


class ValidationError(GsekgError):
    """The data does not conform to the shapes or integrity checks."""

    exit_code = 3


class EngineError(GsekgError):
    """The engine or a remote endpoint failed."""

    exit_code = 4


class QueryTimeoutError(EngineError):
    """A query ran longer than its time limit and was stopped."""


class ForbiddenQueryError(InputError):
    """An update, LOAD or SERVICE that was not explicitly allowed."""


class UsageError(GsekgError):
    """Options that do not fit together, or a missing confirmation (a usage error)."""

    exit_code = 2
