"""EcologIS: environmental hazard assessment of industrial enterprises.

The package is split into layers; each imports only from the layers below it (an
import-linter contract in ``pyproject.toml`` checks this):

* :mod:`ecologis.gui`, :mod:`ecologis.cli` – the desktop window and the ``ecologis-cli`` command: views and commands.
* :mod:`ecologis.session` – the open project: undo/redo, events, autosave, recent files (no Qt).
* :mod:`ecologis.report`, :mod:`ecologis.sender` – PDF/Word reports; transfer to the «ЕкоСистема» platform.
* :mod:`ecologis.plots`, :mod:`ecologis.io` – figures; reading and writing files (tables, projects, exports).
* :mod:`ecologis.pipeline` – ``assess(project) -> Assessment``, the one assessment every consumer uses.
* :mod:`ecologis.core` – formulas and rules: pure functions, each naming its source document.
* :mod:`ecologis.model` – the project model: typed, no Qt, no I/O.
"""

__version__ = "0.1.0"
