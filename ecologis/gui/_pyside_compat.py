"""Work-around for a reference-count bug seen with PySide6 6.12.0 on CPython 3.11.

Every call of a Qt method that returns nothing (``setText``, ``show``,
``processEvents``, ``setData`` …) drops one reference to ``None`` without taking it.
On CPython < 3.12 ``None`` is reference counted, so after a few thousand such calls the
interpreter aborts with "Fatal Python error: none_dealloc: deallocating None" (the
1,000-row benchmark hit it within seconds).  From CPython 3.12 ``None`` is immortal
(PEP 683) and the bug is harmless.

:func:`protect_none` detects the bug at run time (64 calls of a void method must not
lower ``sys.getrefcount(None)``) and, only when it is present, gives ``None`` a huge
reference count so that it can never reach zero, which is what 3.12 does by design.
The real fix is a PySide6 without the bug or CPython ≥ 3.12 (reported to the lead).
"""

from __future__ import annotations

import sys

_done = False


def pyside_drops_none_refs() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 64


def protect_none() -> bool:
    """Apply the work-around if needed; True when it was applied (once per process)."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    _done = True
    if not pyside_drops_none_refs():
        return False
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    return True
