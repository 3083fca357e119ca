/* EcologIS map page: result overlays (OND-86 isolines, the calculated СЗЗ contour, the
 * maximum point) and the "pick a point" mode.
 *
 * Registered as an extension of map.js (window.ecologisExtensions).  Python calls
 * setOverlay(id, geojson, style) / startPick(); the page answers a pick through the
 * bridge (pointPicked).  Texts come from the map.* strings; feature properties reach
 * the page only through textContent (never as HTML).
 */
(function () {
  'use strict';

  function factory(map, api) {
    var tr = api.tr, el = api.el;
    var overlays = {};          // id -> {layer, style, data}
    // result points (the maximum) above the enterprise's permanent label (tooltip pane 650)
    map.createPane('ecoResultPoints');
    map.getPane('ecoResultPoints').style.zIndex = 660;
    var picking = false;

    function num(x) {      // property values: numbers in the UI language, text as it is
      if (typeof x !== 'number' || !isFinite(x)) { return x === null || x === undefined ? '—' : String(x); }
      return api.num(x);
    }

    // A translated template with {property} placeholders filled from the feature.
    function fill(key, props) {
      return String(tr(key)).replace(/\{([a-zA-Z0-9_]+)\}/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(props || {}, name) ? num(props[name]) : '';
      });
    }

    // ------------------------------------------------------------- legend
    var Legend = L.Control.extend({
      options: {position: 'bottomright'},
      onAdd: function () {
        this._div = el('div', 'eco-legend leaflet-bar');
        L.DomEvent.disableClickPropagation(this._div);
        return this._div;
      },
      update: function () {
        var div = this._div;
        if (!div) { return; }
        while (div.firstChild) { div.removeChild(div.firstChild); }
        var ids = Object.keys(overlays);
        div.style.display = ids.length ? '' : 'none';
        ids.forEach(function (id) {
          var o = overlays[id];
          var row = el('div', 'eco-legend-row');
          var sw = el('span', 'eco-legend-swatch');
          sw.style.borderColor = o.style.color || '#333';
          if (o.style.dashArray) { sw.style.borderStyle = 'dashed'; }
          if (o.style.point) { sw.style.borderRadius = '50%'; sw.style.background = o.style.color || '#333'; }
          row.appendChild(sw);
          row.appendChild(el('span', 'eco-legend-text', o.style.legend ? tr(o.style.legend) : tr('map.overlay.unnamed')));
          div.appendChild(row);
        });
      },
      text: function () { return this._div ? this._div.textContent : ''; }
    });
    var legend = new Legend().addTo(map);

    function build(id, geojson, style) {
      var path = {color: style.color || '#333', weight: style.weight || 2,
        fillOpacity: typeof style.fillOpacity === 'number' ? style.fillOpacity : 0,
        dashArray: style.dashArray || null};
      var layer = L.geoJSON(geojson, {
        pmIgnore: true,
        style: function (f) {
          var point = f && f.geometry && (f.geometry.type === 'Point' || f.geometry.type === 'MultiPoint');
          return point ? {} : path;     // points keep their circle-marker look
        },
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, {radius: 7, color: '#ffffff', weight: 2, fillColor: path.color,
            fillOpacity: 0.9, pmIgnore: true, pane: 'ecoResultPoints'});
        },
        onEachFeature: function (f, l) {
          var props = f.properties || {};
          if (style.label) {
            l.bindTooltip(el('span', 'eco-overlay-label', fill(style.label, props)),
              {permanent: true, direction: 'center', className: 'eco-overlay-tooltip', sticky: false});
          }
          if (style.popup) {
            l.bindPopup(function () { return el('div', 'eco-popup', fill(style.popup, props)); });
          }
        }
      });
      layer.ecoId = id;
      return layer;
    }

    function features(geojson) {
      if (!geojson) { return 0; }
      if (geojson.type === 'FeatureCollection') { return (geojson.features || []).length; }
      return 1;
    }

    api.setOverlay = function (id, geojson, style) {
      id = String(id);
      if (overlays[id]) { map.removeLayer(overlays[id].layer); delete overlays[id]; }
      if (geojson) {
        style = style || {};
        var layer = build(id, geojson, style).addTo(map);
        overlays[id] = {layer: layer, style: style, data: geojson};
      }
      legend.update();
      return features(geojson);
    };
    api.getOverlays = function () {
      var out = {};
      Object.keys(overlays).forEach(function (id) {
        var o = overlays[id];
        var labels = [];
        o.layer.eachLayer(function (l) {
          var t = l.getTooltip && l.getTooltip();
          if (t && t.getContent()) {
            var c = t.getContent();
            labels.push(typeof c === 'string' ? c : c.textContent);
          }
        });
        out[id] = {features: features(o.data), labels: labels, legend: o.style.legend ? tr(o.style.legend) : tr('map.overlay.unnamed')};
      });
      return out;
    };
    api.legendText = function () { return legend.text(); };

    // --------------------------------------------------------- pick mode
    api.startPick = function () {
      picking = true;
      map.getContainer().classList.add('eco-picking');
      return true;
    };
    api.isPicking = function () { return picking; };
    api.pickAt = function (lat, lng) { map.fire('click', {latlng: L.latLng(lat, lng)}); return true; };
    map.on('click', function (e) {
      if (!picking) { return; }
      picking = false;
      map.getContainer().classList.remove('eco-picking');
      api.notify('pointPicked', e.latlng.lat, e.latlng.lng);
    });
    document.addEventListener('keydown', function (e) {
      if (picking && e.key === 'Escape') { picking = false; map.getContainer().classList.remove('eco-picking'); }
    });

    return {
      retranslate: function () {
        legend.update();
        Object.keys(overlays).forEach(function (id) {
          var o = overlays[id];
          map.removeLayer(o.layer);
          o.layer = build(id, o.data, o.style).addTo(map);
        });
      },
      bounds: function (g) {
        Object.keys(overlays).forEach(function (id) { g.addLayer(L.geoJSON(overlays[id].data)); });
      }
    };
  }

  window.ecologisExtensions = window.ecologisExtensions || [];
  window.ecologisExtensions.push(factory);
}());
