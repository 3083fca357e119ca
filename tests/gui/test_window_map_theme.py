"""The main window's theme reaches the map page (View ▸ Theme while running)."""


def test_theme_switch_reaches_the_map(make_window, qtbot, h):
    w = make_window()
    h.wait_map(w)
    dark = "document.body.classList.contains('eco-dark')"
    assert h.run_js(w, dark) is False
    w.theme_actions["dark"].trigger()
    qtbot.waitUntil(lambda: h.run_js(w, dark) is True)
    w.theme_actions["light"].trigger()
    qtbot.waitUntil(lambda: h.run_js(w, dark) is False)


def test_window_started_dark_has_a_dark_map(make_window, qtbot, h):
    w = make_window()
    w.set_theme("dark")
    w.close()
    w2 = make_window()                # the theme is restored from the session
    h.wait_map(w2)
    assert w2.theme == "dark"
    qtbot.waitUntil(lambda: h.run_js(w2, "document.body.classList.contains('eco-dark')") is True)
    w2.set_theme("light")
