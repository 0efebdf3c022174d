/*
 * Markers, clusters and popups on the map that map-setup.js (folium) creates.
 *
 * Clusters come from Supercluster: it indexes the filtered clinics in a few
 * milliseconds and only the clusters in view become Leaflet markers, so a filter
 * change costs the same at 10 clinics or 10,000. Popups are built from DOM
 * nodes with text, never from HTML strings.
 */
(function () {
  "use strict";

  var CD = window.ClinicDirectory;
  var el = CD.el;
  var t = window.ClinicFormat.t;
  var tn = window.ClinicFormat.tn;
  var READY_EVENT = "clinic-directory:map-ready";
  var FIT_MAX_ZOOM = 12;
  /* Past this zoom every clinic shows on its own; fewer levels keep re-clustering fast. */
  var CLUSTER_MAX_ZOOM = 12;
  var RECENT_INDEXES = 4;
  /*
   * Supercluster's radius is in 1/512ths of a tile; Leaflet's tiles are 256 px, so 120
   * keeps markers about 60 px apart: every marker keeps a 24 px target of its own
   * (WCAG 2.5.8) instead of touching a neighbour.
   */
  var CLUSTER_RADIUS = 120;

  /* Call back with the Leaflet map once it exists (or never, on a page without one). */
  function whenMapReady(callback) {
    if (window.clinicDirectoryMap) {
      callback(window.clinicDirectoryMap);
      return;
    }
    document.addEventListener(READY_EVENT, function (event) { callback(event.detail.map); });
  }

  /* "IV infusion: $450 per session", the route's headline price as on the cards. */
  function routeLine(index, clinic, service) {
    var price = window.ClinicFormat.headline(service);
    var route = index.vocab.route.label(service.route);
    // TRANSLATORS: a treatment and its price in a map popup: "IV infusion: $450 per session".
    return el("li", {text: price ? t("{route}: {price}", {route: route, price: price}) : route});
  }

  /* The popup of one clinic: name as a link, city, routes with prices, compare button. */
  function popupContent(index, clinic) {
    var children = [
      el("h3", {"class": "popup-name"}, [
        clinic.url ? el("a", {href: clinic.url, text: clinic.name}) : clinic.name
      ]),
      el("p", {"class": "popup-where", text: clinic.city + ", " + clinic.state}),
      el("ul", {"class": "popup-routes"}, clinic.services.map(function (service) {
        return routeLine(index, clinic, service);
      }))
    ];
    if (CD.compare) {
      children.push(CD.compare.button(clinic.id, clinic.name));
    }
    return el("div", {"class": "clinic-popup"}, children);
  }

  function clusterIcon(count) {
    var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
    return L.divIcon({
      html: "",
      className: "cluster-marker cluster-" + size,
      iconSize: [36, 36]
    });
  }

  var clinicIcon = null;
  function pinIcon() {
    clinicIcon = clinicIcon || L.divIcon({className: "clinic-marker", iconSize: [24, 24]});
    return clinicIcon;
  }

  var placeIcon = null;
  function searchedPlaceIcon() {
    placeIcon = placeIcon || L.divIcon({className: "place-marker", iconSize: [20, 20]});
    return placeIcon;
  }

  /* Each clinic's GeoJSON point, made once: a filter change only chooses among them. */
  var features = new WeakMap();
  function featureOf(clinic) {
    var feature = features.get(clinic);
    if (!feature) {
      feature = {
        type: "Feature",
        properties: {clinic: clinic},
        geometry: {type: "Point", coordinates: [clinic.lon, clinic.lat]}
      };
      features.set(clinic, feature);
    }
    return feature;
  }

  /* The clinics of a search on the map, clustered. */
  function ClinicLayer(map, index) {
    this.map = map;
    this.index = index;
    this.layer = L.layerGroup().addTo(map);
    this.clusters = null;
    this.recent = [];
    this.placeMarker = null;
    map.on("moveend", this.draw, this);
  }

  /* The place distances are measured from, as its own marker (or none). */
  ClinicLayer.prototype.showPlace = function (origin) {
    if (this.placeMarker) {
      this.placeMarker.remove();
      this.placeMarker = null;
    }
    if (origin) {
      this.placeMarker = L.marker(origin.point, {icon: searchedPlaceIcon(), title: origin.label,
        alt: origin.label, keyboard: false, interactive: false, zIndexOffset: -100}).addTo(this.map);
    }
  };

  /*
   * Show these clinics (objects from the index). With ``fit``, the view fits
   * ``focus`` (the clinics listed beside the map; all of them when not given) and
   * the searched place ``origin`` ({point, label}), so the map follows the list.
   */
  ClinicLayer.prototype.show = function (clinics, fit, focus, origin) {
    var points = [];
    clinics.forEach(function (clinic) {
      if (clinic.lat !== null) {
        points.push(featureOf(clinic));
      }
    });
    var bounds = (focus || clinics).filter(function (clinic) { return clinic.lat !== null; })
      .map(function (clinic) { return [clinic.lat, clinic.lon]; });
    if (origin) {
      bounds.push(origin.point);
    }
    this.clusters = this.clusterIndex(clinics, points);
    this.showPlace(origin);
    if (fit && bounds.length) {
      this.fit(L.latLngBounds(bounds));
    }
    this.draw();
  };

  /*
   * Fit the view to ``box`` in the part of the map on screen: a map taller than what
   * is left of the window below it (beside a list, under a phone's filters) would
   * otherwise centre clinics out of sight. A reset view, not fitBounds: that would be
   * ignored while folium's opening zoom animates.
   */
  ClinicLayer.prototype.fit = function (box) {
    var map = this.map;
    var rect = map.getContainer().getBoundingClientRect();
    var hidden = Math.max(0, Math.min(rect.height / 2, rect.bottom - window.innerHeight));
    var zoom = Math.min(FIT_MAX_ZOOM, map.getBoundsZoom(box, false, L.point(40, 40 + hidden)));
    var centre = map.unproject(map.project(box.getCenter(), zoom).add([0, hidden / 2]), zoom);
    map.setView(centre, zoom, {reset: true});
  };

  /*
   * Clustering 10,000 points takes tens of milliseconds, so the last few indexes
   * are kept, keyed by which clinics they hold: going back to an earlier search
   * (clearing a filter, the back button) then costs nothing.
   */
  ClinicLayer.prototype.clusterIndex = function (clinics, points) {
    var sum = 0;
    var squares = 0;
    clinics.forEach(function (clinic) {
      sum += clinic.order;
      squares = (squares + clinic.order * clinic.order) % 1000000007;
    });
    var key = clinics.length + ":" + sum + ":" + squares;
    var cached = this.recent.filter(function (entry) { return entry.key === key; })[0];
    if (cached) {
      return cached.index;
    }
    var index = new Supercluster({radius: CLUSTER_RADIUS, minZoom: 2, maxZoom: CLUSTER_MAX_ZOOM}).load(points);
    this.recent = [{key: key, index: index}].concat(this.recent.slice(0, RECENT_INDEXES - 1));
    return index;
  };

  ClinicLayer.prototype.draw = function () {
    if (!this.clusters) {
      return;
    }
    var map = this.map;
    var clusters = this.clusters;
    var index = this.index;
    var box = map.getBounds();
    var features = clusters.getClusters(
      [Math.max(-180, box.getWest()), Math.max(-85, box.getSouth()),
        Math.min(180, box.getEast()), Math.min(85, box.getNorth())],
      Math.round(map.getZoom())
    );
    this.layer.clearLayers();
    var layer = this.layer;
    features.forEach(function (feature) {
      var position = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var marker;
      if (feature.properties.cluster) {
        var count = feature.properties.point_count;
        // TRANSLATORS: a map marker standing for several clinics close together.
        var here = tn("{count} clinic here: zoom in", "{count} clinics here: zoom in", count, {count: count});
        var label = tn("{count} clinic: zoom in", "{count} clinics: zoom in", count, {count: count});
        marker = L.marker(position, {
          icon: clusterIcon(count),
          title: here,
          alt: tn("{count} clinic", "{count} clinics", count, {count: count}),
          keyboard: true
        });
        marker.on("add", function () {
          var node = marker.getElement();
          node.textContent = String(count);
          node.setAttribute("role", "button");
          node.setAttribute("aria-label", label);
        });
        marker.on("click", function () {
          map.setView(position, Math.min(clusters.getClusterExpansionZoom(feature.properties.cluster_id),
            map.getMaxZoom()));
        });
      } else {
        var clinic = feature.properties.clinic;
        marker = L.marker(position, {icon: pinIcon(), title: clinic.name, alt: clinic.name, keyboard: true});
        marker.on("add", function () {
          marker.getElement().setAttribute("role", "button");
          marker.getElement().setAttribute("aria-label", clinic.name);
        });
        marker.bindPopup(function () { return popupContent(index, clinic); });
      }
      layer.addLayer(marker);
    });
  };

  /* The single clinic of a clinic page. */
  function clinicPageMap(map, placeholder) {
    var lat = parseFloat(placeholder.getAttribute("data-lat"));
    var lon = parseFloat(placeholder.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) {
      return;
    }
    var name = placeholder.getAttribute("data-name") || "";
    map.setView([lat, lon], 14, {reset: true});
    L.marker([lat, lon], {icon: pinIcon(), title: name, alt: name, keyboard: false}).addTo(map);
  }

  /* Leaflet names its zoom buttons in English; they speak the page's language. */
  function nameZoomButtons(map) {
    [[".leaflet-control-zoom-in", t("Zoom in")], [".leaflet-control-zoom-out", t("Zoom out")]]
      .forEach(function (pair) {
        var button = map.getContainer().querySelector(pair[0]);
        if (button) {
          button.title = pair[1];
          button.setAttribute("aria-label", pair[1]);
        }
      });
  }

  whenMapReady(function (map) {
    nameZoomButtons(map);
    var placeholder = map.getContainer();
    if (placeholder.classList.contains("clinic-map")) {
      clinicPageMap(map, placeholder);
    }
  });

  CD.map = {whenMapReady: whenMapReady, ClinicLayer: ClinicLayer};
}());
