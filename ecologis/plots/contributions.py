"""The contributions chart: sorted bars of each substance's contribution to КНП with
the cumulative share as a line on a second axis (Pareto chart)."""

from __future__ import annotations

import numpy as np


def contributions_figure(result, lang: str = "uk", figure=None, max_bars: int = 20, dark: bool = False,
                         number_format=None):
    """Draw the chart for an :class:`~ecologis.core.assess.AssessmentResult`.

    ``figure`` may be an existing :class:`matplotlib.figure.Figure` (the GUI's canvas);
    otherwise a new one is created with the Agg-compatible ``Figure`` class (no pyplot).
    The remaining substances beyond ``max_bars`` are drawn as one "other" bar.
    ``number_format(x) -> str`` formats the КНП in the title (the GUI passes its UI
    locale's formatter); by default ``1,386.187``.
    """
    from matplotlib.figure import Figure

    from ecologis.i18n import t_lang

    fig = figure if figure is not None else Figure(figsize=(7.5, 3.6), dpi=100)
    fig.clear()
    fg = "#e6e6e6" if dark else "#222222"
    bg = "#2b2b2b" if dark else "#ffffff"
    fig.set_facecolor(bg)
    ax = fig.add_subplot(111)
    ax.set_facecolor(bg)
    contribs = result.contributions
    names = [c["substance"] if lang == "uk" else c["substance_en"] for c in contribs]
    values = np.array([c["contribution"] for c in contribs], dtype=float)
    if len(values) > max_bars:
        rest = values[max_bars - 1:].sum()
        names = names[: max_bars - 1] + [t_lang(lang, "chart.other")]
        values = np.concatenate([values[: max_bars - 1], [rest]])
    if len(values) == 0 or result.knp <= 0:
        ax.text(0.5, 0.5, t_lang(lang, "chart.empty"), ha="center", va="center", color=fg, transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    x = np.arange(len(values))
    ax.bar(x, values, color="#3b7dd8")
    ax.set_ylabel(t_lang(lang, "chart.contribution"), color=fg)
    short = [n if len(n) <= 22 else n[:21] + "…" for n in names]
    ax.set_xticks(x, short, rotation=40, ha="right", fontsize=7, color=fg)
    ax.tick_params(colors=fg)
    ax2 = ax.twinx()
    cum = np.cumsum(values) / result.knp * 100.0
    ax2.plot(x, cum, color="#d8553b", marker="o", markersize=3)
    ax2.set_ylim(0, 105)
    ax2.set_ylabel(t_lang(lang, "chart.cumulative"), color=fg)
    ax2.tick_params(colors=fg)
    for spine in (*ax.spines.values(), *ax2.spines.values()):
        spine.set_color(fg)
    ax.set_title(t_lang(lang, "chart.title", knp=number_format(float(result.knp)) if number_format else f"{result.knp:,.3f}", method=result.preset.id), color=fg, fontsize=9)
    fig.tight_layout()
    return fig
