"""cli.common.load_reference_data loads presets for every command: the shipped presets
are read and validated once per version of the file, not on every call."""

import json
import os
import shutil
from pathlib import Path

from ecologis import paths
from ecologis.io import reference_data as presets_mod


def test_builtin_presets_read_once_and_again_after_a_change(tmp_path, monkeypatch):
    res = tmp_path / "resources"
    res.mkdir()
    shutil.copy(paths.RESOURCES_DIR / "presets.json", res / "presets.json")
    monkeypatch.setattr(paths, "RESOURCES_DIR", res)
    reads = []
    real = Path.read_text

    def counting(self, *a, **k):
        if self.name == "presets.json" and self.parent == res:
            reads.append(self)
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "read_text", counting)
    first = presets_mod.builtin_presets()
    for _ in range(5):
        assert presets_mod.builtin_presets() == first
        presets_mod.get_preset()
    assert len(reads) == 1
    # a changed file (new size / modification time) is read again
    doc = json.loads(real(res / "presets.json", encoding="utf-8"))
    doc["presets"] = doc["presets"][:1]
    (res / "presets.json").write_text(json.dumps(doc), encoding="utf-8")
    st = (res / "presets.json").stat()
    os.utime(res / "presets.json", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert list(presets_mod.builtin_presets()) == [doc["presets"][0]["id"]]
    assert len(reads) == 2
    # the caller may add to the dict it gets without changing the cache
    got = presets_mod.builtin_presets()
    got["x"] = None
    assert "x" not in presets_mod.builtin_presets()
