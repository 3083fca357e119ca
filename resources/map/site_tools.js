/* EcologIS map page: site polygon, emission sources and sensitive receptors (issue 6).
 *
 * Registered as an extension of map.js (window.ecologisExtensions); uses the vendored
 * leaflet-geoman drawing tools.  Python receives the edits through the "bridge"
 * (siteEdited, sourcesEdited, receptorsEdited as JSON text) and sends back the
 * analysed receptors (distance to the boundary, inside flag) with setReceptors.
 * User text is put into the page only with textContent.
 */
(function () {
  'use strict';

  // receptor kinds come from Python (ecologis.core.receptors.RECEPTOR_KINDS)
  var KINDS = (window.ECOLOGIS_CONFIG && window.ECOLOGIS_CONFIG.receptorKinds) || ['other'];

  function factory(map, api) {
    var tr = api.tr, el = api.el, num = api.num, row = api.popupRow;
    var siteGroup = L.featureGroup().addTo(map);
    var sourcesGroup = L.featureGroup().addTo(map);
    var receptorsGroup = L.featureGroup().addTo(map);
    var sourceCircles = L.featureGroup();
    var radius = 0;
    var counter = 0;
    var pending = {kind: 'residential', name: ''};
    var hasGeoman = !!(map.pm && L.PM);

    function nextId(prefix) { counter += 1; return prefix + counter + '-' + Date.now().toString(36); }

    // ------------------------------------------------------------- helpers
    function polygonGeoJSON(layer) {
      return layer.toGeoJSON(15).geometry;
    }

    function siteLayers() { return siteGroup.getLayers(); }

    function currentSite() {
      var layers = siteLayers();
      if (!layers.length) { return null; }
      return polygonGeoJSON(layers[0]);
    }

    function emitSite() { api.notify('siteEdited', JSON.stringify(currentSite() || {})); }

    function sourceList() {
      return sourcesGroup.getLayers().map(function (l) {
        var ll = l.getLatLng();
        return {id: l.ecoData.id, name: l.ecoData.name, lat: ll.lat, lon: ll.lng};
      });
    }

    function receptorList(withResults) {
      return receptorsGroup.getLayers().map(function (l) {
        var d = l.ecoData;
        var out = {id: d.id, name: d.name, kind: d.kind, geometry: l.toGeoJSON(15).geometry};
        if (withResults) {
          if (typeof d.distance_m === 'number') { out.distance_m = d.distance_m; }
          if (typeof d.inside === 'boolean') { out.inside = d.inside; }
        }
        return out;
      });
    }

    function emitSources() { api.notify('sourcesEdited', JSON.stringify(sourceList())); }
    function emitReceptors() { api.notify('receptorsEdited', JSON.stringify(receptorList(false))); }

    // --------------------------------------------------------------- popups
    function receptorPopup(layer) {
      var d = layer.ecoData;
      var box = el('div', 'eco-popup');
      box.appendChild(el('div', 'eco-popup-title', d.name || tr('map.popup.unnamed')));
      box.appendChild(row(tr('map.popup.kind'), tr('map.kind.' + d.kind)));
      if (typeof d.distance_m === 'number') {
        box.appendChild(row(tr('map.popup.distance'), num(d.distance_m, 0)));
      }
      if (typeof d.inside === 'boolean') {
        box.appendChild(el('div', d.inside ? 'eco-receptor-inside' : 'eco-receptor-outside',
          tr(d.inside ? 'map.popup.inside' : 'map.popup.outside')));
      }
      return box;
    }

    function sourcePopup(layer) {
      var d = layer.ecoData, ll = layer.getLatLng();
      var box = el('div', 'eco-popup');
      box.appendChild(el('div', 'eco-popup-title', tr('map.popup.source') + ' ' + (d.name || d.id || '')));
      box.appendChild(row(tr('map.popup.lat'), num(ll.lat, 6)));
      box.appendChild(row(tr('map.popup.lon'), num(ll.lng, 6)));
      return box;
    }

    function receptorStyle(d) {
      var color = d.inside === true ? '#c62828' : (d.inside === false ? '#2e7d32' : '#6a1b9a');
      return {color: color, fillColor: color, fillOpacity: 0.5, weight: 2, radius: 7};
    }

    // --------------------------------------------------------- site polygon
    function adoptSite(layer, emit) {
      siteGroup.clearLayers();
      layer.setStyle && layer.setStyle({color: '#37474f', weight: 2, fillColor: '#90a4ae', fillOpacity: 0.35});
      layer.ecoRole = 'site';
      siteGroup.addLayer(layer);
      layer.on('pm:edit', emitSite);
      if (emit) { emitSite(); }
    }

    function setSite(geojson) {
      siteGroup.clearLayers();
      if (!geojson) { return null; }
      var g = L.geoJSON(geojson);
      var layers = g.getLayers();
      if (layers.length) {
        var poly = layers[0];
        g.removeLayer(poly);
        adoptSite(poly, false);
      }
      return currentSite();
    }

    // -------------------------------------------------------------- sources
    var sourceIcon = L.divIcon({className: 'eco-source-icon', html: '', iconSize: null, iconAnchor: [7, 9]});
    var sourceIconSelected = L.divIcon({className: 'eco-source-icon eco-source-selected', html: '', iconSize: null,
      iconAnchor: [7, 9]});

    var selectedSource = null;     // id of the source selected in the sources table

    function sourceIconFor(id) {
      return id !== null && id === selectedSource ? sourceIconSelected : sourceIcon;
    }

    // Sources can be dragged with the mouse at any time (Leaflet's own marker dragging);
    // the end of a drag sends the new list to Python like any other edit on the map.
    function adoptSource(layer, data) {
      layer.ecoData = {id: data.id || nextId('s'), name: data.name || ''};
      layer.ecoRole = 'source';
      layer.options.draggable = true;
      layer.options.autoPan = true;
      if (layer.setIcon) { layer.setIcon(sourceIconFor(layer.ecoData.id)); }
      layer.bindPopup(function () { return sourcePopup(layer); });
      layer.bindTooltip(el('span', 'eco-label', layer.ecoData.name || layer.ecoData.id), {direction: 'top', offset: [0, -6]});
      layer.on('pm:edit pm:dragend', function () { emitSources(); updateSourceCircles(); });
      layer.on('drag', updateSourceCircles);
      layer.on('dragend', function () { emitSources(); updateSourceCircles(); });
      sourcesGroup.addLayer(layer);
      if (layer.dragging) { layer.dragging.enable(); }
    }

    // geoman turns a marker's own dragging off when its drag/edit modes end: turn it back on
    function enableSourceDragging() {
      sourcesGroup.eachLayer(function (l) { if (l.dragging && !l.dragging.enabled()) { l.dragging.enable(); } });
    }
    map.on('pm:globaldragmodetoggled pm:globaleditmodetoggled pm:globalremovalmodetoggled', function (e) {
      if (!e.enabled) { enableSourceDragging(); }
    });

    function setSources(list) {
      sourcesGroup.clearLayers();
      (list || []).forEach(function (s) {
        if (typeof s.lat !== 'number' || typeof s.lon !== 'number') { return; }
        adoptSource(L.marker([s.lat, s.lon], {draggable: true}), s);
      });
      updateSourceCircles();
      return sourcesGroup.getLayers().length;
    }

    // The source selected in the table: drawn highlighted, its label shown, the view
    // panned to it when it is outside; null clears the highlight.
    function highlightSource(id) {
      selectedSource = id === null || id === undefined ? null : String(id);
      var found = null;
      sourcesGroup.eachLayer(function (l) {
        var on = l.ecoData.id === selectedSource;
        l.setIcon(sourceIconFor(l.ecoData.id));
        if (on) { found = l; } else if (l.isTooltipOpen && l.isTooltipOpen()) { l.closeTooltip(); }
      });
      if (found) {
        if (!map.getBounds().contains(found.getLatLng())) { map.panTo(found.getLatLng(), {animate: false}); }
        found.openTooltip();
      }
      return !!found;
    }

    function updateSourceCircles() {
      sourceCircles.clearLayers();
      if (!(radius > 0)) { return; }
      sourcesGroup.eachLayer(function (l) {
        sourceCircles.addLayer(L.circle(l.getLatLng(), {radius: radius, color: '#ef6c00', weight: 1, fill: false,
          dashArray: '5 5', interactive: false, pmIgnore: true}));
      });
    }

    // ------------------------------------------------------------ receptors
    function adoptReceptor(layer, data) {
      layer.ecoData = {id: data.id || nextId('r'), name: data.name || '', kind: KINDS.indexOf(data.kind) >= 0 ? data.kind : 'other',
        distance_m: data.distance_m, inside: data.inside};
      layer.ecoRole = 'receptor';
      if (layer.setStyle) { layer.setStyle(receptorStyle(layer.ecoData)); }
      layer.bindPopup(function () { return receptorPopup(layer); });
      layer.bindTooltip(el('span', 'eco-label', layer.ecoData.name || tr('map.kind.' + layer.ecoData.kind)),
        {direction: 'top', offset: [0, -6]});
      layer.on('pm:edit pm:dragend', emitReceptors);
      receptorsGroup.addLayer(layer);
    }

    function setReceptors(list) {
      receptorsGroup.clearLayers();
      (list || []).forEach(function (r) {
        var geom = r.geometry || (typeof r.lat === 'number' ? {type: 'Point', coordinates: [r.lon, r.lat]} : null);
        if (!geom) { return; }
        var layer;
        if (geom.type === 'Point') {
          layer = L.circleMarker([geom.coordinates[1], geom.coordinates[0]], receptorStyle(r));
        } else {
          var g = L.geoJSON(geom);
          layer = g.getLayers()[0];
          if (!layer) { return; }
          g.removeLayer(layer);
        }
        adoptReceptor(layer, r);
      });
      return receptorsGroup.getLayers().length;
    }

    // --------------------------------------------- drawing tools (geoman)
    var toolbarReady = false;
    function geomanStrings() {
      return {
        tooltips: {
          placeMarker: tr('map.draw.place_point'), placeCircleMarker: tr('map.draw.place_point'),
          firstVertex: tr('map.draw.first_vertex'), continueLine: tr('map.draw.continue'),
          finishPoly: tr('map.draw.finish_poly'), finishLine: tr('map.draw.continue')
        },
        actions: {finish: tr('map.draw.finish'), cancel: tr('map.draw.cancel'),
          removeLastVertex: tr('map.draw.remove_last')},
        buttonTitles: {drawPolyButton: tr('map.draw.site'), editButton: tr('map.draw.edit'),
          deleteButton: tr('map.draw.delete'), dragButton: tr('map.draw.drag')}
      };
    }

    function setupToolbar() {
      if (!hasGeoman) { return; }
      map.pm.setGlobalOptions({allowSelfIntersection: false, snappable: true, continueDrawing: false,
        markerStyle: {icon: sourceIcon}});
      if (!toolbarReady) {
        map.pm.addControls({position: 'topleft', drawMarker: false, drawCircleMarker: false, drawPolyline: false,
          drawRectangle: false, drawCircle: false, drawText: false, drawPolygon: true, editMode: true,
          dragMode: true, cutPolygon: false, removalMode: true, rotateMode: false});
        map.pm.Toolbar.copyDrawControl('Marker', {name: 'EcoSource', block: 'draw', title: tr('map.draw.source')});
        map.pm.Toolbar.copyDrawControl('CircleMarker', {name: 'EcoReceptor', block: 'draw',
          title: tr('map.draw.receptor_point')});
        map.pm.Toolbar.copyDrawControl('Polygon', {name: 'EcoReceptorArea', block: 'draw',
          title: tr('map.draw.receptor_area')});
        toolbarReady = true;
      }
      var titles = {EcoSource: 'map.draw.source', EcoReceptor: 'map.draw.receptor_point',
        EcoReceptorArea: 'map.draw.receptor_area'};
      Object.keys(titles).forEach(function (name) {
        var b = map.pm.Toolbar.buttons[name];
        if (b && b._button) { b._button.title = tr(titles[name]); }
      });
      // setLang rebuilds the toolbar with the new titles.
      map.pm.setLang('ecologis', geomanStrings(), api.lang === 'uk' ? 'ua' : 'en');
    }

    map.on('pm:create', function (e) {
      var layer = e.layer;
      if (e.shape === 'Polygon') {
        map.removeLayer(layer);
        adoptSite(layer, true);
      } else if (e.shape === 'EcoSource') {
        map.removeLayer(layer);
        adoptSource(layer, {});
        updateSourceCircles();
        emitSources();
      } else if (e.shape === 'EcoReceptor' || e.shape === 'EcoReceptorArea') {
        map.removeLayer(layer);
        adoptReceptor(layer, {kind: pending.kind, name: pending.name});
        pending.name = '';
        receptorControl.close();
        emitReceptors();
      }
    });

    map.on('pm:remove', function (e) {
      var l = e.layer;
      if (l.ecoRole === 'site') { siteGroup.removeLayer(l); emitSite(); }
      if (l.ecoRole === 'source') { sourcesGroup.removeLayer(l); updateSourceCircles(); emitSources(); }
      if (l.ecoRole === 'receptor') { receptorsGroup.removeLayer(l); emitReceptors(); }
    });

    // Marker/circle-marker drags in geoman's drag mode.
    map.on('pm:dragend', function (e) {
      var l = e.layer;
      if (!l) { return; }
      if (l.ecoRole === 'site') { emitSite(); }
      if (l.ecoRole === 'source') { updateSourceCircles(); emitSources(); }
      if (l.ecoRole === 'receptor') { emitReceptors(); }
    });

    // ------------------------------------------------ new receptor form
    // Shown only while the user adds a receptor: with the receptor tools of the toolbar
    // (the form says "click on the map"; it closes when the receptor is placed or the
    // tool is left) or with "Add receptor here…" of the map's context menu (OK places the
    // receptor at the clicked point).  OK / Cancel / Enter / Esc close it.
    var RECEPTOR_SHAPES = ['EcoReceptor', 'EcoReceptorArea'];
    var ReceptorControl = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var box = el('div', 'eco-search eco-receptor-control leaflet-bar');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        this._box = box;
        this._title = el('div', 'eco-receptor-title', '');
        this._select = el('select', 'eco-receptor-kind');
        this._name = el('input', 'eco-receptor-name');
        this._name.type = 'text';
        this._hint = el('div', 'eco-receptor-hint', '');
        var buttons = el('div', 'eco-receptor-buttons');
        this._ok = el('button', 'eco-receptor-ok', '');
        this._cancel = el('button', 'eco-receptor-cancel', '');
        buttons.appendChild(this._ok);
        buttons.appendChild(this._cancel);
        box.appendChild(this._title);
        box.appendChild(this._select);
        box.appendChild(this._name);
        box.appendChild(this._hint);
        box.appendChild(buttons);
        var self = this;
        this._select.addEventListener('change', function () { pending.kind = self._select.value; });
        this._name.addEventListener('input', function () { pending.name = self._name.value; });
        this._ok.addEventListener('click', function () { self.ok(); });
        this._cancel.addEventListener('click', function () { self.cancel(); });
        box.addEventListener('keydown', function (ev) {
          if (ev.key === 'Enter') { ev.preventDefault(); self.ok(); }
          if (ev.key === 'Escape') { ev.preventDefault(); self.cancel(); }
        });
        this.mode = null;          // null (closed), 'place' (toolbar tool) or 'at' (context menu)
        this.at = null;
        box.style.display = 'none';
        this.retranslate();
        return box;
      },
      open: function (mode, latlng) {
        this.mode = mode;
        this.at = latlng || null;
        this._select.value = pending.kind;
        this._name.value = pending.name;
        this._hint.textContent = mode === 'place' ? tr('map.receptor.hint_click') : '';
        this._hint.style.display = mode === 'place' ? '' : 'none';
        this._box.style.display = '';
        this._name.focus();
        return true;
      },
      close: function () {
        this.mode = null;
        this.at = null;
        if (this._box) { this._box.style.display = 'none'; }
      },
      isOpen: function () { return !!(this._box && this._box.style.display !== 'none'); },
      ok: function () {
        pending.kind = this._select.value;
        pending.name = this._name.value;
        if (this.mode === 'at' && this.at) {
          var ll = this.at;
          this.close();
          addReceptorAt(ll);
        } else {
          this.close();        // the receptor tool stays on: the next click places it
        }
      },
      cancel: function () {
        var placing = this.mode === 'place';
        this.close();
        if (placing && hasGeoman && map.pm.Draw.getActiveShape() &&
            RECEPTOR_SHAPES.indexOf(map.pm.Draw.getActiveShape()) >= 0) {
          map.pm.disableDraw();
        }
      },
      retranslate: function () {
        if (!this._select) { return; }
        this._title.textContent = tr('map.receptor.new');
        this._name.placeholder = tr('map.receptor.name');
        this._ok.textContent = tr('map.receptor.ok');
        this._cancel.textContent = tr('map.receptor.cancel');
        if (this.mode === 'place') { this._hint.textContent = tr('map.receptor.hint_click'); }
        while (this._select.firstChild) { this._select.removeChild(this._select.firstChild); }
        KINDS.forEach(function (k) {
          var o = el('option', '', tr('map.kind.' + k));
          o.value = k;
          this._select.appendChild(o);
        }, this);
        this._select.value = pending.kind;
      }
    });
    var receptorControl = new ReceptorControl().addTo(map);

    function addReceptorAt(latlng) {
      adoptReceptor(L.circleMarker(latlng, receptorStyle({})), {kind: pending.kind, name: pending.name});
      pending.name = '';
      emitReceptors();
    }

    map.on('pm:drawstart', function (e) {
      if (RECEPTOR_SHAPES.indexOf(e.shape) >= 0) { receptorControl.open('place'); }
    });
    map.on('pm:drawend', function (e) {
      if (RECEPTOR_SHAPES.indexOf(e.shape) >= 0 && receptorControl.mode === 'place') { receptorControl.close(); }
    });

    // ------------------------------------------------ context menu
    var contextPopup = null;
    function openContextMenu(latlng) {
      var box = el('div', 'eco-context-menu');
      var add = el('button', 'eco-context-add-receptor', tr('map.menu.add_receptor'));
      add.addEventListener('click', function () {
        map.closePopup(contextPopup);
        receptorControl.open('at', latlng);
      });
      box.appendChild(add);
      contextPopup = L.popup({closeButton: false, autoPan: true, className: 'eco-context-popup', minWidth: 60})
        .setLatLng(latlng).setContent(box).openOn(map);
      return true;
    }
    map.on('contextmenu', function (e) {
      if (hasGeoman && map.pm.Draw.getActiveShape()) { return; }     // right-click while drawing: geoman's
      openContextMenu(e.latlng);
    });

    // ------------------------------------------------- coordinate search
    var SearchControl = L.Control.extend({
      options: {position: 'topright'},
      onAdd: function () {
        var box = el('div', 'eco-search');
        L.DomEvent.disableClickPropagation(box);
        this._input = el('input', 'eco-search-input');
        this._input.type = 'text';
        this._button = el('button', 'eco-search-go', '');
        this._msg = el('div', 'eco-search-msg', '');
        box.appendChild(this._input);
        box.appendChild(this._button);
        box.appendChild(this._msg);
        var self = this;
        function go() { self.search(self._input.value); }
        this._button.addEventListener('click', go);
        this._input.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { go(); } });
        this.retranslate();
        return box;
      },
      search: function (text) {
        this._msg.textContent = '';
        api.notify('searchCoordinates', String(text));
      },
      retranslate: function () {
        this._input.placeholder = tr('map.search.placeholder');
        this._button.textContent = tr('map.search.go');
      }
    });
    var searchControl = new SearchControl().addTo(map);
    var searchMarker = null;

    // ------------------------------------------------------------ API
    api.setSite = setSite;
    api.getSite = currentSite;
    api.setSources = setSources;
    api.getSources = sourceList;
    api.highlightSource = highlightSource;
    api.highlightedSource = function () { return selectedSource; };
    api.setReceptors = setReceptors;
    // Results from Python (distance to the boundary, inside flag) for the receptors on
    // the map, matched by id, without re-creating the layers.
    api.updateReceptorResults = function (results) {
      var byId = {};
      (results || []).forEach(function (r) { byId[r.id] = r; });
      var n = 0;
      receptorsGroup.eachLayer(function (l) {
        var r = byId[l.ecoData.id];
        if (!r) { return; }
        l.ecoData.distance_m = r.distance_m;
        l.ecoData.inside = r.inside;
        if (l.setStyle) { l.setStyle(receptorStyle(l.ecoData)); }
        if (l.isPopupOpen()) { l.getPopup().setContent(receptorPopup(l)); }
        n += 1;
      });
      return n;
    };
    api.getReceptors = function () { return receptorList(true); };
    api.setPendingReceptor = function (kind, name) {
      pending.kind = KINDS.indexOf(kind) >= 0 ? kind : 'other';
      pending.name = name || '';
      if (receptorControl._select) { receptorControl._select.value = pending.kind; receptorControl._name.value = pending.name; }
    };
    api.receptorForm = function () {
      return {open: receptorControl.isOpen(), mode: receptorControl.mode, kind: receptorControl._select.value,
        name: receptorControl._name.value};
    };
    api.openReceptorForm = function (lat, lng) {
      return receptorControl.open(lat === undefined ? 'place' : 'at', lat === undefined ? null : L.latLng(lat, lng));
    };
    api.contextMenuAt = function (lat, lng) {
      map.fire('contextmenu', {latlng: L.latLng(lat, lng), containerPoint: map.latLngToContainerPoint([lat, lng]),
        originalEvent: {preventDefault: function () {}}});
      return !!(contextPopup && map.hasLayer(contextPopup));
    };
    api.search = function (text) { searchControl._input.value = text; searchControl.search(text); };
    api.goTo = function (lat, lng) {
      searchControl._msg.textContent = '';
      if (searchMarker) { map.removeLayer(searchMarker); }
      searchMarker = L.circleMarker([lat, lng], {radius: 9, color: '#1565c0', weight: 3, fill: false,
        interactive: false, pmIgnore: true}).addTo(map);
      map.setView([lat, lng], Math.max(map.getZoom(), 15), {animate: false});
      return true;
    };
    api.searchError = function (message) { searchControl._msg.textContent = message; return message; };
    api.searchMessage = function () { return searchControl._msg.textContent; };
    api.searchTarget = function () {
      return searchMarker ? {lat: searchMarker.getLatLng().lat, lng: searchMarker.getLatLng().lng} : null;
    };
    api.sourceCircles = function () {
      return sourceCircles.getLayers().map(function (c) { return c.getRadius(); });
    };
    api.receptorPopupText = function (i) {
      var l = receptorsGroup.getLayers()[i];
      if (!l) { return ''; }
      l.openPopup();
      var p = l.getPopup().getElement();
      return p ? p.querySelector('.leaflet-popup-content').textContent : '';
    };
    api.receptorPopupElement = function (i) {
      var l = receptorsGroup.getLayers()[i];
      var p = l && l.getPopup() && l.getPopup().getElement();
      return p ? p.querySelector('.leaflet-popup-content') : null;
    };
    api.layers = {site: siteGroup, sources: sourcesGroup, receptors: receptorsGroup};
    // Drive the drawing tool the way a user does: pick the tool, click the vertices,
    // click the last vertex again to finish.  latlngs: [[lat, lng], ...].
    api.drawWithTool = function (shape, latlngs) {
      map.pm.enableDraw(shape);
      latlngs.forEach(function (p) { map.fire('click', {latlng: L.latLng(p[0], p[1])}); });
      if (shape !== 'Marker' && shape !== 'CircleMarker' && shape !== 'EcoSource' && shape !== 'EcoReceptor') {
        var last = latlngs[latlngs.length - 1];
        map.fire('click', {latlng: L.latLng(last[0], last[1])});
      }
      var still = map.pm.Draw.getActiveShape();
      if (still) { map.pm.disableDraw(); }
      return !still;
    };

    setupToolbar();

    return {
      overlays: function () {
        return {'map.layer.site': siteGroup, 'map.layer.sources': sourcesGroup, 'map.layer.receptors': receptorsGroup,
          'map.layer.source_circles': sourceCircles};
      },
      retranslate: function () {
        setupToolbar();
        receptorControl.retranslate();
        searchControl.retranslate();
        receptorsGroup.eachLayer(function (l) {
          l.setTooltipContent(el('span', 'eco-label', l.ecoData.name || tr('map.kind.' + l.ecoData.kind)));
        });
      },
      onRadius: function (r) { radius = r; updateSourceCircles(); },
      bounds: function (g) {
        siteGroup.eachLayer(function (l) { g.addLayer(L.polygon(l.getLatLngs())); });
        sourcesGroup.eachLayer(function (l) { g.addLayer(L.marker(l.getLatLng())); });
        receptorsGroup.eachLayer(function (l) {
          g.addLayer(l.getLatLng ? L.marker(l.getLatLng()) : L.polygon(l.getLatLngs()));
        });
      }
    };
  }

  window.ecologisExtensions = window.ecologisExtensions || [];
  window.ecologisExtensions.push(factory);
}());
