"""The process environment Qt and QtWebEngine need, prepared before Qt is imported.

Qt-free on purpose: it only reads and sets environment variables, so the launch path can
decide (and tests can check) what Chromium and the platform plugin will be given.

- Chromium's sandbox cannot run as root: QtWebEngine then refuses to start ("Running as
  root without --no-sandbox is not supported"). As root we add ``--no-sandbox`` to
  ``QTWEBENGINE_CHROMIUM_FLAGS`` (keeping the user's own flags) and say why once; a normal
  user keeps the sandbox.
- Without any display Qt aborts with its raw platform-plugin error. A screenshot run
  works offscreen; an interactive run gets a translated message naming the ways out.
"""

from __future__ import annotations

import os
import sys

NO_SANDBOX = "--no-sandbox"


class NoDisplayError(RuntimeError):
    """No X11/Wayland display and no Qt platform chosen for an interactive run."""


def is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return bool(geteuid is not None and geteuid() == 0)


def chromium_flags_for(flags: str, root: bool) -> str:
    """``flags`` with ``--no-sandbox`` added when running as root (never removed, never doubled)."""
    parts = flags.split()
    if root and NO_SANDBOX not in parts:
        parts.append(NO_SANDBOX)
    return " ".join(parts)


def has_display(environ=None) -> bool:
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return True  # Windows and macOS always have their native platform
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def prepare_qt_environment(offscreen_ok: bool, log=None) -> None:
    """Set the variables Qt reads at start-up; call before the first PySide6 import.

    ``offscreen_ok``: the run needs no window on a screen (``--screenshot``), so the
    offscreen platform is used when there is no display. Raises :class:`NoDisplayError`
    for an interactive run without a display. ``log`` receives the one-line notes.
    """
    if not has_display():
        if not offscreen_ok:
            raise NoDisplayError()
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if is_root():
        old = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        new = chromium_flags_for(old, True)
        if new != old:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = new
            if log is not None:
                from ecologis.i18n import t

                log(t("gui.launch.no_sandbox"))
