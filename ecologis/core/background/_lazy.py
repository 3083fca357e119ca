"""pandas, imported on first use.

A project's dispersion imports the background package for its stored backgrounds and
never needs pandas; importing it eagerly cost every ``ecologis-cli`` command and the
GUI's first dispersion ≈0.2 s.  ``pd.X`` imports pandas the first time it is read.
"""

from __future__ import annotations


class _LazyPandas:
    __slots__ = ()

    def __getattr__(self, name):
        import pandas

        return getattr(pandas, name)


pd = _LazyPandas()
