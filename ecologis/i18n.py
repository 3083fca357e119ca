"""Translations: every user-visible string comes from ``locales/``.

``locales/<lang>.json`` holds the core and GUI strings; ``locales/<lang>.<area>.json``
holds one feature area's strings (``sender``, ``opn`` …).  All files of a language are
merged into one flat key → text mapping; a key defined twice is an error.
Ukrainian (``uk``) is the default language, English (``en``) the second.
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Callable

from ecologis.paths import LOCALES_DIR

LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"


class DuplicateKeyError(ValueError):
    """A translation key is defined in two locale files of one language."""


def locale_files(lang: str, locales_dir: Path | None = None) -> list[Path]:
    d = locales_dir or LOCALES_DIR
    main = d / f"{lang}.json"
    extra = sorted(d.glob(f"{lang}.*.json"))
    return ([main] if main.exists() else []) + extra


def load_language(lang: str, locales_dir: Path | None = None) -> dict[str, str]:
    """Merge all locale files of ``lang``; raise :class:`DuplicateKeyError` on clashes."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for f in locale_files(lang, locales_dir):
        data = json.loads(f.read_text(encoding="utf-8"))
        for k, v in data.items():
            if k in merged:
                raise DuplicateKeyError(f"{k!r} defined in {origin[k]} and {f.name}")
            merged[k] = v
            origin[k] = f.name
    return merged


