"""Mutations shared by the fuzz tests of the readers (seeded ``random.Random`` each)."""

import io
import random
import zipfile


def truncated(rng: random.Random, data: bytes) -> bytes:
    """The bytes cut at a random place."""
    return data[: rng.randrange(0, len(data))]


def bytes_flipped(rng: random.Random, data: bytes) -> bytes:
    """1 to 29 random bytes overwritten with random values."""
    b = bytearray(data)
    for _ in range(rng.randrange(1, 30)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def zip_rewritten(data: bytes, edit) -> bytes:
    """The ZIP archive (an XLSX) with each member's bytes replaced by ``edit(name, data)``."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, edit(item.filename, zin.read(item.filename)))
    return out.getvalue()
