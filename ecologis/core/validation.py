"""The validation journal: errors block the calculation of their row, warnings inform.

Each entry has a stable ``code`` (used by tests, the GUI and the CLI JSON), the 1-based
``row`` it concerns (``None`` for the whole table), the ``field``, and a message key
translated in ``locales/*.json`` (``val.<code>``) with its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field

ERROR, WARNING, INFO = "error", "warning", "info"


class Terms(tuple):
    """Identifiers in a message parameter, shown translated as ``prefix + id``
    (e.g. ``Terms("field.", ["gdk_sd"])`` → "ГДК с.д."), joined by commas."""

    def __new__(cls, prefix: str, ids):
        obj = super().__new__(cls, ids)
        obj.prefix = prefix
        return obj

    def render(self, tr) -> str:
        return ", ".join(tr(self.prefix + i) for i in self)

# code -> severity.  The message key is "val." + code.
CODES = {
    "E_SUBSTANCE_MISSING": ERROR,
    "E_SUBSTANCE_UNKNOWN": ERROR,
    "E_MASS_MISSING": ERROR,
    "E_MASS_NOT_NUMBER": ERROR,
    "E_MASS_NAN": ERROR,
    "E_MASS_INFINITE": ERROR,
    "E_MASS_NEGATIVE": ERROR,
    "E_MASS_ZERO": ERROR,
    "W_MASS_DECIMAL_COMMA": WARNING,
    "E_UNIT_UNKNOWN": ERROR,
    "E_UNIT_AMBIGUOUS": ERROR,
    "E_HOURS_INVALID": ERROR,
    "E_CLASS_RANGE": ERROR,
    "E_GDK_NOT_NUMBER": ERROR,
    "W_GDK_NONPOSITIVE": WARNING,
    "W_GDK_NONPOSITIVE_EXCLUDED": WARNING,
    "W_SUBSTANCE_FROM_ROW": WARNING,
    "W_GDK_MISSING": WARNING,
    "I_GDK_FALLBACK": INFO,
    "I_ROW_VALUES": INFO,
    "W_CLASS_ASSUMED": WARNING,
    "W_CLASS_MISSING": WARNING,
    "W_DUPLICATE_SUMMED": WARNING,
    "W_DUPLICATE_KEPT": WARNING,
    "W_NO_ROWS": WARNING,
}


@dataclass(frozen=True)
class Issue:
    code: str
    row: int | None = None
    field: str | None = None
    params: dict = dc_field(default_factory=dict, hash=False, compare=False)
    file: str | None = None

    @property
    def severity(self) -> str:
        return CODES[self.code]

    @property
    def is_error(self) -> bool:
        return CODES[self.code] == ERROR

    @property
    def key(self) -> str:
        return "val." + self.code

    def message(self, lang: str | None = None) -> str:
        from ecologis.i18n import translator_for

        tr = translator_for(lang)
        params = {k: (v.render(tr) if isinstance(v, Terms) else v) for k, v in self.params.items()}
        return tr(self.key, **params)

    def located_message(self, lang: str | None = None) -> str:
        """The message prefixed with file, row and field ("roshen.csv, рядок 3, маса: …")."""
        from ecologis.i18n import translator_for

        tr = translator_for(lang)
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(tr("val.loc.row", row=self.row))
        if self.field:
            parts.append(tr("val.loc.field", field=tr("field." + self.field)))
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message(lang)}" if prefix else self.message(lang)

    def to_json(self, lang: str | None = None) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "row": self.row,
            "field": self.field,
            "file": self.file,
            "message": self.message(lang),
        }


class Journal(list):
    """A list of :class:`Issue` with helpers."""

    def add(self, code: str, row: int | None = None, field: str | None = None, **params) -> Issue:
        if code not in CODES:
            raise KeyError(code)
        issue = Issue(code, row, field, params)
        self.append(issue)
        return issue

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self if not i.is_error]

    def with_file(self, file: str) -> "Journal":
        """A copy whose entries name ``file`` (for messages about an input file)."""
        from dataclasses import replace

        return Journal(replace(i, file=file) for i in self)

    def codes(self) -> list[str]:
        return [i.code for i in self]
