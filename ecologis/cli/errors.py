"""The one error path of ``ecologis-cli`` (not a sub-command).

A command that refuses its input raises :class:`CliError`; the entry point
(:func:`ecologis.cli.main`) prints it — on stderr, or as ``{"valid": false, "errors":
[...]}`` on stdout when the command was given ``--json`` and its parser sets
``json_errors=True`` (``assess``, ``site``) — and exits with its code (2).  Nothing else in the commands prints errors.

Any other exception that escapes a command is turned by the entry point into the
translated "could not read FILE" message (:func:`unexpected`), exit 2: a user never
sees a traceback.  Such an exception is a bug in a reader; the tests check that the
known kinds of bad input get their own messages, and ``ECOLOGIS_CLI_DEBUG=1`` makes the
entry point re-raise instead.
"""

from __future__ import annotations

import json
import os
import sys

from ecologis.i18n import t

DEBUG_ENV = "ECOLOGIS_CLI_DEBUG"


class CliError(Exception):
    """Refused input or a failed operation of a CLI command.

    ``message`` is the translated text shown to the user (it already names the file,
    place and field where they are known); ``file``, ``place`` (a row number, JSON path
    or feature No.) and ``field`` are the same facts for ``--json`` output; ``details``
    are further translated lines (e.g. one per invalid row); ``code`` an identifier
    for machines; ``exit_code`` is 2 unless said otherwise.
    """

    def __init__(self, message: str, *, file: str | None = None, place=None, field: str | None = None,
                 details: list[str] | tuple[str, ...] = (), code: str = "E_INPUT", exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.file = file
        self.place = place
        self.field = field
        self.details = list(details)
        self.code = code
        self.exit_code = exit_code

    @classmethod
    def from_error(cls, e, *, details: list[str] | tuple[str, ...] = (), code: str = "E_FILE", lang=None) -> "CliError":
        """From a translated error of a reader (``message(lang)``, ``file`` and, where it
        has them, ``field``/``row``)."""
        src = getattr(e, "_source", None) or e           # a TableReadError made from a ProfileError
        place = getattr(src, "row", None)
        if place is None:
            place = (getattr(src, "params", None) or {}).get("row")
        return cls(e.message(lang), file=getattr(e, "file", None), place=place,
                   field=getattr(src, "field", None), details=details, code=code)

    def lines(self) -> list[str]:
        return [self.message] + ["  " + d for d in self.details]

    def to_json(self) -> dict:
        row = self.place if isinstance(self.place, int) and not isinstance(self.place, bool) else None
        return {"code": self.code, "file": self.file, "place": self.place, "row": row, "field": self.field,
                "message": self.message, "details": self.details}


def located(file: str | None, place, field: str | None, message: str) -> str:
    """``message`` preceded by the file, the place and the field (translated)."""
    parts = []
    if file:
        parts.append(t("io.cli.loc.file", file=file))
    if place not in (None, ""):
        parts.append(t("io.cli.loc.row", row=place) if isinstance(place, int) else t("io.cli.loc.place", place=place))
    if field:
        parts.append(t("io.cli.loc.field", field=field))
    return (", ".join(parts) + ": " + message) if parts else message


def fail(key: str, *, file: str | None = None, place=None, field: str | None = None, details=(), **params):
    """Raise a :class:`CliError` with the translated ``key`` located at file/place/field."""
    raise CliError(located(file, place, field, t(key, **params)), file=file, place=place, field=field,
                   details=details)


def report(err: CliError, as_json: bool = False) -> int:
    """Print ``err`` (the entry point's one place) and return its exit code."""
    if as_json:
        print(json.dumps({"valid": False, "errors": [err.to_json()]}, ensure_ascii=False))
    else:
        for line in err.lines():
            print(line, file=sys.stderr)
    return err.exit_code


# the arguments of the commands that name input files, in the order they are named
_INPUT_ARGS = ("file", "profile", "table", "sources", "inventory", "series", "posts", "values", "site", "receptors",
               "result", "folder")


def input_files(args) -> list[str]:
    """The input files a command was given (for the generic message)."""
    out = []
    for name in _INPUT_ARGS:
        v = getattr(args, name, None)
        if isinstance(v, str) and v and v not in out:
            out.append(os.path.basename(v.rstrip("/\\")) or v)
    return out


last_unexpected: BaseException | None = None     # the last exception turned into the generic message


def unexpected(args, exc: BaseException) -> CliError:
    """The generic translated message for an exception no reader expected."""
    global last_unexpected
    last_unexpected = exc
    files = input_files(args)
    return CliError(t("io.cli.unexpected", file=", ".join(files) if files else "—"), file=files[0] if files else None,
                    code="E_UNEXPECTED")


def debug() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")
