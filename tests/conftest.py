"""Root test configuration: headless Qt and an isolated user folder for every test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
for flag in ("--no-sandbox", "--disable-gpu"):
    if flag not in flags:
        flags = (flags + " " + flag).strip()
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
# Tests never reach outside the machine: the map uses no tile server unless a test
# starts its own on 127.0.0.1 and passes its address explicitly.
os.environ["ECOLOGIS_TILE_URL"] = ""

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own user folder; nothing is written to the real one."""
    d = tmp_path_factory.mktemp("ecologis_user")
    monkeypatch.setenv("ECOLOGIS_USER_DIR", str(d))
    yield d


@pytest.fixture(autouse=True)
def _reset_language():
    from ecologis.i18n import translator

    translator._subscribers.clear()
    translator.set_language("uk")
    yield
    # Widgets of a finished test are gone: forget their callbacks before resetting.
    translator._subscribers.clear()
    translator.set_language("uk")
