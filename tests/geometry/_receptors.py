"""Random receptor dicts for the parity tests of the column-wise receptor paths."""

import random

from ecologis.core.geometry import ParsedReceptor


def receptor_dicts(seed: int, n: int, place) -> list[dict]:
    """``n`` receptors as the GUI and CLI pass them: ``place(rng, made)`` gives each one's
    ``{"lat", "lon"}``; names, kinds and ids are mixed with missing, empty and non-text
    values."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        d = place(rng, out)
        if rng.random() < 0.7:
            d["name"] = rng.choice([f"Будинок {i}", None, 17, ""])
        if rng.random() < 0.7:
            d["kind"] = rng.choice(["residential", "school", "hospital", "factory", None])
        if rng.random() < 0.3:
            d["id"] = rng.choice(["r1", 5, None, ""])
        out.append(d)
    return out


def one_by_one(items) -> list[ParsedReceptor]:
    """The receptors of the item-by-item path."""
    return [ParsedReceptor.from_any(r, where=f"#{i}") for i, r in enumerate(items, start=1)]
