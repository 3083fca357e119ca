"""The finished map page in a real QWebEngineView: the dark theme, the new-receptor form
that appears only while a receptor is added, and an enterprise label that is never cut.

Contrast: WCAG 2.1 relative luminance and contrast ratio (success criterion 1.4.3, at
least 4.5:1 for text); see tests/gui/test_status_contrast.py for the formula and its check.
"""

import pytest

from ecologis.i18n import t_lang

# the colours the page computes for an element's text and the first opaque background
# behind it (walking up the ancestors; the page's own background at the end)
COLOURS_JS = """(function(sel){
  var e = document.querySelector(sel);
  if (!e) { return null; }
  function rgba(s){ var m = s.match(/[\\d.]+/g) || []; return m.map(Number); }
  var fg = rgba(getComputedStyle(e).color);
  var n = e, bg = null;
  while (n && n.nodeType === 1) {
    var c = rgba(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; break; }
    n = n.parentElement;
  }
  return {fg: fg, bg: bg || [255, 255, 255]};
})(%s)"""


def _lum(rgb) -> float:
    def lin(v):
        v = v / 255.0
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb[:3]
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a, b) -> float:
    la, lb = sorted((_lum(a), _lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def colours(page, selector):
    import json

    got = page.js(COLOURS_JS % json.dumps(selector))
    assert got is not None, selector
    return got["fg"], got["bg"]


# what a user reads on the map: zoom buttons, layer list, legend, coordinate box, notice,
# search box, scale, attribution, popup, the enterprise label
SELECTORS = (".leaflet-control-zoom-in", ".leaflet-control-layers", ".eco-legend", ".eco-cursor",
             ".eco-notice", ".eco-search-input", ".leaflet-control-scale-line", ".leaflet-control-attribution",
             ".leaflet-popup-content", ".eco-enterprise-label")


def _fill_page(view, page):
    view.set_radius(300)
    view.set_enterprise(50.4501, 30.5234, "ТОВ «Завод»")
    view.set_overlay("iso", {"type": "Feature", "properties": {},
                             "geometry": {"type": "LineString", "coordinates": [[30.52, 50.45], [30.53, 50.451]]}},
                     {"color": "#6a1b9a", "legend": "map.overlay.isolines"})
    page.js("window.ecologisMap.cursorText() || (function(){"
            "var m = window.ecologisMap.map; m.fire('mousemove', {latlng: m.getCenter()}); return 1;})()")
    page.js("window.ecologisMap.openPopup()")


def test_dark_theme_controls_readable_and_dark(make_map):
    view, page = make_map()
    _fill_page(view, page)
    page.wait_js("window.ecologisMap.getNotice() !== ''")       # the offline notice is shown
    view.set_theme("dark")
    assert page.js("window.ecologisMap.getTheme()") == "dark"
    for sel in SELECTORS:
        fg, bg = colours(page, sel)
        assert _lum(bg) < 0.1, (sel, bg)                          # a dark surface, not a white box
        assert contrast(fg, bg) >= 4.5, (sel, fg, bg)
    # the base map's tiles through an inverting filter
    assert "invert" in page.js("getComputedStyle(document.querySelector('.leaflet-tile-pane')).filter")


def test_light_theme_unchanged_and_switch_back(make_map):
    view, page = make_map()
    _fill_page(view, page)
    page.wait_js("window.ecologisMap.getNotice() !== ''")
    for sel in SELECTORS:
        fg, bg = colours(page, sel)
        assert contrast(fg, bg) >= 4.5, (sel, fg, bg)
    assert page.js("getComputedStyle(document.querySelector('.leaflet-tile-pane')).filter") == "none"
    view.set_theme("dark")
    view.set_theme("light")
    assert page.js("getComputedStyle(document.querySelector('.leaflet-tile-pane')).filter") == "none"
    fg, bg = colours(page, ".leaflet-control-zoom-in")
    assert _lum(bg) > 0.5


def test_theme_survives_a_page_reload(make_map, qtbot):
    view, page = make_map()
    view.set_theme("dark")
    with qtbot.waitSignal(view.pageReady, timeout=30000):
        view.view.reload()
    assert page.js("document.body.classList.contains('eco-dark')") is True


# ---------------------------------------------------------------- the receptor form
def _form(page):
    return page.js("window.ecologisMap.receptorForm()")


def _form_box(page):
    return page.js("(function(){var e = document.querySelector('.eco-receptor-control');"
                   "var r = e.getBoundingClientRect(); return {w: r.width, h: r.height,"
                   " shown: getComputedStyle(e).display !== 'none'};})()")


def test_receptor_form_hidden_until_a_receptor_is_added(make_map):
    view, page = make_map()
    assert _form(page)["open"] is False
    box = _form_box(page)
    assert box["shown"] is False and box["w"] == 0 and box["h"] == 0      # covers nothing


def test_receptor_tool_opens_the_form_which_closes_after_placing(make_map, qtbot):
    view, page = make_map()
    page.js("window.ecologisMap.map.pm.enableDraw('EcoReceptor')")
    assert _form(page)["open"] is True and _form(page)["mode"] == "place"
    assert _form_box(page)["shown"] is True
    page.js("(function(){var s = document.querySelector('.eco-receptor-kind'); s.value = 'school';"
            "s.dispatchEvent(new Event('change'));"
            "var i = document.querySelector('.eco-receptor-name'); i.value = 'Школа №5';"
            "i.dispatchEvent(new Event('input')); return 1;})()")
    with qtbot.waitSignal(view.receptorsEdited, timeout=10000) as blocker:
        page.js("(window.ecologisMap.map.fire('click', {latlng: L.latLng(50.451, 30.524)}), 1)")
    (r,) = blocker.args[0]
    assert (r["name"], r["kind"]) == ("Школа №5", "school")
    assert _form(page)["open"] is False
    assert _form_box(page)["shown"] is False


def test_receptor_tool_cancel_closes_the_form_and_the_tool(make_map):
    view, page = make_map()
    page.js("window.ecologisMap.map.pm.enableDraw('EcoReceptor')")
    assert _form(page)["open"] is True
    page.js("document.querySelector('.eco-receptor-cancel').click()")
    assert _form(page)["open"] is False
    assert page.js("window.ecologisMap.map.pm.Draw.getActiveShape() || ''") == ""
    assert page.js("window.ecologisMap.getReceptors().length") == 0


def test_context_menu_add_receptor_here(make_map, qtbot):
    view, page = make_map()
    assert page.js("window.ecologisMap.contextMenuAt(50.452, 30.526)") is True
    assert page.js("document.querySelector('.eco-context-add-receptor').textContent") == \
        t_lang("uk", "map.menu.add_receptor")
    page.js("document.querySelector('.eco-context-add-receptor').click()")
    assert _form(page) == {"open": True, "mode": "at", "kind": "residential", "name": ""}
    page.js("(function(){var i = document.querySelector('.eco-receptor-name'); i.value = 'Дитсадок';"
            "i.dispatchEvent(new Event('input')); return 1;})()")
    with qtbot.waitSignal(view.receptorsEdited, timeout=10000) as blocker:
        page.js("document.querySelector('.eco-receptor-ok').click()")
    (r,) = blocker.args[0]
    assert r["name"] == "Дитсадок"
    assert r["geometry"] == {"type": "Point", "coordinates": [pytest.approx(30.526), pytest.approx(50.452)]}
    assert _form(page)["open"] is False
    # Cancel: nothing added
    page.js("window.ecologisMap.contextMenuAt(50.449, 30.52)")
    page.js("document.querySelector('.eco-context-add-receptor').click()")
    page.js("document.querySelector('.eco-receptor-cancel').click()")
    assert _form(page)["open"] is False
    assert page.js("window.ecologisMap.getReceptors().length") == 1


# ------------------------------------------------------------ the enterprise label
LONG = "ПрАТ «Вінницький молочний завод „РОШЕН“» — виробничий майданчик №2"


def _label_inside(page):
    b = page.js("window.ecologisMap.labelBox()")
    assert b is not None
    return b, (b["left"] >= 0 and b["top"] >= 0 and b["right"] <= b["width"] and b["bottom"] <= b["height"])


@pytest.mark.parametrize("dx", [0.0, 0.3, 0.42, -0.42])
def test_enterprise_label_fully_visible(make_map, dx):
    """The marker at the centre, right of it, near the right edge and near the left edge
    (dx: share of the map's width from the centre)."""
    view, page = make_map()
    view.resize(600, 450)
    page.wait_js("window.ecologisMap.map.getSize().x === 600")
    view.set_enterprise(50.4501, 30.5234, LONG)
    # put the marker dx·width east of the view's centre
    page.js("(function(){var m = window.ecologisMap.map; m.panBy([-(%f) * m.getSize().x, 0], {animate: false}); return 1;})()" % dx)
    page.js("window.ecologisMap.placeLabel()")
    box, inside = _label_inside(page)
    assert inside, box


def test_enterprise_label_kept_visible_after_a_move(make_map):
    view, page = make_map()
    view.resize(600, 450)
    page.wait_js("window.ecologisMap.map.getSize().x === 600")
    view.set_enterprise(50.4501, 30.5234, LONG)
    page.js("(function(){var m = window.ecologisMap.map; m.panBy([-250, 0], {animate: false}); return 1;})()")
    page.wait_js("(function(){var b = window.ecologisMap.labelBox();"
                 "return b.left >= 0 && b.right <= b.width && b.top >= 0 && b.bottom <= b.height;})()")


# ------------------------------------------------------------ the coordinate box
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_coordinate_box_sans_serif_and_placeholder_not_clipped(make_map, lang):
    from ecologis.i18n import translator

    translator.set_language(lang)
    view, page = make_map()
    family = page.js("getComputedStyle(document.querySelector('.eco-search-input')).fontFamily")
    # a generic sans-serif fallback: without it a machine lacking the named font draws serif
    assert "sans-serif" in family.lower(), family
    # the placeholder's width in the input's own font fits the input's text area
    need, room = page.js("""(function(){
      var i = document.querySelector('.eco-search-input'), cs = getComputedStyle(i);
      var c = document.createElement('canvas').getContext('2d');
      c.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
      var room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return [c.measureText(i.placeholder).width, room];
    })()""")
    assert need <= room, (need, room)
