"""Helpers shared by the ``ecologis-cli`` sub-commands (not a sub-command itself)."""

from __future__ import annotations

import sys


def load_reference_data():
    """The substance dictionary and the presets, or ``None`` after printing why not.

    A broken user dictionary file is reported with its path and the reason; the
    caller then exits with code 2.
    """
    from ecologis.core.dictionary import DictionaryError, load_dictionary
    from ecologis.core.presets import load_presets
    from ecologis.i18n import t

    try:
        dictionary = load_dictionary()
    except DictionaryError as e:
        print(t("cli.error.file", file=str(e.path), detail=e.detail), file=sys.stderr)
        return None
    return dictionary, load_presets()
