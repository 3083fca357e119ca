"""Errors of the background area, with translated messages (keys ``bg.err.*``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecologis.i18n import KeyedError


class BackgroundError(KeyedError, ValueError):
    """Input that cannot be used; ``key``/``params`` give the translated reason."""


@dataclass(frozen=True)
class SeriesIssue:
    """One rejected cell of an observation series: file, row (the file's own numbering,
    header = row 1), field and a message key."""

    file: str
    row: int | None
    field: str | None
    key: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        from ecologis.i18n import translator_for

        tr = translator_for(lang)
        where = tr("bg.err.where", file=self.file, row=self.row if self.row is not None else "—",
                   field=tr("bg.field." + self.field) if self.field else "—")
        return where + " " + tr(self.key, **self.params)

    def to_json(self, lang: str | None = None) -> dict:
        return {"file": self.file, "row": self.row, "field": self.field, "code": self.key,
                "message": self.message(lang)}


class SeriesError(BackgroundError):
    """A series that was rejected as a whole (nothing partial is returned)."""

    def __init__(self, file: str, issues: list[SeriesIssue], total: int | None = None):
        super().__init__("bg.err.series_rejected", file=file, count=total if total is not None else len(issues))
        self.file = file
        self.issues = issues
        self.total = total if total is not None else len(issues)

    def messages(self, lang: str | None = None) -> list[str]:
        return [i.message(lang) for i in self.issues]