class Translator:
    """Current language plus the merged strings of each language (loaded lazily)."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE):
        self._lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._cache: dict[str, dict[str, str]] = {}
        self._subscribers: list[Callable[[str], None]] = []
        self._lock = threading.Lock()

    @property
    def lang(self) -> str:
        return self._lang

    def strings(self, lang: str) -> dict[str, str]:
        with self._lock:
            if lang not in self._cache:
                self._cache[lang] = load_language(lang)
            return self._cache[lang]

    def reload(self) -> None:
        with self._lock:
            self._cache.clear()

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
        if lang == self._lang:
            return
        self._lang = lang
        for cb in list(self._subscribers):
            cb(lang)

    def subscribe(self, callback: Callable[[str], None]) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[str], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def has(self, key: str, lang: str | None = None) -> bool:
        return key in self.strings(lang or self._lang)

    def translate(self, key: str, lang: str | None = None, **kwargs) -> str:
        lang = lang or self._lang
        text = self.strings(lang).get(key)
        if text is None:
            # Fall back to the other language, then to the key itself, so a missing
            # string is visible rather than a crash; tests check key parity.
            for other in LANGUAGES:
                text = self.strings(other).get(key)
                if text is not None:
                    break
        if text is None:
            return key
        if kwargs:
            try:
                return text.format(**kwargs)
            except (KeyError, IndexError, ValueError):
                return text
        return text


translator = Translator()


def t(key: str, **kwargs) -> str:
    """Translate ``key`` into the current language, formatting ``{name}`` fields."""
    return translator.translate(key, **kwargs)


def t_lang(lang: str, key: str, **kwargs) -> str:
    """Translate ``key`` into an explicit language (reports, CLI ``--lang``)."""
    return translator.translate(key, lang=lang, **kwargs)


def translator_for(lang: str | None = None) -> Callable[..., str]:
    """A ``tr(key, **kwargs)`` function for ``lang`` (``None``: the current language)."""
    if lang:
        return lambda key, **kwargs: translator.translate(key, lang=lang, **kwargs)
    return t


class TranslatedError(Exception):
    """An error whose user message is a locale key with parameters.

    ``file`` (optional) is named first through ``prefix_key``; parameters that are
    themselves translated errors (they have ``message(lang)``) are rendered in the same
    language.  Subclasses set ``prefix_key`` and may add fields.
    """

    prefix_key: str | None = None

    def __init__(self, file: str | None, key: str, **params):
        super().__init__(f"{file + ': ' if file else ''}{key} {params}")
        self.file = file
        self.key = key
        self.params = params

    def message_params(self, tr, lang: str | None) -> dict:
        def render(v):
            if callable(getattr(v, "render", None)):      # e.g. core.validation.Terms
                return v.render(tr)
            if callable(getattr(v, "message", None)):     # a nested translated error
                return v.message(lang)
            return v

        return {k: render(v) for k, v in self.params.items()}

    def message(self, lang: str | None = None) -> str:
        tr = translator_for(lang)
        text = tr(self.key, **self.message_params(tr, lang))
        if self.file and self.prefix_key:
            return tr(self.prefix_key, file=self.file) + " " + text
        return text


def apply_language_option(argv: list[str]) -> None:
    """Switch to the language named by ``--lang X`` / ``--lang=X`` in a command line.

    Command-line programs call this before building their parsers, so that the help
    texts are already in that language.
    """
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            translator.set_language(argv[i + 1])
        elif a.startswith("--lang=") and a.split("=", 1)[1] in LANGUAGES:
            translator.set_language(a.split("=", 1)[1])


class KeyedError(TranslatedError):
    """A :class:`TranslatedError` about no particular file: ``KeyedError(key, **params)``.

    Every keyword, ``file`` included, is a parameter of the message.
    """

    def __init__(self, key: str, **params):
        TranslatedError.__init__(self, None, key)
        self.params = params
        self.args = (f"{key} {params}",)


def format_significant(x, digits: int = 4) -> str:
    """A number for display with ``digits`` significant digits; "—" for missing or NaN.

    Display only: stored values are never rounded.  Non-numbers are shown as text.
    """
    if x is None:
        return "—"
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    return "—" if xf != xf else f"{xf:.{digits}g}"


def _display_float(x):
    """``float(x)`` for a finite number, None for missing/NaN/infinite, the text otherwise."""
    if x is None:
        return None
    if isinstance(x, bool):
        return str(x)
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    return v if math.isfinite(v) else None


def _localize_number(s: str, lang: str | None) -> str:
    """``s`` written with "," thousands and "." decimals, in the language's convention
    (Ukrainian: narrow no-break space groups and a decimal comma)."""
    if (lang or translator.lang) == "uk":
        return s.replace(",", "\u202f").replace(".", ",")
    return s


def format_fixed(x, digits: int = 3, lang: str | None = None) -> str:
    """A number for display with ``digits`` decimals and grouped thousands in ``lang``
    (default: the current language): uk "1\u202f386,187", en "1,386.187".

    "—" for missing, NaN or infinite; non-numbers are shown as text.  Display only.
    """
    v = _display_float(x)
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    return _localize_number(f"{v:,.{digits}f}", lang)


def format_significant_lang(x, digits: int = 6, lang: str | None = None) -> str:
    """A number for display with ``digits`` significant digits in ``lang`` (default: the
    current language; Ukrainian uses a decimal comma), no grouping: uk "0,0425", en "0.0425".

    "—" for missing, NaN or infinite; non-numbers are shown as text.  Display only.
    """
    v = _display_float(x)
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    s = f"{v:.{digits}g}"
    return s.replace(".", ",") if (lang or translator.lang) == "uk" else s


# argparse's own messages (help headings, usage errors) are gettext strings; these keys
# give them in the current language so the command-line help is not half English.
_ARGPARSE_KEYS = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "expected one argument": "argparse.expected_one",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "one of the arguments %s is required": "argparse.one_required",
    "not allowed with argument %s": "argparse.not_allowed",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
}


def localize_argparse() -> None:
    """Route argparse's built-in messages through the locales (idempotent)."""
    import argparse

    if getattr(argparse, "_ecologis_localized", False):
        return

    def gettext(message: str) -> str:
        key = _ARGPARSE_KEYS.get(message)
        if key is None:
            return message
        text = translator.strings(translator.lang).get(key)
        return message if text is None else text

    argparse._ = gettext
    argparse._ecologis_localized = True
