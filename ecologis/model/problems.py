"""One type for every finding about the user's input: :class:`Problem`.

A problem is a translation key with parameters, where it was found (file, row, field) and
how serious it is (``error`` blocks, ``warning`` and ``info`` inform).  It is translated only
when shown (:meth:`Problem.message`), so a language switch needs no re-validation.

The validation journal (``val.*`` keys) also gives every problem a stable ``code`` (used by
tests, the GUI and the CLI JSON).  Areas whose messages start with the place of the problem
(the background series: "bad.csv, рядок 5, поле речовина: …") name the translation key of
that prefix in ``where``; it is formatted with ``file``, ``row`` and the field's label
(``<area>.field.<field>``, the area being the first part of ``where``).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field as dc_field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Problem:
    key: str                                   # translation key of the message
    params: dict = dc_field(default_factory=dict, hash=False)
    file: str | None = None                    # the file (its name as the user knows it)
    row: int | None = None                     # 1-based row (the file's own numbering), None: the whole input
    field: str | None = None                   # the field (column) concerned
    severity: str = ERROR
    code: str | None = None                    # stable code of the validation journal ("E_MASS_NEGATIVE")
    where: str | None = None                   # translation key of a location prefix of the message

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def _params(self, tr, lang: str | None) -> dict[str, Any]:
        def render(v):
            if callable(getattr(v, "render", None)):      # e.g. core.validation.Terms
                return v.render(tr)
            if callable(getattr(v, "message", None)):     # a nested problem or translated error
                return v.message(lang)
            return v

        return {k: render(v) for k, v in self.params.items()}

    def message(self, lang: str | None = None) -> str:
        """The translated message.  ``file``, ``row`` ("-" when none) and ``field`` are offered
        to the text as parameters too, so a text may name them itself."""
        from ecologis.i18n import translator_for

        tr = translator_for(lang)
        kw = {"file": self.file or "", "row": self.row if self.row is not None else "-", "field": self.field or ""}
        kw.update(self._params(tr, lang))
        text = tr(self.key, **kw)
        if self.where:
            area = self.where.split(".", 1)[0]
            label = tr(f"{area}.field.{self.field}") if self.field else "—"
            where = tr(self.where, file=self.file or "", row=self.row if self.row is not None else "—", field=label)
            return where + " " + text
        return text

    def located_message(self, lang: str | None = None) -> str:
        """The message prefixed with file, row and field ("roshen.csv, рядок 3, маса: …"), for
        messages that do not name their place themselves (the validation journal)."""
        if self.where:
            return self.message(lang)
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
            "code": self.code or self.key,
            "key": self.key,
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "params": json_safe(self.params),
            "message": self.message(lang),
        }


def json_safe(x):
    """JSON-safe copy: NaN/inf -> None, numpy scalars -> Python, dates -> ISO text."""
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        try:
            x = x.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, (_dt.date, _dt.datetime)):
        return x.isoformat()
    if callable(getattr(x, "message", None)):
        return x.message()
    if x is None or isinstance(x, (str, int, float, bool)):
        return x
    return str(x)
