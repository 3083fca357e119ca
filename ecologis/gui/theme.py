"""Light and dark themes: a QPalette (drives table text/background) plus a QSS file
from ``resources/themes/<name>.qss``."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ecologis.paths import RESOURCES_DIR

THEMES = ("light", "dark")
# text colours of problems, per theme (the same as QLabel#inlineError and QLabel[status=...]
# in the QSS files): dark red / brown on light backgrounds, light red / amber on dark ones;
# WCAG contrast ≥ 4.5:1 against the window and base colours of the theme
# (tests/gui/test_status_contrast.py)
STATUS_COLORS = {
    "light": {"error": "#c42b1c", "warning": "#8a5100"},
    "dark": {"error": "#ff99a4", "warning": "#ffc66d"},
}
_current = "light"

_COLORS = {
    "light": {
        QPalette.Window: "#f3f3f3", QPalette.WindowText: "#1b1b1b", QPalette.Base: "#ffffff",
        QPalette.AlternateBase: "#f5f7fa", QPalette.Text: "#1b1b1b", QPalette.Button: "#fbfbfb",
        QPalette.ButtonText: "#1b1b1b", QPalette.Highlight: "#0f6cbd", QPalette.HighlightedText: "#ffffff",
        QPalette.ToolTipBase: "#ffffff", QPalette.ToolTipText: "#1b1b1b", QPalette.PlaceholderText: "#6b6b6b",
        QPalette.Link: "#0f6cbd",
    },
    "dark": {
        QPalette.Window: "#202020", QPalette.WindowText: "#f0f0f0", QPalette.Base: "#1a1a1a",
        QPalette.AlternateBase: "#242a30", QPalette.Text: "#f0f0f0", QPalette.Button: "#2d2d2d",
        QPalette.ButtonText: "#f0f0f0", QPalette.Highlight: "#4aa3ff", QPalette.HighlightedText: "#000000",
        QPalette.ToolTipBase: "#2d2d2d", QPalette.ToolTipText: "#f0f0f0", QPalette.PlaceholderText: "#a0a0a0",
        QPalette.Link: "#79b8ff",
    },
}


def current_theme() -> str:
    """The theme last applied with :func:`apply_theme`."""
    return _current


def status_color(kind: str, name: str | None = None) -> QColor | None:
    """Text colour for ``kind`` ("error"/"warning") in theme ``name`` (current by
    default); ``None`` for other kinds (the palette's text colour applies)."""
    c = STATUS_COLORS.get(name or _current, STATUS_COLORS["light"]).get(kind)
    return QColor(c) if c else None


def set_status(widget, kind: str | None) -> None:
    """Colour ``widget`` (a QLabel) as a status text of ``kind`` ("error"/"warning"; None
    or "" for plain text) in the theme's colours; it follows later theme switches (the
    rule lives in the theme's style sheet, ``QLabel[status=...]``)."""
    kind = kind if kind in ("error", "warning") else ""
    if (widget.property("status") or "") == kind:
        return
    widget.setProperty("status", kind)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def palette(name: str) -> QPalette:
    pal = QPalette()
    for role, color in _COLORS[name].items():
        pal.setColor(QPalette.All, role, QColor(color))
    pal.setColor(QPalette.Disabled, QPalette.Text, QColor("#8a8a8a"))
    pal.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#8a8a8a"))
    pal.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#8a8a8a"))
    return pal


def stylesheet(name: str) -> str:
    f = RESOURCES_DIR / "themes" / f"{name}.qss"
    return f.read_text(encoding="utf-8") if f.exists() else ""


def apply_theme(name: str, app: QApplication | None = None) -> str:
    global _current
    name = name if name in THEMES else "light"
    _current = name
    app = app or QApplication.instance()
    app.setStyle("Fusion")
    app.setPalette(palette(name))
    app.setStyleSheet(stylesheet(name))
    return name
