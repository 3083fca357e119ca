"""EcologIS: environmental hazard assessment of industrial enterprises.

The package is split by responsibility:

* :mod:`ecologis.core` – pure Python/numpy calculation core (no Qt).
* :mod:`ecologis.io` – reading and writing tables, profiles and files.
* :mod:`ecologis.report` – PDF reports (reportlab).
* :mod:`ecologis.sender` – transfer of results to the EcoSystem platform.
* :mod:`ecologis.gui` – the PySide6 workbench.
* :mod:`ecologis.cli` – the ``ecologis-cli`` command.
"""

__version__ = "0.1.0"
