/* EcologIS map page.
 *
 * Loaded by ecologis/gui/map/map_view.py into a QWebEngineView.  Python injects, before
 * this script runs, window.ECOLOGIS_CONFIG (tile URL, start position) and
 * window.ECOLOGIS_STRINGS (the "map.*" strings of the current language), then talks to
 * the page through window.ecologisMap (below) and listens to it through a QWebChannel
 * object called "bridge".
 *
 * User text (enterprise, source and receptor names) is only ever put into the page with
 * textContent / DOM nodes, never as HTML.
 */
(function () {
  'use strict';

  var CFG = window.ECOLOGIS_CONFIG || {};
  var S = window.ECOLOGIS_STRINGS || {};
  var bridge = null;

  function tr(key) {
    return Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // A number as the UI language writes it: ``digits`` decimals (up to 3 when omitted),
  // the decimal separator of the language (map.decimal_separator).  The one number
  // formatter of the page (api.num); '' for anything that is not a finite number.
  function num(x, digits) {
    if (typeof x !== 'number' || !isFinite(x)) { return ''; }
    var s = (digits === undefined) ? String(Math.round(x * 1000) / 1000) : x.toFixed(digits);
    var sep = tr('map.decimal_separator');
    return sep === 'map.decimal_separator' ? s : s.replace('.', sep);
  }

  function notify(method) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (bridge && typeof bridge[method] === 'function') {
      bridge[method].apply(bridge, args);
    }
  }

  // ------------------------------------------------------------------ state
  var state = {
    lat: typeof CFG.lat === 'number' ? CFG.lat : CFG.defaultCenter[0],
    lng: typeof CFG.lon === 'number' ? CFG.lon : CFG.defaultCenter[1],
    name: typeof CFG.name === 'string' ? CFG.name : '',
    radius: typeof CFG.radius === 'number' ? CFG.radius : 0,
    szz: null,
    base: 'none',
    theme: CFG.theme === 'dark' ? 'dark' : 'light',
    offlineReason: '',
    tiles: {loaded: 0, errors: 0, consecutiveErrors: 0}
  };

  var map, osmLayer = null, offlineLayer, gridLayer, marker, circle, szzLayer;
  var userBaseLayer = null, userBaseSpec = null;   // the project's offline base map (MBTiles via the local server)
  var underlayLayer = null, underlaySpec = null;   // the project's site plan (a georeferenced picture)

  // A site plan turned clockwise by options.rotation degrees about its centre: Leaflet's image
  // overlay placed and scaled by Leaflet over its edges turned back north-up, then turned by CSS.
  var RotatedImageOverlay = L.ImageOverlay.extend({
    options: {rotation: 0},
    _turn: function () {
      var img = this._image, deg = this.options.rotation || 0;
      if (!img || !deg) { return; }
      var w = parseFloat(img.style.width) || 0, h = parseFloat(img.style.height) || 0;
      img.style.transformOrigin = '0 0';
      img.style.transform += ' translate(' + (w / 2) + 'px, ' + (h / 2) + 'px) rotate(' + deg + 'deg) translate(' +
        (-w / 2) + 'px, ' + (-h / 2) + 'px)';
    },
    _reset: function () { L.ImageOverlay.prototype._reset.call(this); this._turn(); },
    _animateZoom: function (e) { L.ImageOverlay.prototype._animateZoom.call(this, e); this._turn(); },
    // the turned plan's corners (north-west, north-east, south-east, south-west before the turn)
    corners: function () {
      var m = this._map || map, b = this._bounds;
      var nw = m.project(b.getNorthWest(), 20), se = m.project(b.getSouthEast(), 20);
      var c = nw.add(se).divideBy(2), r = (this.options.rotation || 0) * Math.PI / 180;
      var cos = Math.cos(r), sin = Math.sin(r);
      return [nw, L.point(se.x, nw.y), se, L.point(nw.x, se.y)].map(function (p) {
        var dx = p.x - c.x, dy = p.y - c.y;      // screen y grows southwards: clockwise on the map
        return m.unproject(L.point(c.x + dx * cos - dy * sin, c.y + dx * sin + dy * cos), 20);
      });
    }
  });
  var layersControl = null, scaleControl, noticeControl, cursorControl;
  var extensions = [];   // functions(map, api) called once the map exists (site tools)

  // ------------------------------------------------------------ base layers
  var OfflineLayer = L.GridLayer.extend({
    createTile: function () {
      return el('div', 'eco-offline-tile');
    }
  });

  function osmAttribution() {
    return '<a href="https://www.openstreetmap.org/copyright">' +
      escapeHtml(tr('map.attribution.osm')) + '</a>';
  }

  function setAttribution(layer, html) {
    var old = layer.options.attribution;
    layer.options.attribution = html;
    if (map && map.attributionControl && map.hasLayer(layer)) {
      if (old) { map.attributionControl.removeAttribution(old); }
      map.attributionControl.addAttribution(html);
    }
  }

  var switching = false;   // true while the code (not the layers control) changes the base layer

  function goOffline(reason) {
    switching = true;
    state.offlineReason = reason;
    if (osmLayer && map.hasLayer(osmLayer)) { map.removeLayer(osmLayer); }
    if (!map.hasLayer(offlineLayer)) { map.addLayer(offlineLayer); }
    switching = false;
    if (!map.hasLayer(gridLayer)) { map.addLayer(gridLayer); }
    state.base = 'offline';
    map.getContainer().classList.add('eco-offline');
    if (reason !== 'user' && reason !== 'config') { noticeControl.show(tr('map.notice.offline')); }
    notify('log', 'base layer: offline (' + reason + ')');
  }

  var osmWatchdog = null;
  function watchOsm() {
    if (osmWatchdog) { clearTimeout(osmWatchdog); }
    // A silent network (no error, no tile) must not leave the user with a blank map.
    osmWatchdog = setTimeout(function () {
      if (state.base === 'osm' && state.tiles.loaded === 0) { goOffline('timeout'); }
    }, CFG.tileTimeoutMs || 8000);
  }

  function buildBaseLayers() {
    offlineLayer = new OfflineLayer({attribution: escapeHtml(tr('map.attribution.offline'))});
    if (CFG.tileUrl) {
      osmLayer = L.tileLayer(CFG.tileUrl, {maxZoom: 19, attribution: osmAttribution()});
      osmLayer.on('tileload', function () {
        state.tiles.loaded += 1;
        state.tiles.consecutiveErrors = 0;
      });
      osmLayer.on('tileerror', function () {
        state.tiles.errors += 1;
        state.tiles.consecutiveErrors += 1;
        // No tile ever arrived, or the connection dropped: switch to the plain layer.
        if (state.base === 'osm' && (state.tiles.loaded === 0 || state.tiles.consecutiveErrors >= 8)) {
          goOffline('tileerror');
        }
      });
    }
  }

  // -------------------------------------------------------- coordinate grid
  var GRID_STEPS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
    0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30];

  function gridDigits(step) {
    var d = 0;
    while (d < 6 && Math.abs(Math.round(step * Math.pow(10, d)) - step * Math.pow(10, d)) > 1e-9) { d += 1; }
    return d;
  }

  var GridLayer = L.LayerGroup.extend({
    onAdd: function (m) {
      L.LayerGroup.prototype.onAdd.call(this, m);
      m.on('moveend zoomend resize', this.redraw, this);
      this.redraw();
    },
    onRemove: function (m) {
      m.off('moveend zoomend resize', this.redraw, this);
      L.LayerGroup.prototype.onRemove.call(this, m);
    },
    redraw: function () {
      var m = this._map;
      if (!m) { return; }
      this.clearLayers();
      var b = m.getBounds();
      var span = Math.max(b.getNorth() - b.getSouth(), b.getEast() - b.getWest());
      var step = GRID_STEPS[GRID_STEPS.length - 1];
      for (var i = 0; i < GRID_STEPS.length; i++) {
        if (span / GRID_STEPS[i] <= 8) { step = GRID_STEPS[i]; break; }
      }
      var digits = gridDigits(step);
      var style = {color: '#8a93a6', weight: 1, opacity: 0.7, interactive: false, dashArray: '4 4', pmIgnore: true,
        snapIgnore: true};
      var south = Math.max(-90, b.getSouth()), north = Math.min(90, b.getNorth());
      var west = b.getWest(), east = b.getEast();
      var lat0 = Math.ceil(south / step) * step, lng0 = Math.ceil(west / step) * step;
      var labelOffsetLng = (east - west) * 0.01, labelOffsetLat = (north - south) * 0.03;
      this.lines = 0;
      for (var lat = lat0; lat <= north; lat += step) {
        this.addLayer(L.polyline([[lat, west], [lat, east]], style));
        this.addLayer(this._label(lat.toFixed(digits) + '°', [lat, east - labelOffsetLng], 'eco-grid-label-east'));
        this.lines += 1;
      }
      for (var lng = lng0; lng <= east; lng += step) {
        this.addLayer(L.polyline([[south, lng], [north, lng]], style));
        this.addLayer(this._label(lng.toFixed(digits) + '°', [north - labelOffsetLat, lng]));
        this.lines += 1;
      }
      this.step = step;
    },
    _label: function (text, latlng, extraClass) {
      var icon = L.divIcon({className: 'eco-grid-label' + (extraClass ? ' ' + extraClass : ''),
        html: el('span', 'eco-grid-label-inner', text),
        iconSize: null, iconAnchor: [0, 8]});
      return L.marker(latlng, {icon: icon, interactive: false, keyboard: false, pmIgnore: true, snapIgnore: true});
    }
  });

  // --------------------------------------------------------------- controls
  var NoticeControl = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      this._div = el('div', 'eco-notice');
      this._div.style.display = 'none';
      L.DomEvent.disableClickPropagation(this._div);
      var self = this;
      this._div.addEventListener('click', function () { self.hide(); });
      return this._div;
    },
    show: function (text) {
      if (!this._div) { return; }
      this._div.textContent = text;
      this._div.style.display = '';
    },
    hide: function () { if (this._div) { this._div.style.display = 'none'; } },
    text: function () {
      return (this._div && this._div.style.display !== 'none') ? this._div.textContent : '';
    }
  });

  var CursorControl = L.Control.extend({
    options: {position: 'bottomright'},
    onAdd: function (m) {
      this._div = el('div', 'eco-cursor', '');
      this._div.style.display = 'none';
      m.on('mousemove', this._update, this);
      return this._div;
    },
    onRemove: function (m) { m.off('mousemove', this._update, this); },
    _update: function (e) { this.setLatLng(e.latlng); },
    setLatLng: function (ll) {
      this.latlng = ll;
      this._div.style.display = '';
      this._div.textContent = tr('map.cursor') + ': ' + num(ll.lat, 5) + '; ' + num(ll.lng, 5);
    }
  });

  // Localised metric scale (Leaflet hard-codes "m" / "km").
  L.Control.Scale.include({
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var label = meters < 1000 ? meters + ' ' + tr('map.unit.m') : (meters / 1000) + ' ' + tr('map.unit.km');
      this._updateScale(this._mScale, label, meters / maxMeters);
    }
  });

  function buildLayersControl() {
    if (layersControl) { map.removeControl(layersControl); }
    var bases = {};
    if (userBaseLayer) { bases[escapeHtml(tr('map.layer.offline_basemap'))] = userBaseLayer; }
    if (osmLayer) { bases[escapeHtml(tr('map.layer.osm'))] = osmLayer; }
    bases[escapeHtml(tr('map.layer.offline'))] = offlineLayer;
    var overlays = {};
    if (underlayLayer) { overlays[escapeHtml(tr('map.layer.site_plan'))] = underlayLayer; }
    overlays[escapeHtml(tr('map.layer.grid'))] = gridLayer;
    overlays[escapeHtml(tr('map.layer.szz'))] = szzGroup;
    extensions.forEach(function (x) {
      if (x.overlays) {
        var o = x.overlays();
        Object.keys(o).forEach(function (k) { overlays[escapeHtml(tr(k))] = o[k]; });
      }
    });
    layersControl = L.control.layers(bases, overlays, {collapsed: true, position: 'topright'}).addTo(map);
  }

  // ----------------------------------------------------- enterprise + СЗЗ
  var szzGroup = L.featureGroup();

  function popupRow(label, value) {
    var row = el('div', 'eco-popup-row');
    row.appendChild(el('span', 'eco-popup-label', label + ': '));
    row.appendChild(el('span', 'eco-popup-value', value));
    return row;
  }

  function enterprisePopup() {
    var box = el('div', 'eco-popup');
    box.appendChild(el('div', 'eco-popup-title', state.name || tr('map.popup.unnamed')));
    box.appendChild(popupRow(tr('map.popup.lat'), num(state.lat, 6)));
    box.appendChild(popupRow(tr('map.popup.lon'), num(state.lng, 6)));
    if (state.radius > 0) {
      box.appendChild(popupRow(tr('map.popup.radius'), num(state.radius)));
    }
    return box;
  }

  // The enterprise's permanent label stays inside the map: the first side of the marker
  // where it fits whole (right, left, below, above); when none does, it wraps to the
  // map's width below the marker.  Re-placed after every move, zoom and resize.
  var LABEL_GAP = 10;
  function labelPlacements() {
    var a = (marker.options.icon && marker.options.icon.options.tooltipAnchor) || [16, -28];
    var ax = a[0], ay = a[1];
    return [['right', [LABEL_GAP, -20]], ['left', [-LABEL_GAP - 2 * ax, -20]],
      ['bottom', [-ax, 8 - ay]], ['top', [-ax, -41 - LABEL_GAP - ay]]];
  }

  function labelFits(elem) {
    var r = elem.getBoundingClientRect(), box = map.getContainer().getBoundingClientRect();
    return r.left >= box.left + 2 && r.right <= box.right - 2 && r.top >= box.top + 2 && r.bottom <= box.bottom - 2;
  }

  function placeLabel() {
    var t = marker && marker.getTooltip();
    var elem = t && t.getElement();
    if (!elem || !map.hasLayer(marker)) { return ''; }
    elem.style.whiteSpace = '';
    elem.style.maxWidth = '';
    var tries = labelPlacements();
    for (var i = 0; i < tries.length; i++) {
      t.options.direction = tries[i][0];
      t.options.offset = L.point(tries[i][1]);
      t.update();
      if (labelFits(elem)) { return tries[i][0]; }
    }
    // too long for any side: wrap it into the wider side of the marker
    var x = map.latLngToContainerPoint(marker.getLatLng()).x, w = map.getSize().x;
    var right = w - x - (tries[0][1][0] + 16) - 6, left = x - (LABEL_GAP + 16) - 6;
    var side = right >= left ? 0 : 1;
    elem.style.whiteSpace = 'normal';
    elem.style.maxWidth = Math.max(60, Math.floor(side === 0 ? right : left)) + 'px';
    t.options.direction = tries[side][0];
    t.options.offset = L.point(tries[side][1]);
    t.update();
    if (!labelFits(elem)) {     // wrapped text taller than the room above/below: below the marker
      t.options.direction = tries[2][0];
      t.options.offset = L.point(tries[2][1]);
      elem.style.maxWidth = Math.max(60, w - 12) + 'px';
      t.update();
    }
    return t.options.direction;
  }

  function refreshLabel() {
    marker.unbindTooltip();
    if (state.name) {
      marker.bindTooltip(el('span', 'eco-label', state.name), {permanent: true, direction: 'right', offset: [LABEL_GAP, -20],
        className: 'eco-enterprise-label'});
      placeLabel();
    }
    var icon = marker.getElement();
    if (icon) { icon.title = tr('map.popup.enterprise') + ': ' + (state.name || tr('map.popup.unnamed')); }
    if (marker.isPopupOpen()) { marker.getPopup().setContent(enterprisePopup()); }
  }

  function refreshCircle() {
    circle.setLatLng([state.lat, state.lng]);
    circle.setRadius(state.radius > 0 ? state.radius : 0);
    var showCircle = state.radius > 0 && !state.szz;
    if (showCircle && !szzGroup.hasLayer(circle)) { szzGroup.addLayer(circle); }
    if (!showCircle && szzGroup.hasLayer(circle)) { szzGroup.removeLayer(circle); }
  }

  function buildEnterprise() {
    marker = L.marker([state.lat, state.lng], {draggable: true, autoPan: true, keyboard: true, pmIgnore: true});
    marker.bindPopup(function () { return enterprisePopup(); });
    marker.on('drag', function () {
      var ll = marker.getLatLng();
      circle.setLatLng(ll);
    });
    marker.on('dragend', function () {
      var ll = marker.getLatLng();
      placeLabel();
      state.lat = ll.lat;
      state.lng = ll.lng;
      refreshCircle();
      if (marker.isPopupOpen()) { marker.getPopup().setContent(enterprisePopup()); }
      notify('markerMoved', ll.lat, ll.lng);
    });
    marker.addTo(map);
    circle = L.circle([state.lat, state.lng], {radius: 0, color: '#d33', weight: 2, fillOpacity: 0.12,
      interactive: false, pmIgnore: true});
    szzLayer = L.geoJSON(null, {style: {color: '#d33', weight: 2, fillOpacity: 0.12}, interactive: false,
      pmIgnore: true});
    szzGroup.addLayer(szzLayer);
    szzGroup.addTo(map);
    refreshCircle();
    refreshLabel();
  }

  function validLatLng(lat, lng) {
    return typeof lat === 'number' && typeof lng === 'number' && isFinite(lat) && isFinite(lng) &&
      lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180;
  }

  // -------------------------------------------------------------- public API
  var api = {
    ready: false,
    extensions: extensions,
    tr: tr,
    el: el,
    num: num,
    popupRow: popupRow,
    escapeHtml: escapeHtml,
    notify: notify,
    setEnterprise: function (lat, lng, name, pan) {
      if (!validLatLng(lat, lng)) { return false; }
      state.lat = lat;
      state.lng = lng;
      state.name = (name === undefined || name === null) ? '' : String(name);
      marker.setLatLng([lat, lng]);
      refreshCircle();
      refreshLabel();
      if (pan !== false) { map.panTo([lat, lng], {animate: false}); }
      return true;
    },
    setRadius: function (metres) {
      var r = Number(metres);
      state.radius = (isFinite(r) && r > 0) ? r : 0;
      refreshCircle();
      extensions.forEach(function (x) { if (x.onRadius) { x.onRadius(state.radius); } });
      if (marker.isPopupOpen()) { marker.getPopup().setContent(enterprisePopup()); }
      return state.radius;
    },
    setSzz: function (geojson) {
      szzLayer.clearLayers();
      state.szz = geojson || null;
      if (geojson) { szzLayer.addData(geojson); }
      refreshCircle();
      return !!state.szz;
    },
    lang: CFG.lang || 'uk',
    setStrings: function (strings, lang) {
      S = strings || {};
      if (lang) { api.lang = lang; }
      if (osmLayer) { setAttribution(osmLayer, osmAttribution()); }
      setAttribution(offlineLayer, escapeHtml(tr('map.attribution.offline')));
      buildLayersControl();
      if (scaleControl && scaleControl._map) { scaleControl._update(); }
      if (cursorControl.latlng) { cursorControl.setLatLng(cursorControl.latlng); }
      if (noticeControl.text()) { noticeControl.show(tr('map.notice.offline')); }
      refreshLabel();
      extensions.forEach(function (x) { if (x.retranslate) { x.retranslate(); } });
      return true;
    },
    setBaseLayer: function (name) {
      if (userBaseLayer && map.hasLayer(userBaseLayer) && name !== 'user') {
        switching = true;
        map.removeLayer(userBaseLayer);
        switching = false;
      }
      if (name === 'user' && userBaseLayer) { return api.setUserBaseMap(userBaseSpec); }
      if (name === 'osm' && osmLayer) {
        switching = true;
        if (map.hasLayer(offlineLayer)) { map.removeLayer(offlineLayer); }
        state.tiles.consecutiveErrors = 0;
        map.addLayer(osmLayer);
        switching = false;
        map.getContainer().classList.remove('eco-offline');
        state.base = 'osm';
        watchOsm();
      } else {
        goOffline('user');
      }
      return state.base;
    },
    // The project's offline base map: {url, attribution, minzoom, maxzoom} (tiles served
    // by the local server from the MBTiles file) or null; shown as the base layer.
    setUserBaseMap: function (spec) {
      switching = true;
      if (userBaseLayer) {
        if (map.hasLayer(userBaseLayer)) { map.removeLayer(userBaseLayer); }
        userBaseLayer = null;
      }
      userBaseSpec = spec || null;
      if (spec && spec.url) {
        var attribution = escapeHtml(spec.attribution || tr('map.layer.offline_basemap'));
        userBaseLayer = L.tileLayer(spec.url, {maxZoom: 22, maxNativeZoom: spec.maxzoom || 19,
          minNativeZoom: spec.minzoom || 0, attribution: attribution});
        if (osmLayer && map.hasLayer(osmLayer)) { map.removeLayer(osmLayer); }
        if (map.hasLayer(offlineLayer)) { map.removeLayer(offlineLayer); }
        map.addLayer(userBaseLayer);
        map.getContainer().classList.remove('eco-offline');
        noticeControl.hide();
        state.base = 'user';
      }
      switching = false;
      if (!userBaseLayer && state.base === 'user') {
        if (osmLayer) { api.setBaseLayer('osm'); } else { goOffline('config'); }
      }
      buildLayersControl();
      return state.base;
    },
    // The project's site plan: {url (a data: URL of the picture), bounds: [w, s, e, n] (its edges
    // turned back north-up), rotation (degrees clockwise about its centre)} or null; drawn above
    // the base map and below every other layer, in its own colours.
    setUnderlay: function (spec) {
      if (underlayLayer) { map.removeLayer(underlayLayer); underlayLayer = null; }
      underlaySpec = spec || null;
      if (spec && spec.url && spec.bounds) {
        var b = spec.bounds;
        underlayLayer = new RotatedImageOverlay(spec.url, [[b[1], b[0]], [b[3], b[2]]],
          {pane: 'ecoUnderlay', interactive: false, opacity: 0.9, rotation: +spec.rotation || 0,
            attribution: escapeHtml(tr('map.attribution.site_plan'))}).addTo(map);
      }
      buildLayersControl();
      return !!underlayLayer;
    },
    getUnderlay: function () {
      if (!underlayLayer) { return null; }
      var b = underlayLayer.getBounds();
      var img = underlayLayer.getElement();
      return {bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], shown: map.hasLayer(underlayLayer),
        rotation: underlayLayer.options.rotation || 0,
        corners: underlayLayer.corners().map(function (ll) { return [ll.lng, ll.lat]; }),
        loaded: !!(img && img.complete && img.naturalWidth > 0)};
    },
    getUserBaseMap: function () {
      return userBaseLayer ? {url: userBaseSpec.url, shown: map.hasLayer(userBaseLayer)} : null;
    },
    fitUnderlay: function () {
      if (underlayLayer) { map.fitBounds(L.latLngBounds(underlayLayer.corners()), {animate: false, maxZoom: 19}); }
      return !!underlayLayer;
    },
    getBaseLayer: function () { return state.base; },
    getOfflineReason: function () { return state.offlineReason; },
    getTileStats: function () { return {loaded: state.tiles.loaded, errors: state.tiles.errors}; },
    getNotice: function () { return noticeControl.text(); },
    getCircle: function () {
      var ll = circle.getLatLng();
      return {radius: state.radius, lat: ll.lat, lng: ll.lng, visible: map.hasLayer(circle)};
    },
    getMarker: function () {
      var ll = marker.getLatLng();
      return {lat: ll.lat, lng: ll.lng, name: state.name, draggable: !!marker.options.draggable};
    },
    getSzz: function () { return state.szz; },
    getCenter: function () {
      var c = map.getCenter();
      return {lat: c.lat, lng: c.lng, zoom: map.getZoom()};
    },
    openPopup: function () {
      marker.openPopup();
      var p = marker.getPopup().getElement();
      return p ? p.querySelector('.leaflet-popup-content').textContent : '';
    },
    popupElement: function () {
      var p = marker.getPopup() && marker.getPopup().getElement();
      return p ? p.querySelector('.leaflet-popup-content') : null;
    },
    placeLabel: placeLabel,
    labelBox: function () {
      var t = marker.getTooltip(), elem = t && t.getElement();
      if (!elem) { return null; }
      var r = elem.getBoundingClientRect(), box = map.getContainer().getBoundingClientRect();
      return {left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, bottom: r.bottom - box.top,
        width: box.width, height: box.height, direction: t.options.direction};
    },
    setTheme: function (name) {
      state.theme = name === 'dark' ? 'dark' : 'light';
      document.body.classList.toggle('eco-dark', state.theme === 'dark');
      extensions.forEach(function (x) { if (x.onTheme) { x.onTheme(state.theme); } });
      return state.theme;
    },
    getTheme: function () { return state.theme; },
    labelText: function () {
      var t = marker.getTooltip();
      return t && t.getElement() ? t.getElement().textContent : '';
    },
    getGrid: function () {
      return {visible: map.hasLayer(gridLayer), step: gridLayer.step || 0, lines: gridLayer.lines || 0};
    },
    hasScale: function () {
      return !!(scaleControl && scaleControl._map && scaleControl._mScale && scaleControl._mScale.textContent);
    },
    scaleText: function () { return scaleControl && scaleControl._mScale ? scaleControl._mScale.textContent : ''; },
    layerNames: function () {
      var names = [];
      var labels = document.querySelectorAll('.leaflet-control-layers label > span > span');
      for (var i = 0; i < labels.length; i++) { names.push(labels[i].textContent.trim()); }
      return names;
    },
    cursorText: function () { return cursorControl._div ? cursorControl._div.textContent : ''; },
    fitAll: function () {
      var g = L.featureGroup([marker]);
      // a circle's bounds need a map: take them from the circle drawn on this map
      if (map.hasLayer(circle)) { g.addLayer(L.rectangle(circle.getBounds())); }
      szzLayer.eachLayer(function (l) { g.addLayer(l); });
      extensions.forEach(function (x) { if (x.bounds) { x.bounds(g); } });
      var b = g.getBounds();
      if (b.isValid()) { map.fitBounds(b.pad(0.1), {animate: false, maxZoom: 17}); }
      return true;
    },
    state: function () { return JSON.parse(JSON.stringify(state)); }
  };
  window.ecologisMap = api;

  // ------------------------------------------------------------------ start
  function connectBridge() {
    if (typeof QWebChannel === 'undefined' || !window.qt || !window.qt.webChannelTransport) {
      api.ready = true;
      return;
    }
    new QWebChannel(window.qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      api.ready = true;
      notify('pageReady');
    });
  }

  function start() {
    map = L.map('map', {zoomControl: true, attributionControl: true, preferCanvas: false,
      zoomAnimation: !CFG.noAnimation, fadeAnimation: !CFG.noAnimation, markerZoomAnimation: !CFG.noAnimation});
    map.setView([state.lat, state.lng], typeof CFG.zoom === 'number' ? CFG.zoom : 14);
    api.map = map;
    map.createPane('ecoUnderlay');
    map.getPane('ecoUnderlay').style.zIndex = 250;     // above the tiles (200), below the zones (400)
    buildBaseLayers();
    gridLayer = new GridLayer();
    noticeControl = new NoticeControl().addTo(map);
    cursorControl = new CursorControl().addTo(map);
    scaleControl = L.control.scale({metric: true, imperial: false, position: 'bottomleft'}).addTo(map);
    buildEnterprise();
    api.marker = marker;
    api.circle = circle;
    (window.ecologisExtensions || []).forEach(function (factory) {
      var x = factory(map, api);
      if (x) { extensions.push(x); }
    });
    buildLayersControl();
    api.setTheme(state.theme);
    map.on('moveend zoomend resize', placeLabel);
    map.on('baselayerchange', function (e) {
      if (switching) { return; }
      if (userBaseLayer && e.layer === userBaseLayer) {
        state.base = 'user';
        map.getContainer().classList.remove('eco-offline');
      } else if (osmLayer && e.layer === osmLayer) {
        state.base = 'osm';
        state.tiles.consecutiveErrors = 0;
        state.tiles.loaded = 0;
        map.getContainer().classList.remove('eco-offline');
        watchOsm();
      } else {
        state.base = 'offline';
        state.offlineReason = 'user';
      }
    });
    if (osmLayer && navigator.onLine !== false) {
      switching = true;
      map.addLayer(osmLayer);
      switching = false;
      state.base = 'osm';
      watchOsm();
    } else {
      goOffline(osmLayer ? 'navigator-offline' : 'config');
    }
    connectBridge();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
