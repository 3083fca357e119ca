"""Connecting widgets to the Qt-free models (workbench, translator) and back out.

The workbench and the translator keep plain Python callbacks; a widget that
subscribes must unsubscribe when it is closed or destroyed, or a later change would
call into a deleted C++ object.
"""

from __future__ import annotations

from ecologis.i18n import translator


def attach(widget, workbench, on_workbench, on_language) -> None:
    """Subscribe ``on_workbench`` and ``on_language``; unsubscribe when ``widget`` dies.

    The disconnecting function is a closure over the callbacks only (not over the
    widget), so it still works when the destroyed signal fires after the Python
    wrapper is gone.
    """
    workbench.subscribe(on_workbench)
    translator.subscribe(on_language)
    widget.destroyed.connect(_detacher(workbench, on_workbench, on_language))


def detach(workbench, on_workbench, on_language) -> None:
    """Unsubscribe both callbacks (for ``closeEvent``); harmless when already done."""
    workbench.unsubscribe(on_workbench)
    translator.unsubscribe(on_language)


def _detacher(workbench, on_workbench, on_language):
    def f(*_):
        detach(workbench, on_workbench, on_language)
    return f
