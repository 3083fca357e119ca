"""Helpers shared by the ``ecologis-cli`` sub-commands (not a sub-command itself)."""

from __future__ import annotations

from ecologis.cli.errors import CliError


def load_reference_data():
    """The substance dictionary and the presets.

    A broken user dictionary file is refused with a :class:`CliError` naming its path
    and the reason (the entry point prints it; exit code 2).
    """
    from ecologis.core.dictionary import DictionaryError
    from ecologis.io.reference_data import load_dictionary
    from ecologis.io.reference_data import load_presets
    from ecologis.i18n import t

    try:
        dictionary = load_dictionary()
    except DictionaryError as e:
        raise CliError(t("cli.error.file", file=str(e.path), detail=e.detail), file=str(e.path),
                       code="E_DICTIONARY") from None
    return dictionary, load_presets()


def check_preset(method: str, presets: dict) -> None:
    """Refuse a methodology preset that is not known."""
    from ecologis.i18n import t

    if method not in presets:
        raise CliError(t("cli.error.method", method=method, available=", ".join(presets)), field="preset",
                       code="E_METHOD")
