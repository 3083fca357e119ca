"""Connecting widgets to the Qt-free models (session, translator) and back out.

The session's signals (psygnal) and the translator keep plain Python callbacks; a
widget that connects must disconnect when it is closed or destroyed, or a later change
would call into a deleted C++ object.
"""

from __future__ import annotations

from ecologis.i18n import translator


def attach(widget, session, handlers: dict, on_language) -> None:
    """Connect ``handlers`` (signal name → callback, e.g. ``{"result": f}``) to the
    session's events and ``on_language`` to the translator; disconnect all when
    ``widget`` dies.

    The disconnecting function is a closure over the callbacks only (not over the
    widget), so it still works when the destroyed signal fires after the Python
    wrapper is gone.
    """
    for name, cb in handlers.items():
        getattr(session.events, name).connect(cb)
    translator.subscribe(on_language)
    widget.destroyed.connect(_detacher(session, handlers, on_language))


def detach(session, handlers: dict, on_language) -> None:
    """Disconnect everything :func:`attach` connected (for ``closeEvent``); harmless twice."""
    for name, cb in handlers.items():
        try:
            getattr(session.events, name).disconnect(cb)
        except (ValueError, RuntimeError):
            pass
    translator.unsubscribe(on_language)


def _detacher(session, handlers, on_language):
    def f(*_):
        detach(session, handlers, on_language)
    return f
