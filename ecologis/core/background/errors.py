"""Errors of the background area, with translated messages (keys ``bg.err.*``)."""

from __future__ import annotations

from ecologis.i18n import KeyedError
from ecologis.model.problems import Problem


class BackgroundError(KeyedError, ValueError):
    """Input that cannot be used; ``key``/``params`` give the translated reason."""


def series_problem(file: str, row: int | None, field: str | None, key: str, params: dict | None = None) -> Problem:
    """One rejected cell of an observation series: file, row (the file's own numbering,
    header = row 1), field and a message key; its message starts with that place."""
    return Problem(key, dict(params or {}), file=file, row=row, field=field, where="bg.err.where")


class SeriesError(BackgroundError):
    """A series that was rejected as a whole (nothing partial is returned)."""

    def __init__(self, file: str, problems: list[Problem], total: int | None = None):
        super().__init__("bg.err.series_rejected", file=file, count=total if total is not None else len(problems))
        self.file = file
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)

    def messages(self, lang: str | None = None) -> list[str]:
        return [p.message(lang) for p in self.problems]
