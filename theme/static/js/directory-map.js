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
  var READY_EVENT = "clinic-directory:map-ready";
  var FIT_MAX_ZOOM = 12;
  /* Past this zoom every clinic shows on its own; fewer levels keep re-clustering fast. */
  var CLUSTER_MAX_ZOOM = 12;
  var RECENT_INDEXES = 4;

  /* Call back with the Leaflet map once it exists (or never, on a page without one). */
  function whenMapReady(callback) {
    if (window.clinicDirectoryMap) {
      callback(window.clinicDirectoryMap);
      return;
    }
    document.addEventListener(READY_EVENT, function (event) { callback(event.detail.map); });
  }

  function routeLine(index, clinic, service) {
    var text = index.vocab.route.label(service.route);
    if (service.price !== null) {
      text += ": " + CD.money(service.price) + " per session";
    }
    return el("li", {text: text});
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
    map.on("moveend", this.draw, this);
  }

  /* Show these clinics (objects from the index); fit the view if asked. */
  ClinicLayer.prototype.show = function (clinics, fit) {
    var points = [];
    var bounds = [];
    clinics.forEach(function (clinic) {
      if (clinic.lat === null) {
        return;
      }
      points.push(featureOf(clinic));
      bounds.push([clinic.lat, clinic.lon]);
    });
    this.clusters = this.clusterIndex(clinics, points);
    if (fit && bounds.length) {
      /* A reset view, not fitBounds: it would be ignored while folium's opening zoom animates. */
      var box = L.latLngBounds(bounds);
      var zoom = Math.min(FIT_MAX_ZOOM, this.map.getBoundsZoom(box, false, L.point(20, 20)));
      this.map.setView(box.getCenter(), zoom, {reset: true});
    }
    this.draw();
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
    var index = new Supercluster({radius: 50, minZoom: 2, maxZoom: CLUSTER_MAX_ZOOM}).load(points);
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
        marker = L.marker(position, {
          icon: clusterIcon(count),
          title: count + " clinics here: zoom in",
          alt: count + " clinics",
          keyboard: true
        });
        marker.on("add", function () {
          var node = marker.getElement();
          node.textContent = String(count);
          node.setAttribute("role", "button");
          node.setAttribute("aria-label", count + " clinics: zoom in");
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

  /* A state map with no filters beside it shows that state's clinics. */
  function standaloneStateMap(map, placeholder) {
    CD.loadIndex(placeholder.getAttribute("data-index")).then(function (index) {
      var state = placeholder.getAttribute("data-state");
      var layer = new ClinicLayer(map, index);
      layer.show(index.clinics.filter(function (clinic) { return !state || clinic.state === state; }), true);
    });
  }

  whenMapReady(function (map) {
    var placeholder = map.getContainer();
    if (placeholder.classList.contains("clinic-map")) {
      clinicPageMap(map, placeholder);
    } else if (placeholder.hasAttribute("data-index") && !document.querySelector(".finder[data-index]")) {
      standaloneStateMap(map, placeholder);
    }
  });

  CD.map = {whenMapReady: whenMapReady, ClinicLayer: ClinicLayer};
}());
