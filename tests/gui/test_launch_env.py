"""The launch path prepares Qt's environment: no sandbox as root, a message without a display."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecologis.gui import app, qt_env


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("QTWEBENGINE_CHROMIUM_FLAGS", "QTWEBENGINE_DISABLE_SANDBOX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":99")
    return monkeypatch


def test_root_adds_no_sandbox_and_keeps_user_flags(clean_env):
    clean_env.setattr(os, "geteuid", lambda: 0)
    clean_env.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --lang=uk")
    notes = []
    qt_env.prepare_qt_environment(offscreen_ok=False, log=notes.append)
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split() == ["--disable-gpu", "--lang=uk", "--no-sandbox"]
    assert len(notes) == 1 and "--no-sandbox" in notes[0]
    # a second preparation neither doubles the flag nor repeats the note
    qt_env.prepare_qt_environment(offscreen_ok=False, log=notes.append)
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split().count("--no-sandbox") == 1
    assert len(notes) == 1


def test_ordinary_user_keeps_the_sandbox(clean_env):
    clean_env.setattr(os, "geteuid", lambda: 1000)
    clean_env.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    notes = []
    qt_env.prepare_qt_environment(offscreen_ok=True, log=notes.append)
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--disable-gpu"
    assert notes == []


@pytest.mark.parametrize("lang, words", [("uk", "дисплея"), ("en", "display")])
def test_no_display_is_a_message_and_exit_2(clean_env, capsys, lang, words):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        clean_env.delenv(name, raising=False)
    clean_env.setattr(sys, "platform", "linux")
    code = app.main(["--demo", "--lang", lang])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and "xvfb-run" in err and "--screenshot" in err
    assert "Traceback" not in err and "qt.qpa" not in err


def test_no_display_screenshot_goes_offscreen(clean_env):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        clean_env.delenv(name, raising=False)
    clean_env.setattr(sys, "platform", "linux")
    qt_env.prepare_qt_environment(offscreen_ok=True)
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


@pytest.mark.skipif(not qt_env.is_root(), reason="the real root launch needs the effective user id 0")
def test_screenshot_as_root_without_any_sandbox_flag(tmp_path):
    """As root, with no flag from the user, the real launch adds --no-sandbox itself."""
    out = tmp_path / "shot.png"
    env = {k: v for k, v in os.environ.items()
           if k not in ("QTWEBENGINE_CHROMIUM_FLAGS", "QTWEBENGINE_DISABLE_SANDBOX", "DISPLAY",
                        "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--disable-gpu"
    r = subprocess.run([sys.executable, "-m", "ecologis.gui", "--demo", "--screenshot", str(out), "--timeout", "60"],
                       env=env, capture_output=True, timeout=120, cwd=str(Path(__file__).parent))
    err = r.stderr.decode(errors="replace")
    assert r.returncode == 0, err[-2000:]
    assert "--no-sandbox" in err            # the one line saying why
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
