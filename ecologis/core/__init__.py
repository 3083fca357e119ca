"""The calculation core of EcologIS: pure Python and numpy, no Qt.

Where things are:

* :mod:`ecologis.core.knp` – the КНП formulas (contribution, sum, category).
* :mod:`ecologis.core.presets` – methodology presets (data in ``resources/presets.json``).
* :mod:`ecologis.core.gdk` – the effective ГДК fallback chain with provenance.
* :mod:`ecologis.core.units` – mass units and conversions.
* :mod:`ecologis.core.dictionary` – the substance dictionary (``pollutants.json``).
* :mod:`ecologis.core.validation` – the validation journal.
* :mod:`ecologis.core.recommendations` – recommendation rules (``resources/recommendations.json``).
* :mod:`ecologis.model` – emissions, sources, enterprise, results.
* :mod:`ecologis.core.assess` – the assessment pipeline tying it together.
"""
