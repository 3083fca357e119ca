"""EcologIS desktop GUI (PySide6).  Thin: every number comes from ``ecologis.core``
through :class:`ecologis.session.Session`."""

from ecologis.gui._pyside_compat import protect_none as _protect_none

_protect_none()
