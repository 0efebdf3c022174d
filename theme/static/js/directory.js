/*
 * The clinic directory's shared browser code: reads the data index the build
 * writes (plugins/clinic_directory/export.py), filters and sorts it, and keeps
 * the search in the page address. Nothing here touches the page layout; the
 * finder, map and compare scripts do, using these functions.
 *
 * Privacy: the visitor's place (near, zip, radius) is kept after the "#" of the
 * address, which browsers never send to any server; everything else follows
 * the documented query-string contract so guide pages can link to a search.
 * A list's page number is its path (/clinics/page/2/), as without JavaScript.
 */
(function () {
  "use strict";

  var INDEX_VERSION = 3;  /* browser_index.INDEX_VERSION */
  var EARTH_RADIUS_MILES = 3958.8;
  var DAY_MS = 86400000;
  var COMPARE_MAX = 4;
  var PLACE_KEYS = ["near", "zip", "radius"];
  var FILTER_KEYS = [
    "route", "condition", "credential", "specialty", "board", "insurance", "rems",
    "home", "max_price", "new", "telehealth", "lang", "state", "sort", "page", "view", "old",
    "noreferral", "step_free", "asl"
  ];
  /* This script's own element: it names the map's scripts and styles, loaded on demand. */
  var SELF = document.currentScript;

  /* ---- small DOM helpers: text only, never HTML ---- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  /* An address safe to put in href: https, or on this site. */
  function safeHref(value, base) {
    var url;
    try {
      url = new URL(value, base || document.baseURI);
    } catch (error) {
      return null;
    }
    if (url.origin === window.location.origin || url.protocol === "https:") {
      return url.href;
    }
    return null;
  }

  /* ---- the index ---- */

  function vocabulary(rows) {
    var byValue = {};
    rows.forEach(function (row, position) {
      byValue[row[0]] = {
        value: row[0], label: row[1], explanation: row[2], guide: row[3], position: position
      };
    });
    return {
      rows: rows,
      byValue: byValue,
      at: function (position) { return rows[position][0]; },
      label: function (value) { return byValue[value] ? byValue[value].label : value; },
      bit: function (value) { return byValue[value] ? Math.pow(2, byValue[value].position) : 0; },
      valuesIn: function (mask) {
        return rows.filter(function (row, position) {
          return Math.floor(mask / Math.pow(2, position)) % 2 === 1;
        }).map(function (row) { return row[0]; });
      }
    };
  }

  function derivedSlug(name) {
    return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  /* A clinic's page address, worked out when first asked for: making 10,000 URL
   * objects up front was half the time a phone spent decoding the index. */
  var CLINIC = Object.defineProperty({}, "url", {
    enumerable: true,
    get: function () {
      if (this.href === undefined) {
        this.href = safeHref(this.path, this.root);
      }
      return this.href;
    }
  });

  /* Turn the column layout back into one object per clinic, in the build's order. */
  function decodeIndex(document_, indexUrl) {
    if (document_.version !== INDEX_VERSION) {
      throw new Error("Unsupported index version " + document_.version);
    }
    var vocab = {};
    Object.keys(document_.vocab).forEach(function (name) {
      vocab[name] = vocabulary(document_.vocab[name]);
    });
    var flagBits = {};
    document_.flags.forEach(function (flag, position) { flagBits[flag] = Math.pow(2, position); });
    var root = new URL("../", indexUrl).href;
    var pageRoot = inPageRoot(root);
    var columns = document_.columns;
    var scale = document_.coordinate_scale;
    var lat = 0;
    var lon = 0;
    var clinics = [];
    for (var i = 0; i < document_.count; i += 1) {
      var state = vocab.state.at(columns.state[i]);
      var slug = columns.slug[i] || derivedSlug(columns.name[i]);
      var located = columns.lat[i] !== null;
      if (located) {
        lat += columns.lat[i];
        lon += columns.lon[i];
      }
      var path = columns.url ? columns.url[i] :
        document_.url.replace("{state}", state.toLowerCase()).replace("{slug}", slug);
      clinics.push({
        __proto__: CLINIC,
        order: i,
        id: state.toLowerCase() + "/" + slug,
        name: columns.name[i],
        organization: columns.organization[i] || "",
        city: columns.city[i],
        zip: columns.zip[i],
        phone: columns.phone ? columns.phone[i] : "",
        clinicians: columns.clinicians[i],
        state: state,
        lat: located ? lat / scale : null,
        lon: located ? lon / scale : null,
        path: path,
        root: pageRoot,
        services: columns.services[i].map(function (row) {
          /* Prices: format.js decodes the headline; "price" is the figure the price
           * cap compares (null when not comparable), "sortKey" the place in
           * "lowest price first" (ClinicFormat.priceSortKey). */
          var offer = window.ClinicFormat.decodePrice(row[1]);
          return {
            route: vocab.route.at(row[0]),
            offer: offer,
            price: window.ClinicFormat.comparablePrice(offer),
            sortKey: window.ClinicFormat.priceSortKey(offer),
            insurance: row[2] === 1,
            conditions: row[3],
            states: (row[4] || []).map(vocab.state.at)
          };
        }),
        credentials: columns.credentials[i],
        specialties: columns.specialties[i],
        languages: columns.languages[i],
        flags: columns.flags[i],
        verified: columns.verified[i],
        status: vocab.status.at(columns.status[i])
      });
    }
    return {
      clinics: clinics,
      byId: clinics.reduce(function (map, clinic) { map[clinic.id] = clinic; return map; }, {}),
      vocab: vocab,
      flagBits: flagBits,
      redirects: document_.redirects || {},
      built: Date.parse(document_.built) / DAY_MS,
      staleAfterDays: document_.stale_after_days,
      verificationLevels: document_.verification_levels,
      priceSortNote: document_.price_sort_note,
      priceFilterNote: document_.price_filter_note,
      outOfDateAfterDays: document_.out_of_date_after_days,
      atHomeWarning: document_.at_home_warning,
      root: root,
      pageRoot: pageRoot
    };
  }

  var pendingIndexes = {};

  /* Resolve with ``value`` in a task of its own, so a phone can paint and answer a tap
   * between parsing, decoding and drawing a large index (no single long task). */
  function nextTask(value) {
    return new Promise(function (resolve) { window.setTimeout(resolve, 0, value); });
  }

  function fetchJson(absolute) {
    return fetch(absolute, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) {
        throw new Error("Could not load " + absolute + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  /* Where the pages in this page's language start: a page in another language links
   * to its clinics in that language (/es/...); data files stay at ``root``. */
  function inPageRoot(root) {
    return root + (document.documentElement.getAttribute("data-lang-prefix") || "");
  }

  /* The index speaks the site's first language; a page in another names its words
   * file, each of whose keys stands in for the index's own (the vocabulary's rows in
   * the same positions, the notes and warning levels). */
  function inPageLanguage(document_) {
    var words = document.documentElement.getAttribute("data-vocabulary");
    if (!words) {
      return document_;
    }
    return fetchJson(new URL(words, document.baseURI).href).then(function (translated) {
      Object.keys(translated).forEach(function (key) { document_[key] = translated[key]; });
      return document_;
    });
  }

  /* Fetch and decode an index once per page, however many scripts ask for it. */
  function loadIndex(url) {
    var absolute = new URL(url, document.baseURI).href;
    if (!pendingIndexes[absolute]) {
      pendingIndexes[absolute] = fetchJson(absolute)
        .then(inPageLanguage)
        .then(nextTask)
        .then(function (document_) { return decodeIndex(document_, absolute); })
        .then(nextTask);
    }
    return pendingIndexes[absolute];
  }

  /* ---- the search in the address ---- */

  function readSearch(location_) {
    var query = new URLSearchParams(location_.search);
    var place = new URLSearchParams(location_.hash.replace(/^#/, ""));
    var search = {};
    FILTER_KEYS.forEach(function (key) {
      if (query.get(key)) {
        search[key] = query.get(key);
      }
    });
    PLACE_KEYS.forEach(function (key) {
      var value = place.get(key) || query.get(key);
      if (value) {
        search[key] = value;
      }
    });
    search.cmp = (query.get("cmp") || "").split(",").filter(Boolean).slice(0, COMPARE_MAX);
    return search;
  }

  /* The page address for a search: filters in the query, the visitor's place in the
   * fragment; ``pathname`` (optional) replaces the current page's path. */
  function searchUrl(search, location_, pathname) {
    var query = new URLSearchParams(location_.search);
    FILTER_KEYS.concat(PLACE_KEYS, ["cmp"]).forEach(function (key) { query.delete(key); });
    FILTER_KEYS.forEach(function (key) {
      if (search[key]) {
        query.set(key, search[key]);
      }
    });
    if (search.cmp && search.cmp.length) {
      query.set("cmp", search.cmp.join(","));
    }
    var place = new URLSearchParams();
    PLACE_KEYS.forEach(function (key) {
      if (search[key]) {
        place.set(key, search[key]);
      }
    });
    var queryText = query.toString().replace(/%2C/g, ",").replace(/%2F/g, "/");
    var placeText = place.toString().replace(/%2C/g, ",");
    return (pathname || location_.pathname) + (queryText ? "?" + queryText : "") +
      (placeText ? "#" + placeText : "");
  }

  /* ---- filtering and sorting ---- */

  function distanceMiles(a, b) {
    var toRadians = Math.PI / 180;
    var dLat = (b[0] - a[0]) * toRadians;
    var dLon = (b[1] - a[1]) * toRadians;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a[0] * toRadians) * Math.cos(b[0] * toRadians) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /* The services a search is about: the chosen route's, or all of them. */
  function servicesFor(clinic, route) {
    return route ? clinic.services.filter(function (s) { return s.route === route; }) : clinic.services;
  }

  /* Lowest comparable session price among the services a search is about. */
  function priceFor(clinic, route) {
    var lowest = null;
    servicesFor(clinic, route).forEach(function (service) {
      if (service.price !== null && (lowest === null || service.price < lowest)) {
        lowest = service.price;
      }
    });
    return lowest;
  }

  /* Where a clinic goes in "lowest price first", for the services a search is about. */
  function priceSortKeyFor(clinic, route) {
    return window.ClinicFormat.clinicPriceSortKey(servicesFor(clinic, route));
  }

  /* The service whose headline a card shows: the cheapest comparable one the search is
   * about (the same rule as ``partials/listing.html``), or null when there is none. */
  function headlineService(clinic, route) {
    var best = null;
    servicesFor(clinic, route).forEach(function (service) {
      if (service.offer && (!best || window.ClinicFormat.priceSortKey(service) <
          window.ClinicFormat.priceSortKey(best))) {
        best = service;
      }
    });
    return best;
  }

  /* A listing not verified for over a year: lists leave it out unless asked (old=1). */
  function outOfDate(clinic, index) {
    return index.outOfDateAfterDays !== undefined && index.built - clinic.verified > index.outOfDateAfterDays;
  }

  /* Compile a search into one test per clinic, so the loop over clinics stays cheap. */
  function compileFilter(search, index) {
    var vocab = index.vocab;
    var bits = index.flagBits;
    var tests = [];
    var route = search.route && vocab.route.byValue[search.route] ? search.route : "";
    var condition = search.condition ? vocab.condition.bit(search.condition) : 0;
    var needsService = route || condition || search.insurance === "1";
    if (needsService) {
      tests.push(function (clinic) {
        return clinic.services.some(function (service) {
          return (!route || service.route === route) &&
            (!condition || (service.conditions & condition) !== 0) &&
            (search.insurance !== "1" || service.insurance);
        });
      });
    }
    [["credential", "credentials"], ["specialty", "specialties"], ["lang", "languages"]]
      .forEach(function (pair) {
        var vocabName = pair[0] === "lang" ? "language" : pair[0];
        if (search[pair[0]]) {
          var bit = vocab[vocabName].bit(search[pair[0]]);
          tests.push(function (clinic) { return (clinic[pair[1]] & bit) !== 0; });
        }
      });
    [["board", "board_certified"], ["rems", "rems"], ["new", "accepting_new_patients"],
      ["telehealth", "telehealth_consultations"], ["noreferral", "no_referral_needed"],
      ["step_free", "step_free"], ["asl", "asl"]].forEach(function (pair) {
      if (search[pair[0]] === "1") {
        tests.push(function (clinic) { return (clinic.flags & bits[pair[1]]) !== 0; });
      }
    });
    if (search.state) {
      tests.push(function (clinic) { return clinic.state === search.state; });
    }
    if (search.home) {
      tests.push(function (clinic) {
        return clinic.services.some(function (service) {
          return service.route === "at_home" && service.states.indexOf(search.home) !== -1;
        });
      });
    }
    var maxPrice = parseFloat(search.max_price);
    if (maxPrice >= 0) {
      tests.push(function (clinic) {
        var price = priceFor(clinic, route);
        return price !== null && price <= maxPrice;
      });
    }
    return function (clinic) {
      for (var i = 0; i < tests.length; i += 1) {
        if (!tests[i](clinic)) {
          return false;
        }
      }
      return true;
    };
  }

  function parseNear(text) {
    var parts = (text || "").split(",").map(parseFloat);
    if (parts.length === 2 && Math.abs(parts[0]) <= 90 && Math.abs(parts[1]) <= 180) {
      return parts;
    }
    return null;
  }

  /* Which order a search asks for, once we know whether a place is set. */
  function sortOf(search, origin) {
    if (search.sort === "distance" || (!search.sort && origin)) {
      return origin ? "distance" : "default";
    }
    return ["price", "verified"].indexOf(search.sort) !== -1 ? search.sort : "default";
  }

  /*
   * Filter and sort. ``origin`` is [lat, lon] or null. Returns rows
   * {clinic, distance, price} in the order to show.
   */
  function findClinics(index, search, origin) {
    var accept = compileFilter(search, index);
    var radius = parseFloat(search.radius);
    var route = search.route || "";
    var rows = [];
    index.clinics.forEach(function (clinic) {
      if (!accept(clinic)) {
        return;
      }
      var distance = null;
      if (origin && clinic.lat !== null) {
        distance = distanceMiles(origin, [clinic.lat, clinic.lon]);
      }
      if (origin && radius > 0 && (distance === null || distance > radius)) {
        return;
      }
      rows.push({clinic: clinic, distance: distance, price: priceFor(clinic, route),
        priceSortKey: priceSortKeyFor(clinic, route)});
    });
    var order = sortOf(search, origin);
    var keyed = {
      distance: function (row) { return row.distance === null ? Infinity : row.distance; },
      price: function (row) { return row.priceSortKey; },
      verified: function (row) { return -row.clinic.verified; }
    }[order];
    if (keyed) {
      rows.sort(function (a, b) {
        return (keyed(a) - keyed(b)) || (a.clinic.order - b.clinic.order);
      });
    }
    return {rows: rows, order: order};
  }

  /* ---- formatting ---- */

  /* Whole dollars, US format: format.js is the one formatter. */
  function money(amount) {
    return window.ClinicFormat.money(amount);
  }

  /* A listing's verification: ``date`` ("Oct 14, 2026"); ``warning`` ("over six months
   * ago", "over a year ago: check with the clinic") comes from the levels the index
   * carries; ``iso`` is for <time datetime>. */
  function verifiedText(days, index) {
    var age = index.built - days;
    var warning = window.ClinicFormat.verificationWarning(age, index.verificationLevels);
    var level = "current";
    (index.verificationLevels || []).forEach(function (entry) {
      level = age > entry[0] ? entry[1] : level;
    });
    return {
      date: window.ClinicFormat.usDate(days),
      level: level,
      warning: warning,
      stale: warning !== "",
      iso: new Date(days * DAY_MS).toISOString().slice(0, 10)
    };
  }

  /* ---- the map, loaded only when a page shows one ---- */

  var mapLoading = null;

  function loadInOrder(urls) {
    return urls.reduce(function (previous, url) {
      return previous.then(function () {
        return new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = url;
          script.onload = resolve;
          script.onerror = function () { reject(new Error("Could not load " + url)); };
          document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  }

  /*
   * Load Leaflet, clustering, the map set-up and the marker script, once, then call
   * back with the Leaflet map. The page lists them on this script's element
   * (data-map-scripts, data-map-styles), so a page that never shows a map never
   * downloads them.
   */
  function loadMap() {
    if (!mapLoading) {
      var styles = (SELF && SELF.getAttribute("data-map-styles") || "").split(" ").filter(Boolean);
      var scripts = (SELF && SELF.getAttribute("data-map-scripts") || "").split(" ").filter(Boolean);
      styles.forEach(function (href) {
        document.head.appendChild(el("link", {rel: "stylesheet", href: href}));
      });
      mapLoading = loadInOrder(scripts).then(function () {
        return new Promise(function (resolve) { window.ClinicDirectory.map.whenMapReady(resolve); });
      });
    }
    return mapLoading;
  }

  /* A map placeholder outside the finder (a clinic's page) loads the map as it nears the screen. */
  function loadMapWhenSeen(placeholder) {
    if (!("IntersectionObserver" in window)) {
      loadMap();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        loadMap();
      }
    }, {rootMargin: "300px"});
    observer.observe(placeholder);
  }

  var standalone = document.querySelector(".clinic-map, .state-map");
  if (standalone && SELF && SELF.hasAttribute("data-map-scripts")) {
    loadMapWhenSeen(standalone);
  }

  window.ClinicDirectory = {
    COMPARE_MAX: COMPARE_MAX,
    el: el,
    safeHref: safeHref,
    loadIndex: loadIndex,
    inPageRoot: inPageRoot,
    decodeIndex: decodeIndex,
    readSearch: readSearch,
    searchUrl: searchUrl,
    findClinics: findClinics,
    priceFor: priceFor,
    priceSortKeyFor: priceSortKeyFor,
    headlineService: headlineService,
    outOfDate: outOfDate,
    servicesFor: servicesFor,
    loadMap: loadMap,
    parseNear: parseNear,
    distanceMiles: distanceMiles,
    money: money,
    verifiedText: verifiedText
  };
}());
