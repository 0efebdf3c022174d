/*
 * The filters, sort, "near me" and client-side pages of a directory list
 * (``section.finder``), and the same search drawn on the map when the page has one.
 *
 * The server-rendered list works without this script. With it, the filter form
 * appears, the list is rebuilt from the data index with DOM text, and the search
 * lives in the address so that reload, back and shared links all work.
 */
(function () {
  "use strict";

  var CD = window.ClinicDirectory;
  var el = CD.el;
  var PAGE_SIZE = 20;
  var TYPING_DELAY_MS = 250;
  var FIELDS = [
    "route", "condition", "credential", "specialty", "board", "insurance", "rems", "home",
    "max_price", "new", "telehealth", "lang", "state", "sort", "zip", "radius"
  ];

  /* ---- ZIP codes and "City, ST", looked up in the browser ---- */

  function loadPlaces(root) {
    return fetch(root + "data/zips.json", {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("ZIP table missing");
        }
        return response.json();
      })
      .then(function (table) {
        var columns = table.columns;
        var scale = table.coordinate_scale;
        var byZip = {};
        var byPlace = {};
        var zip = 0;
        var lat = 0;
        var lon = 0;
        var seen = 0;
        for (var i = 0; i < columns.zip.length; i += 1) {
          zip += columns.zip[i];
          lat += columns.lat[i];
          lon += columns.lon[i];
          var place = seen - columns.place[i];
          if (columns.place[i] === 0) {
            seen += 1;
          }
          var point = [lat / scale, lon / scale];
          byZip[String(zip).padStart(5, "0")] = point;
          var key = table.places[place].toLowerCase();
          (byPlace[key] = byPlace[key] || []).push(point);
        }
        return {byZip: byZip, byPlace: byPlace};
      });
  }

  /* [lat, lon] of a ZIP code or "City, ST", or null. */
  function locate(places, text) {
    var value = text.trim();
    if (/^\d{5}$/.test(value)) {
      return places.byZip[value] || null;
    }
    var match = /^(.+?)[,\s]+([A-Za-z]{2})$/.exec(value);
    var points = match && places.byPlace[match[1].trim().toLowerCase() + "|" + match[2].toLowerCase()];
    if (!points) {
      return null;
    }
    var sum = points.reduce(function (total, p) { return [total[0] + p[0], total[1] + p[1]]; }, [0, 0]);
    return [sum[0] / points.length, sum[1] / points.length];
  }

  /* ---- one list with its form ---- */

  function Finder(section, index) {
    this.section = section;
    this.index = index;
    this.form = section.querySelector("form.filters");
    this.results = section.querySelector("#results");
    this.heading = section.querySelector("#results-heading");
    this.fixedState = section.getAttribute("data-state") || "";
    this.pageSize = parseInt(section.getAttribute("data-per-page"), 10) || PAGE_SIZE;
    this.places = null;
    this.layer = null;
    this.typingTimer = null;
    this.pages = el("nav", {"class": "finder-pages", "aria-label": "Result pages"});
    this.notice = el("p", {"class": "at-home-warning finder-notice", hidden: true, text: index.atHomeWarning});
    this.locationStatus = this.form.querySelector(".near-status");
    this.results.parentNode.insertBefore(this.notice, this.results);
    this.results.parentNode.insertBefore(this.pages, this.results.nextSibling);
    section.querySelectorAll("nav.pagination").forEach(function (node) { node.hidden = true; });
    this.heading.setAttribute("tabindex", "-1");
    if (this.fixedState) {
      var stateField = this.form.querySelector(".field-state");
      if (stateField) {
        stateField.hidden = true;
      }
    }
    this.form.hidden = false;
    this.bind();
  }

  Finder.prototype.bind = function () {
    var finder = this;
    this.form.addEventListener("change", function (event) {
      if (event.target.name === "zip") {
        finder.update({near: ""}, true);
      } else if (event.target.name) {
        finder.update({}, true);
      }
    });
    this.form.addEventListener("input", function (event) {
      if (event.target.name === "max_price") {
        window.clearTimeout(finder.typingTimer);
        finder.typingTimer = window.setTimeout(function () { finder.update({}, false); }, TYPING_DELAY_MS);
      }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      finder.update({near: finder.form.elements.zip.value ? "" : finder.search.near}, true);
    });
    this.form.addEventListener("reset", function (event) {
      event.preventDefault();
      finder.search = {cmp: finder.search.cmp};
      finder.fillForm();
      finder.update({}, true);
    });
    var locate_ = this.form.querySelector(".use-location");
    if (locate_ && navigator.geolocation) {
      locate_.hidden = false;
      locate_.addEventListener("click", function () { finder.useMyLocation(); });
    }
    window.addEventListener("popstate", function () {
      finder.search = CD.readSearch(window.location);
      finder.fillForm();
      finder.render(false);
    });
    CD.compare.onChange(function (ids) { finder.search.cmp = ids; });
  };

  Finder.prototype.useMyLocation = function () {
    var finder = this;
    this.say("Finding your location…");
    navigator.geolocation.getCurrentPosition(function (position) {
      /* Two decimals (about a kilometre) is enough to sort by distance. */
      var near = position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
      finder.form.elements.zip.value = "";
      finder.update({near: near}, true);
    }, function () {
      finder.say("Your location is not available. Type a ZIP code or “City, ST” instead.");
    }, {maximumAge: 600000, timeout: 10000});
  };

  Finder.prototype.say = function (text) {
    if (this.locationStatus) {
      this.locationStatus.textContent = text;
    }
  };

  Finder.prototype.readForm = function () {
    var search = {cmp: this.search.cmp, near: this.search.near};
    var elements = this.form.elements;
    FIELDS.forEach(function (name) {
      var field = elements[name];
      if (!field) {
        return;
      }
      var value = field.type === "checkbox" ? (field.checked ? "1" : "") : field.value.trim();
      if (value) {
        search[name] = value;
      }
    });
    return search;
  };

  Finder.prototype.fillForm = function () {
    var search = this.search;
    var elements = this.form.elements;
    FIELDS.forEach(function (name) {
      var field = elements[name];
      if (!field) {
        return;
      }
      if (field.type === "checkbox") {
        field.checked = search[name] === "1";
      } else {
        field.value = search[name] || "";
      }
    });
  };

  /* Take the form's values (plus ``changes``), record them in the address and redraw. */
  Finder.prototype.update = function (changes, newHistoryEntry) {
    var search = this.readForm();
    Object.keys(changes).forEach(function (key) { search[key] = changes[key]; });
    delete search.page;
    this.search = search;
    var url = CD.searchUrl(search, window.location);
    if (newHistoryEntry) {
      window.history.pushState(null, "", url);
    } else {
      window.history.replaceState(null, "", url);
    }
    this.render(true);
  };

  /* Where distances are measured from: the visitor's position or their ZIP/city. */
  Finder.prototype.origin = function () {
    var near = CD.parseNear(this.search.near);
    if (near || !this.search.zip) {
      return Promise.resolve(near);
    }
    var finder = this;
    this.places = this.places || loadPlaces(this.index.root);
    return this.places.then(function (places) {
      var point = locate(places, finder.search.zip);
      finder.say(point ? "" : "We could not find “" + finder.search.zip + "”. Try a 5-digit ZIP code or “City, ST”.");
      return point;
    }, function () {
      finder.say("The ZIP code table could not be loaded.");
      return null;
    });
  };

  Finder.prototype.render = function (fitMap) {
    var finder = this;
    var search = Object.assign({}, this.search);
    if (this.fixedState) {
      search.state = this.fixedState;
    }
    return this.origin().then(function (origin) {
      var found = CD.findClinics(finder.index, search, origin);
      finder.showList(found.rows, search);
      if (finder.layer) {
        finder.layer.show(found.rows.map(function (row) { return row.clinic; }), fitMap);
      }
      finder.section.setAttribute("data-rendered", String(found.rows.length));
      return found;
    });
  };

  Finder.prototype.showList = function (rows, search) {
    var pageCount = Math.max(1, Math.ceil(rows.length / this.pageSize));
    var page = Math.min(pageCount, Math.max(1, parseInt(search.page, 10) || 1));
    var first = (page - 1) * this.pageSize;
    var shown = rows.slice(first, first + this.pageSize);
    var finder = this;
    this.results.replaceChildren.apply(this.results, shown.map(function (row) {
      return finder.card(row, search);
    }));
    this.results.start = first + 1;
    var total = rows.length + " clinic" + (rows.length === 1 ? "" : "s");
    this.heading.textContent = rows.length > shown.length ?
      total + ", showing " + (first + 1) + " to " + (first + shown.length) : total;
    this.notice.hidden = !(search.route === "at_home" || search.home);
    this.showPages(page, pageCount);
  };

  Finder.prototype.showPages = function (page, pageCount) {
    var finder = this;
    this.pages.replaceChildren();
    this.pages.hidden = pageCount < 2;
    function go(target) {
      return function () {
        finder.search.page = target > 1 ? String(target) : "";
        window.history.pushState(null, "", CD.searchUrl(finder.search, window.location));
        finder.render(false).then(function () { finder.heading.focus(); });
      };
    }
    var previous = el("button", {type: "button", text: "Previous page", disabled: page <= 1});
    var next = el("button", {type: "button", text: "Next page", disabled: page >= pageCount});
    previous.addEventListener("click", go(page - 1));
    next.addEventListener("click", go(page + 1));
    this.pages.append(previous, el("span", {text: " Page " + page + " of " + pageCount + " "}), next);
  };

  Finder.prototype.card = function (row, search) {
    var clinic = row.clinic;
    var vocab = this.index.vocab;
    var bits = this.index.flagBits;
    var where = [clinic.city + ", " + clinic.state];
    if (clinic.status !== "active") {
      where.push(vocab.status.label(clinic.status));
    }
    if (row.distance !== null) {
      where.push(row.distance.toFixed(1) + " miles away");
    }
    if (clinic.flags & bits.sample) {
      where.push("Fictional sample");
    }
    var href = clinic.url;
    if (href && search.cmp && search.cmp.length) {
      href += "?cmp=" + search.cmp.join(",");
    }
    var facts = [];
    if (clinic.flags & bits.accepting_new_patients) {
      facts.push("Accepting new patients");
    }
    if (clinic.flags & bits.telehealth_consultations) {
      facts.push("Telehealth consultations");
    }
    var verified = CD.verifiedText(clinic.verified, this.index);
    var children = [
      el("h3", {}, [href ? el("a", {href: href, text: clinic.name}) : clinic.name]),
      el("p", {"class": "where", text: where.join(" · ")}),
      el("ul", {"class": "routes"}, clinic.services.map(function (service) {
        var text = vocab.route.label(service.route) + ": " +
          (service.price === null ? "no current session price" : CD.money(service.price) + " per session");
        if (service.insurance) {
          text += " · insurance accepted";
        }
        return el("li", {text: text});
      })),
      facts.length ? el("p", {"class": "facts", text: facts.join(" · ")}) : null,
      el("p", {"class": verified.stale ? "verified stale" : "verified",
        text: verified.text + (verified.stale ? " (over six months ago)" : "")})
    ];
    if (clinic.services.some(function (s) { return s.route === "at_home"; })) {
      children.push(el("p", {"class": "at-home-warning", text: this.index.atHomeWarning}));
    }
    children.push(CD.compare.button(clinic.id, clinic.name));
    return el("li", {"class": "clinic-card", "data-id": clinic.id}, children);
  };

  /* ---- start ---- */

  function start(section) {
    CD.loadIndex(section.getAttribute("data-index")).then(function (index) {
      var finder = new Finder(section, index);
      finder.search = CD.readSearch(window.location);
      finder.fillForm();
      CD.compare.rememberNames(index);
      var started = false;
      CD.map.whenMapReady(function (map) {
        finder.layer = new CD.map.ClinicLayer(map, index);
        if (started) {
          finder.render(true);
        }
      });
      started = true;
      return finder.render(true);
    }).catch(function (error) {
      section.setAttribute("data-error", error.message);
    });
  }

  var section = document.querySelector("section.finder[data-index]");
  if (section && section.querySelector("form.filters") && section.querySelector("#results")) {
    start(section);
  }
  window.ClinicDirectory.finder = {locate: locate, loadPlaces: loadPlaces};
}());
