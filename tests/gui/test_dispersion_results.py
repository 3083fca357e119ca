"""The dispersion panel shows the project's own OND-86 result: the one the pipeline made
(for the report, an export or the panel's Calculate), never numbers of other data."""

from ecologis.core.dispersion import run as dispersion_run
from ecologis.i18n import t, translator


def _calls(monkeypatch) -> list:
    """Count the OND-86 calculations (the pipeline's dispersion step calls ``calculate``)."""
    seen = []
    real = dispersion_run.calculate

    def counting(*a, **kw):
        seen.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(dispersion_run, "calculate", counting)
    import ecologis.core.dispersion as package

    monkeypatch.setattr(package, "calculate", counting)
    return seen


def test_the_panel_shows_the_result_the_report_made(make_window, qtbot):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    qtbot.wait(panel.CHECK_DELAY_MS + 50)
    assert panel.result is None and panel.results.rowCount() == 0   # nothing calculated yet
    made = w.wb.assessment()                                        # what the report's command does
    assert made.dispersion and "error" not in made.dispersion
    panel.show_project_result()                                     # (it looks when shown or after an edit)
    assert panel.result is made.dispersion
    assert panel.results.rowCount() == len(made.dispersion["sources"]) > 0


def test_an_edit_clears_the_numbers_and_undo_brings_them_back(make_window, qtbot):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    made = w.wb.assessment()
    panel.show_project_result()
    assert panel.result is made.dispersion
    cleared = []
    panel.resultCleared.connect(lambda: cleared.append(1))
    panel.A.setValue(180)                                           # an input of the calculation
    qtbot.waitUntil(lambda: panel.result is None, timeout=5000)
    assert panel.results.rowCount() == 0 and panel.gdv.rowCount() == 0 and panel.contributions.rowCount() == 0
    assert panel.status.text() == t("disp.gui.outdated") and cleared   # said, and the map told
    assert w.wb.undo()                                              # back to the calculated data
    qtbot.waitUntil(lambda: panel.result is made.dispersion, timeout=5000)
    assert panel.results.rowCount() > 0


def test_calculate_gives_the_report_its_result(make_window, qtbot, monkeypatch):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    assert w.wb.cached_assessment() is None
    calls = _calls(monkeypatch)
    with qtbot.waitSignal(panel.resultReady, timeout=60000):
        panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    assert len(calls) == 1
    cached = w.wb.cached_assessment()
    assert cached is not None and cached.dispersion is panel.result
    assert w.wb.assessment().dispersion is panel.result             # the report's call: no second run
    assert len(calls) == 1


def test_an_edit_while_calculating_leaves_no_numbers_of_the_old_data(make_window, qtbot):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    panel.run()
    panel.A.setValue(150)                                           # while it runs
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60000)
    qtbot.waitUntil(lambda: panel.result is None, timeout=5000)
    assert panel.status.text() == t("disp.gui.outdated")


def test_result_names_follow_the_interface_language(make_window, qtbot):
    from ecologis.io.reference_data import load_dictionary

    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    made = w.wb.assessment()
    panel.show_project_result()
    d = load_dictionary(user_path=False)
    keys = [s["substance"] for s in made.dispersion["sources"]]
    subs = [d.lookup(k) for k in keys]
    assert all(s is not None and s.name_en and s.name_en != s.name_uk for s in subs)
    old = translator.lang
    try:
        translator.set_language("en")
        shown = [panel.results.item(i, 1).text() for i in range(panel.results.rowCount())]
        assert shown == [s.name_en for s in subs]
        # the worst target of the demo is a summation group: named by its members, never by its id
        tg = made.dispersion["selected_target"]
        members = next(x for x in made.dispersion["targets"] if x["id"] == tg)["substances"]
        assert len(members) > 1
        for text in (panel.status.text(), panel.contrib_label.text(), panel.notice.text()):
            assert tg not in text
        assert t("disp.gui.group_name", members=" + ".join(d.lookup(k).name_en for k in members)) in panel.status.text()
        translator.set_language("uk")
        shown = [panel.results.item(i, 1).text() for i in range(panel.results.rowCount())]
        assert shown == [s.name_uk for s in subs]
    finally:
        translator.set_language(old)


def test_a_hidden_panel_still_takes_old_isolines_off_the_map(make_window, qtbot):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    with qtbot.waitSignal(panel.resultReady, timeout=60000):
        panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    dock = panel.parentWidget()
    while dock is not None and not hasattr(dock, "setFloating"):
        dock = dock.parentWidget()
    dock.hide()                                                     # the dock closed
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=5000)
    with qtbot.waitSignal(panel.resultCleared, timeout=5000):
        assert w.wb.set_dispersion_state(dict(w.wb.dispersion_state(), A=160.0))
    assert panel.result is None
