"""The validation journal: errors block the calculation of their row, warnings inform.

Each entry has a stable ``code`` (used by tests, the GUI and the CLI JSON), the 1-based
``row`` it concerns (``None`` for the whole table), the ``field``, and a message key
translated in ``locales/*.json`` (``val.<code>``) with its parameters.
"""

from __future__ import annotations

from ecologis.model.problems import ERROR, INFO, WARNING, Problem


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


def issue(code: str, row: int | None = None, field: str | None = None, file: str | None = None, **params) -> Problem:
    """A journal entry: the :class:`~ecologis.model.problems.Problem` of ``code`` (its key is
    ``val.<code>``, its severity from :data:`CODES`)."""
    if code not in CODES:
        raise KeyError(code)
    return Problem("val." + code, params, file=file, row=row, field=field, severity=CODES[code], code=code)


class Journal(list):
    """A list of journal :class:`~ecologis.model.problems.Problem` entries with helpers."""

    def add(self, code: str, row: int | None = None, field: str | None = None, **params) -> Problem:
        entry = issue(code, row, field, **params)
        self.append(entry)
        return entry

    @property
    def errors(self) -> list[Problem]:
        return [i for i in self if i.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [i for i in self if not i.is_error]

    def with_file(self, file: str) -> "Journal":
        """A copy whose entries name ``file`` (for messages about an input file)."""
        from dataclasses import replace

        return Journal(replace(i, file=file) for i in self)

    def codes(self) -> list[str]:
        return [i.code for i in self]
