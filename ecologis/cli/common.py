"""Helpers shared by the ``ecologis-cli`` sub-commands (not a sub-command itself)."""

from __future__ import annotations

import sys


def load_reference_data(report=None):
    """The substance dictionary and the presets, or ``None`` after reporting why not.

    A broken user dictionary file is reported with its path and the reason — printed
    to stderr, or passed to ``report(message)`` if given (e.g. for JSON output); the
    caller then exits with code 2.
    """
    from ecologis.core.dictionary import DictionaryError
    from ecologis.io.reference_data import load_dictionary
    from ecologis.io.reference_data import load_presets
    from ecologis.i18n import t

    try:
        dictionary = load_dictionary()
    except DictionaryError as e:
        message = t("cli.error.file", file=str(e.path), detail=e.detail)
        if report is not None:
            report(message)
        else:
            print(message, file=sys.stderr)
        return None
    return dictionary, load_presets()
