"""EcologIS desktop GUI (PySide6).  Thin: every number comes from ``ecologis.core``
through :class:`ecologis.workbench.Workbench`."""
