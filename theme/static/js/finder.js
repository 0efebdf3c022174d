/*
 * The finder (section.finder on /clinics/, state pages and /map/): the filter bar,
 * "More filters", the results heading and order, the cards, the one pager, the
 * List / Map switch and the map beside the list.
 *
 * The server writes one page of the list; this script redraws the same elements
 * from the data index, so nothing moves when it starts. The search lives in the
 * address (filters, sort and view in the query, the page in the path as without
 * JavaScript, the visitor's place after "#"), so reload, Back and a shared link
 * show the same results. The data index is fetched only once there is something to
 * draw (a search in the address, the map on screen, a filter touched), and the
 * map's library only when the map is on screen: a phone opening the plain list
 * does no more work than the server already did.
 */
(function () {
  "use strict";

  var CD = window.ClinicDirectory;
  var Places = window.ClinicPlaces;
  var el = CD.el;
  var t = window.ClinicFormat.t;
  var tn = window.ClinicFormat.tn;
  var TYPING_DELAY_MS = 400;
  var PAGE_SIZE = 20;
  /* Where list and map stand side by side (site.css); below it, a List / Map switch. */
  var SIDE_BY_SIDE = window.matchMedia("(min-width: 48rem)");
  /* Where "More filters" is a column, always open (site.css). */
  var FILTER_COLUMN = window.matchMedia("(min-width: 75rem)");
  var RADII = [10, 25, 50, 100, 250];
  /* After a place search the map shows it and this many of the nearest results. */
  var NEAREST_IN_VIEW = 3;
  /* The 48 contiguous states: when most results are there, the map opens on them and
   * leaves Alaska, Hawaii and Puerto Rico to panning, rather than zooming out to the Pacific. */
  var CONTIGUOUS = {south: 24, north: 50, west: -125, east: -66};
  var MOSTLY = 0.8;
  /* Filters that live in "More filters" (the rest are in the bar). */
  var MORE = ["condition", "rems", "home", "credential", "specialty", "board", "new", "telehealth", "lang",
    "state", "old", "noreferral", "step_free", "asl"];
  var FIELDS = ["route", "max_price", "insurance", "radius", "sort"].concat(MORE);
  var PLACE = ["zip", "near", "radius"];
  /* The filters in use that show as a button removing them (see chipLabel). */
  var CHIPS = ["route", "max_price", "insurance", "condition", "rems", "home", "credential", "specialty",
    "board", "new", "telehealth", "lang", "state", "old"];

  /* Counts as people read them: "1,204 clinics". */
  function number(count) {
    return count.toLocaleString("en-US");
  }

  /* A message with elements in its {named} blanks, as children for el(): ["Verified ", <time>]. */
  function withNodes(text, nodes) {
    return text.split(/\{(\w+)\}/).map(function (part, i) {
      return i % 2 ? nodes[part] : part;
    }).filter(Boolean);
  }

  function miles(distance) {
    return distance < 10 ? distance.toFixed(1) : String(Math.round(distance));
  }

  function tel(phone) {
    var digits = phone.replace(/[^0-9]/g, "");
    return "tel:" + (/^\s*\+/.test(phone) ? "+" : "") + digits;
  }

  function idOf(identity) {
    return "card-" + identity.replace(/[^a-z0-9]+/g, "-");
  }

  /* ---- one finder ---- */

  function Finder(section) {
    this.section = section;
    this.index = null;
    this.loading = null;
    this.form = section.querySelector("form.finder-bar");
    this.more = section.querySelector(".finder-more");
    this.moreToggle = section.querySelector(".more-toggle");
    this.place = section.querySelector("#filter-zip");
    this.placeError = section.querySelector(".place-error");
    this.nearStatus = section.querySelector(".near-status");
    this.heading = section.querySelector("#results-heading");
    this.range = section.querySelector(".range");
    this.hiddenNote = section.querySelector(".out-of-date-note");
    this.chips = section.querySelector(".active-filters");
    this.orderNote = section.querySelector(".order-note");
    this.results = section.querySelector("#results");
    this.list = section.querySelector(".finder-list");
    this.fixedState = section.getAttribute("data-state") || "";
    this.defaultView = section.getAttribute("data-default-view") || "list";
    this.pageSize = parseInt(section.getAttribute("data-per-page"), 10) || PAGE_SIZE;
    this.pagedByQuery = section.hasAttribute("data-paged-by-query");
    this.firstUrl = new URL(section.getAttribute("data-first-url"), document.baseURI).pathname;
    /* "/clinics/page/{number}/" (decoded: the braces come back from URL escaped). */
    this.pageUrl = decodeURI(new URL(section.getAttribute("data-page-url"), document.baseURI).pathname);
    this.status = el("p", {"class": "visually-hidden", role: "status"});
    this.heading.parentNode.appendChild(this.status);
    this.notice = el("p", {"class": "at-home-warning", hidden: true});
    this.results.parentNode.insertBefore(this.notice, this.results);
    this.pager = section.querySelector("nav.pagination");
    this.layer = null;
    this.origin = null;
    this.ticket = 0;
    this.renders = 0;
    this.typingTimer = null;
    this.stateNames = {};
    this.bind();
  }

  /* The data index, fetched and decoded once, when something first needs it. */
  Finder.prototype.ready = function () {
    var finder = this;
    if (!this.loading) {
      this.loading = CD.loadIndex(this.section.getAttribute("data-index")).then(function (index) {
        finder.index = index;
        index.vocab.state.rows.forEach(function (row) { finder.stateNames[row[0]] = row[1]; });
        finder.notice.textContent = index.atHomeWarning;
        if (CD.compare) {
          CD.compare.rememberNames(index);
        }
        return index;
      });
    }
    return this.loading;
  };

  /* Whether the address asks for more than the server's plain list. */
  Finder.prototype.searching = function () {
    var search = this.search;
    return Object.keys(search).some(function (key) {
      return key !== "cmp" && key !== "view" && Boolean(search[key]);
    });
  };

  /* ---- the address ---- */

  /* The path of result page ``number``: the listing's own pages, or ?page= on /map/. */
  Finder.prototype.pathOf = function (number) {
    if (this.pagedByQuery || number <= 1) {
      return this.pagedByQuery ? window.location.pathname : this.firstUrl;
    }
    return this.pageUrl.replace("{number}", String(number));
  };

  Finder.prototype.pageFromAddress = function () {
    if (this.pagedByQuery) {
      return parseInt(new URLSearchParams(window.location.search).get("page"), 10) || 1;
    }
    var pattern = this.pageUrl.split("{number}").map(function (part) {
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("(\\d+)");
    var found = new RegExp("^" + pattern + "$").exec(window.location.pathname);
    return found ? parseInt(found[1], 10) : 1;
  };

  Finder.prototype.readAddress = function () {
    this.search = CD.readSearch(window.location);
    this.page = this.pageFromAddress();
    delete this.search.page;
  };

  /* The address of the current search at ``page``. */
  Finder.prototype.address = function (page) {
    var search = Object.assign({}, this.search);
    if (this.pagedByQuery && page > 1) {
      search.page = String(page);
    }
    if (search.view === this.defaultView) {
      delete search.view;
    }
    return CD.searchUrl(search, window.location, this.pathOf(page));
  };

  Finder.prototype.remember = function (newEntry) {
    var url = this.address(this.page);
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history[newEntry ? "pushState" : "replaceState"](null, "", url);
    }
  };

  /* ---- the form ---- */

  Finder.prototype.bind = function () {
    var finder = this;
    /* On the section: fields in "More filters" and the sort belong to the form by
     * their form attribute, so their events do not pass through it. */
    this.section.addEventListener("change", function (event) {
      if (event.target.form !== finder.form || event.target === finder.place) {
        return; /* a place is searched when submitted */
      }
      if (event.target.name) {
        finder.update({}, true);
      }
    });
    this.section.addEventListener("input", function (event) {
      if (event.target.name === "max_price") {
        window.clearTimeout(finder.typingTimer);
        finder.typingTimer = window.setTimeout(function () { finder.update({}, false); }, TYPING_DELAY_MS);
      }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var placeChanged = finder.place.value.trim() !== (finder.search.zip || "");
      finder.update(placeChanged ? {near: ""} : {}, true);
      if (event.submitter && event.submitter.classList.contains("show-results")) {
        finder.showMore(false);
        finder.focusResults();
      }
    });
    this.form.addEventListener("reset", function (event) {
      event.preventDefault();
      finder.clearFilters();
    });
    this.moreToggle.addEventListener("click", function () {
      finder.showMore(finder.moreToggle.getAttribute("aria-expanded") !== "true");
    });
    var locate = this.form.querySelector(".use-location");
    locate.hidden = !navigator.geolocation;
    locate.addEventListener("click", function () { finder.useMyLocation(); });
    this.section.querySelectorAll(".view-switch button").forEach(function (button) {
      button.addEventListener("click", function () {
        finder.search.view = button.getAttribute("data-view");
        finder.remember(true);
        finder.showView(true);
      });
    });
    this.chips.addEventListener("click", function (event) {
      var chip = event.target.closest("button[data-filter]");
      if (chip) {
        var changes = {};
        changes[chip.getAttribute("data-filter")] = "";
        finder.fillForm(Object.assign({}, finder.search, changes));
        finder.update({}, true);
      }
    });
    this.placeError.addEventListener("click", function (event) {
      var choice = event.target.closest("button[data-place]");
      if (choice) {
        finder.place.value = choice.getAttribute("data-place");
        finder.update({near: ""}, true);
        finder.place.focus();
      }
    });
    this.hiddenNote.addEventListener("click", function (event) {
      if (event.target.closest("button")) {
        finder.form.elements.old.checked = true;
        finder.update({}, true);
      }
    });
    window.addEventListener("popstate", function () {
      finder.readAddress();
      finder.fillForm(finder.search);
      finder.showView(false);
      finder.render(true);
    });
    SIDE_BY_SIDE.addEventListener("change", function () {
      finder.showView(true);
      if (finder.index) {
        finder.showChips(finder.search);
      }
    });
    if (CD.compare) {
      CD.compare.onChange(function (ids) {
        finder.search.cmp = ids;
        finder.ready(); /* the tray names the clinics chosen */
      });
    }
  };

  Finder.prototype.readForm = function () {
    var search = {cmp: this.search.cmp, near: this.search.near, view: this.search.view};
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
    var place = this.place.value.trim();
    if (place) {
      search.zip = place;
    }
    return search;
  };

  Finder.prototype.fillForm = function (search) {
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
    this.place.value = search.zip || "";
  };

  /* Take the form's values (plus ``changes``), start again at page 1, remember and redraw. */
  Finder.prototype.update = function (changes, newEntry) {
    var search = this.readForm();
    Object.keys(changes).forEach(function (key) {
      if (changes[key]) {
        search[key] = changes[key];
      } else {
        delete search[key];
      }
    });
    this.search = search;
    this.page = 1;
    this.remember(newEntry);
    return this.render(true);
  };

  /* "Clear all filters" keeps the place: it is where you are, not a filter. */
  Finder.prototype.clearFilters = function () {
    var kept = {cmp: this.search.cmp, view: this.search.view};
    var search = this.search;
    PLACE.forEach(function (key) {
      if (search[key]) {
        kept[key] = search[key];
      }
    });
    this.fillForm(kept);
    return this.update({}, true);
  };

  Finder.prototype.showMore = function (open) {
    this.more.classList.toggle("is-open", open);
    this.section.classList.toggle("filters-open", open);
    this.moreToggle.setAttribute("aria-expanded", open ? "true" : "false");
  };

  Finder.prototype.focusResults = function () {
    this.heading.focus({preventScroll: true});
    this.heading.scrollIntoView({block: "start"});
  };

  Finder.prototype.useMyLocation = function () {
    var finder = this;
    this.placeError.replaceChildren();
    this.nearStatus.textContent = t("Finding your location\u2026");
    Places.locateMe(function (near) {
      finder.nearStatus.textContent = "";
      finder.place.value = "";
      finder.update({near: near, zip: ""}, true);
    }, function (message) {
      finder.nearStatus.textContent = "";
      finder.placeError.replaceChildren(el("p", {text: message}));
      finder.place.focus();
    });
  };

  /* ---- where distances are measured from ---- */

  /* {point, label} of the visitor's position or typed place, or null; shows look-up errors. */
  Finder.prototype.findOrigin = function () {
    var finder = this;
    var near = CD.parseNear(this.search.near);
    if (near) {
      this.placeError.replaceChildren();
      // TRANSLATORS: the place distances are measured from, as in "3 clinics within 25 miles of your location".
      return Promise.resolve({point: near, label: t("your location")});
    }
    if (!this.search.zip) {
      this.placeError.replaceChildren();
      return Promise.resolve(null);
    }
    return Places.load(this.index.root).then(function (table) {
      var found = Places.resolve(table, finder.search.zip, finder.stateNames);
      finder.showPlaceProblem(found.point ? null : found);
      return found.point ? found : null;
    }, function () {
      var message = t("The list of places could not be loaded, so distances are not available. Try again later, or browse by state.");
      finder.showPlaceProblem({message: message, suggestions: []});
      return null;
    });
  };

  Finder.prototype.showPlaceProblem = function (problem) {
    if (!problem) {
      this.placeError.replaceChildren();
      return;
    }
    var children = [el("p", {text: problem.message})];
    if (problem.suggestions.length) {
      children.push(el("ul", {"class": "suggestions"}, problem.suggestions.map(function (choice) {
        return el("li", {}, [el("button", {type: "button", "class": "button-secondary",
          "data-place": choice.value, text: choice.label})]);
      })));
    }
    this.placeError.replaceChildren.apply(this.placeError, children);
  };

  /* ---- drawing ---- */

  Finder.prototype.render = function (fitMap) {
    var finder = this;
    var ticket = ++this.ticket;
    var search = Object.assign({}, this.search);
    if (this.fixedState) {
      search.state = this.fixedState;
    }
    this.results.setAttribute("aria-busy", "true");
    return this.ready().then(function () {
      return ticket === finder.ticket ? finder.findOrigin() : null;
    }).then(function (origin) {
      if (ticket !== finder.ticket) {
        return null;
      }
      finder.origin = origin;
      var found = finder.find(search, origin);
      var pages = Math.max(1, Math.ceil(found.rows.length / finder.pageSize));
      if (finder.page > pages) {
        finder.page = pages; /* a pager never outlives its results */
      }
      finder.remember(false);
      var first = (finder.page - 1) * finder.pageSize;
      var shown = found.rows.slice(first, first + finder.pageSize);
      finder.showList(found, shown, search, first);
      finder.showHeading(found, search, origin);
      finder.showRange(first, shown.length, pages);
      finder.showPages(pages);
      /* The map after the list has been drawn: clustering many clinics is a task of its own. */
      window.setTimeout(function () { finder.showMap(found.rows, fitMap); }, 0);
      finder.results.removeAttribute("aria-busy");
      finder.section.setAttribute("data-rendered", String(found.rows.length));
      finder.renders += 1;
      finder.section.setAttribute("data-renders", String(finder.renders));
      return found;
    });
  };

  /* The search's results; listings not verified for over a year only when asked for. */
  Finder.prototype.find = function (search, origin) {
    var index = this.index;
    var found = CD.findClinics(index, Object.assign({}, search, {old: "1"}), origin && origin.point);
    var all = found.rows.length;
    if (search.old !== "1") {
      found.rows = found.rows.filter(function (row) { return !CD.outOfDate(row.clinic, index); });
    }
    found.hidden = all - found.rows.length;
    return found;
  };

  Finder.prototype.showList = function (found, shown, search, first) {
    var finder = this;
    var cards = shown.map(function (row) { return finder.card(row, search); });
    if (!found.rows.length) {
      cards = [this.noResults(search)];
    }
    this.results.replaceChildren.apply(this.results, cards);
    this.showHidden(found.hidden);
    this.results.start = first + 1;
    this.notice.hidden = !(search.route === "at_home" || search.home);
    if (CD.compare) {
      CD.compare.rememberNames(this.index);
    }
  };

  /* Says how many listings too old to trust were left out, with a way to see them. */
  Finder.prototype.showHidden = function (count) {
    if (!count) {
      this.hiddenNote.replaceChildren();
      return;
    }
    var said = tn("{count} listing not verified for over a year is not shown.",
      "{count} listings not verified for over a year are not shown.", count, {count: number(count)});
    this.hiddenNote.replaceChildren(said, " ",
      el("button", {type: "button", "class": "button-link needs-js", text: tn("Show it too", "Show them too", count)}));
  };

  /* The heading says what is shown: count, route, state and place in one sentence, one
   * message per combination of route (r), state (s) and place (n: distances from it,
   * w: within a radius of it). */
  Finder.prototype.headingText = function (count, search, origin) {
    var route = search.route && this.index.vocab.route.byValue[search.route] ? search.route : "";
    var state = search.state && this.index.vocab.state.byValue[search.state] ? search.state : "";
    var radius = parseFloat(search.radius);
    var key = (route ? "r" : "") + (state ? "s" : "") + (origin ? (radius > 0 ? "w" : "n") : "");
    var v = {
      count: number(count),
      route: route && this.index.vocab.route.label(route),
      state: state && this.index.vocab.state.label(state),
      place: origin ? origin.label : "",
      radius: radius
    };
    return {
      "": tn("{count} clinic", "{count} clinics", count, v),
      r: tn("{count} clinic offering {route}", "{count} clinics offering {route}", count, v),
      s: tn("{count} clinic in {state}", "{count} clinics in {state}", count, v),
      rs: tn("{count} clinic in {state} offering {route}", "{count} clinics in {state} offering {route}", count, v),
      n: tn("{count} clinic, with its distance from {place}", "{count} clinics, with distances from {place}",
        count, v),
      rn: tn("{count} clinic offering {route}, with its distance from {place}",
        "{count} clinics offering {route}, with distances from {place}", count, v),
      sn: tn("{count} clinic in {state}, with its distance from {place}",
        "{count} clinics in {state}, with distances from {place}", count, v),
      rsn: tn("{count} clinic in {state} offering {route}, with its distance from {place}",
        "{count} clinics in {state} offering {route}, with distances from {place}", count, v),
      w: tn("{count} clinic within {radius} miles of {place}", "{count} clinics within {radius} miles of {place}",
        count, v),
      rw: tn("{count} clinic within {radius} miles of {place} offering {route}",
        "{count} clinics within {radius} miles of {place} offering {route}", count, v),
      sw: tn("{count} clinic in {state} within {radius} miles of {place}",
        "{count} clinics in {state} within {radius} miles of {place}", count, v),
      // TRANSLATORS: the results heading, like its shorter forms above: {route} is a treatment,
      // {state} a state's name, {place} a ZIP code, a town ("Austin, TX") or "your location".
      rsw: tn("{count} clinic in {state} within {radius} miles of {place} offering {route}",
        "{count} clinics in {state} within {radius} miles of {place} offering {route}", count, v)
    }[key];
  };

  Finder.prototype.showHeading = function (found, search, origin) {
    var text = this.headingText(found.rows.length, search, origin);
    if (this.heading.textContent !== text) {
      this.heading.textContent = text;
    }
    this.showChips(search);
    this.showOrder(found.order, origin);
  };

  /* Which part of the results this page shows, from the second page on. */
  Finder.prototype.showRange = function (first, count, pages) {
    var text = this.page > 1 ? t("Clinics {first} to {last}, page {page} of {pages}",
      {first: first + 1, last: first + count, page: this.page, pages: pages}) : "";
    this.range.textContent = text;
    this.status.textContent = this.heading.textContent + (text ? ". " + text : "");
  };

  /* The sentence about the order always names the sort in force. */
  Finder.prototype.showOrder = function (order, origin) {
    var children;
    if (order === "distance") {
      children = [t("Nearest to {place} first, in a straight line.", {place: origin.label})];
    } else if (order === "price") {
      children = [this.index.priceSortNote];
    } else if (order === "verified") {
      children = [t("Most recently verified first.")];
    } else {
      children = [t("By state and city, then in a neutral order that changes monthly.") + " ",
        el("a", {href: this.index.pageRoot + "ordering/", text: t("How listings are ordered")})];
      if (this.search.sort === "distance") {
        children.push(" " + t("Type a place to sort by distance."));
      }
    }
    this.orderNote.replaceChildren.apply(this.orderNote, children);
  };

  /* The words on the button removing filter ``name`` (one of CHIPS). */
  Finder.prototype.chipLabel = function (name, value) {
    var vocab = this.index.vocab;
    var shown = {
      route: function () { return vocab.route.label(value); },
      max_price: function () { return window.ClinicFormat.money(parseFloat(value)); },
      condition: function () { return vocab.condition.label(value); },
      home: function () { return vocab.state.label(value); },
      credential: function () { return vocab.credential.label(value); },
      specialty: function () { return vocab.specialty.label(value); },
      lang: function () { return vocab.language.label(value); },
      state: function () { return vocab.state.label(value); }
    }[name];
    var v = {value: shown ? shown() : value};
    return {
      route: v.value,
      max_price: t("Up to {value} a session", v),
      insurance: t("Insurance pays"),
      // TRANSLATORS: a filter in use: clinics that list this condition ("Lists depression").
      condition: t("Lists {value}", v),
      rems: t("REMS-certified for esketamine"),
      // TRANSLATORS: {value} is a state's name.
      home: t("At-home treatment in {value}", v),
      // TRANSLATORS: {value} is a credential, such as "MD (medical doctor)".
      credential: t("A clinician with {value}", v),
      // TRANSLATORS: {value} is a medical specialty, such as "psychiatry".
      specialty: t("A clinician in {value}", v),
      board: t("A board-certified clinician"),
      "new": t("Accepting new patients"),
      telehealth: t("Telehealth consultations"),
      // TRANSLATORS: {value} is a language's name.
      lang: t("Speaks {value}", v),
      // TRANSLATORS: {value} is a state's name.
      state: t("In {value}", v),
      old: t("Including listings not verified for over a year")
    }[name];
  };

  /* Every filter in use, as a button that removes it; "More filters" counts its own. */
  Finder.prototype.showChips = function (search) {
    var finder = this;
    var active = CHIPS.filter(function (name) {
      return finder.search[name] && !(name === "max_price" && isNaN(parseFloat(search.max_price)));
    });
    this.chips.replaceChildren.apply(this.chips, active.map(function (name) {
      var label = finder.chipLabel(name, finder.search[name]);
      return el("li", {}, [el("button", {type: "button", "data-filter": name, text: label,
        "aria-label": t("Remove filter: {filter}", {filter: label})})]);
    }));
    /* On a phone the button opens every filter, wider only "More filters": count those. */
    var counted = (SIDE_BY_SIDE.matches ? MORE : FIELDS).filter(function (name) {
      return name !== "sort" && finder.search[name];
    }).length;
    // TRANSLATORS: how many filters are in use, after "More filters" or "Filters".
    this.moreToggle.querySelector(".count").textContent = counted ? t("({count})", {count: counted}) : "";
  };

  Finder.prototype.noResults = function (search) {
    var finder = this;
    var children = [el("p", {text: t("No clinic matches everything you asked for.")})];
    var radius = parseFloat(search.radius);
    var actions = [];
    if (this.origin && radius > 0) {
      var wider = Object.assign({}, search, {radius: ""});
      var nearest = CD.findClinics(this.index, wider, this.origin.point).rows.filter(function (row) {
        return row.distance !== null;
      })[0];
      if (nearest) {
        var where = nearest.clinic.city + ", " + nearest.clinic.state;
        children.push(el("p", {text: t("The nearest that matches the rest is {miles} miles away, in {where}.",
          {miles: miles(nearest.distance), where: where})}));
        var next = RADII.filter(function (r) { return r > radius && r >= nearest.distance; })[0];
        if (next) {
          var widen = el("button", {type: "button", text: t("Search within {radius} miles", {radius: next})});
          widen.addEventListener("click", function () {
            finder.form.elements.radius.value = String(next);
            finder.update({}, true);
          });
          actions.push(widen);
        }
      }
    }
    var clear = el("button", {type: "button", "class": "button-secondary", text: t("Clear all filters")});
    clear.addEventListener("click", function () { finder.clearFilters(); });
    actions.push(clear);
    children.push(el("p", {"class": "actions"}, actions));
    return el("li", {"class": "no-results"}, children);
  };

  /* ---- one card: the same facts as the server's card (partials/listing.html) ---- */

  Finder.prototype.card = function (row, search) {
    var clinic = row.clinic;
    var vocab = this.index.vocab;
    var bits = this.index.flagBits;
    var route = search.route && vocab.route.byValue[search.route] ? search.route : "";
    var head = [el("h3", {"class": "card-name", id: idOf(clinic.id)}, [
      clinic.url ? el("a", {href: this.withCompare(clinic.url), text: clinic.name}) : clinic.name])];
    if (row.distance !== null) {
      head.push(el("span", {"class": "card-distance", text: t("{miles} miles", {miles: miles(row.distance)})}));
    }
    var tags = clinic.services.map(function (service) {
      return el("li", {"class": "tag", text: vocab.route.label(service.route)});
    });
    if (clinic.status !== "active") {
      tags.push(el("li", {"class": "tag tag-status", text: vocab.status.label(clinic.status)}));
    }
    if (clinic.flags & bits.sample) {
      // TRANSLATORS: a tag on a made-up clinic of the sample site.
      tags.push(el("li", {"class": "tag tag-sample", text: t("Fictional sample")}));
    }
    var best = CD.headlineService(clinic, route);
    // TRANSLATORS: after a price, the treatment it is for: "$495 per session (IV infusion)".
    var priceOf = best && t("({route})", {route: vocab.route.label(best.route)});
    var price = best ?
      el("p", {"class": "card-price"}, [window.ClinicFormat.headline(best)].concat(clinic.services.length > 1 ?
        [" ", el("span", {"class": "per", text: priceOf})] : [])) :
      el("p", {"class": "card-price no-price", text: t("No price listed: ask the clinic")});
    var insured = CD.servicesFor(clinic, route).filter(function (s) { return s.insurance; })
      .map(function (s) { return vocab.route.label(s.route); });
    var facts = [
      insured.length ?
        el("li", {"class": "yes", text: t("Insurance accepted for {routes}", {routes: insured.join(", ")})}) :
        el("li", {"class": "no", text: route ? t("No insurance listed for {route}", {route: vocab.route.label(route)}) :
          t("No insurance listed")}),
      clinic.flags & bits.accepting_new_patients ? el("li", {"class": "yes", text: t("Accepting new patients")}) :
        el("li", {"class": "no", text: t("New patients: ask the clinic")})
    ];
    var verified = CD.verifiedText(clinic.verified, this.index);
    var date = el("time", {datetime: verified.iso, text: verified.date});
    // TRANSLATORS: when a listing's facts were last checked: "Verified Oct 14, 2026".
    var verifiedLine = withNodes(t("Verified {date}"), {date: date});
    if (verified.warning) {
      // TRANSLATORS: after "Verified Oct 14, 2026": "(over six months ago)".
      verifiedLine.push(" ", el("strong", {text: t("({warning})", {warning: verified.warning})}));
    }
    var children = [
      el("div", {"class": "card-head"}, head),
      el("p", {"class": "where", text: clinic.city + ", " + clinic.state}),
      el("ul", {"class": "card-tags", "aria-label": t("Treatment routes")}, tags),
      price,
      el("ul", {"class": "card-facts"}, facts),
      el("p", {"class": "verified verified-" + verified.level}, verifiedLine)
    ];
    if (clinic.services.some(function (s) { return s.route === "at_home"; })) {
      children.push(el("p", {"class": "at-home-warning", text: this.index.atHomeWarning}));
    }
    var actions = [];
    if (clinic.phone) {
      actions.push(el("a", {"class": "button-secondary", href: tel(clinic.phone),
        text: t("Call {phone}", {phone: window.ClinicFormat.usPhone(clinic.phone)})}));
    }
    if (CD.compare) {
      var compare = CD.compare.button(clinic.id, clinic.name);
      compare.setAttribute("aria-describedby", idOf(clinic.id));
      actions.push(compare);
    }
    children.push(el("div", {"class": "card-actions"}, actions));
    return el("li", {"class": "clinic-card", "data-id": clinic.id}, children);
  };

  /* A clinic page link that carries the compare choice along. */
  Finder.prototype.withCompare = function (href) {
    var ids = this.search.cmp || [];
    return ids.length ? href + "?cmp=" + ids.join(",") : href;
  };

  /* ---- the one pager ---- */

  Finder.prototype.showPages = function (pages) {
    var finder = this;
    if (pages < 2) {
      if (this.pager) {
        this.pager.remove();
        this.pager = null;
      }
      return;
    }
    if (!this.pager) {
      this.pager = el("nav", {"class": "pagination", "aria-label": t("Result pages")});
      this.list.appendChild(this.pager);
    }
    function link(target, rel, label) {
      if (target < 1 || target > pages) {
        return el("span", {"class": "button-secondary is-disabled", "aria-hidden": "true", text: label});
      }
      var a = el("a", {"class": "button-secondary", rel: rel, href: finder.address(target), text: label});
      a.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
          return;
        }
        event.preventDefault();
        finder.page = target;
        finder.remember(true);
        finder.render(true).then(function () { finder.focusResults(); });
      });
      return a;
    }
    this.pager.replaceChildren(
      link(this.page - 1, "prev", t("Previous page")),
      el("p", {"class": "pager-status", text: t("Page {page} of {pages}", {page: this.page, pages: pages})}),
      link(this.page + 1, "next", t("Next page"))
    );
  };

  /* ---- List / Map and the map ---- */

  Finder.prototype.mapShown = function () {
    return SIDE_BY_SIDE.matches || this.section.getAttribute("data-view") === "map";
  };

  /* Show the list or the map on a phone (both when wider); with ``draw``, draw a map
   * that has come on screen. */
  Finder.prototype.showView = function (draw) {
    var view = this.search.view === "map" || this.search.view === "list" ? this.search.view : this.defaultView;
    this.section.setAttribute("data-view", view);
    this.section.querySelectorAll(".view-switch button").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-view") === view ? "true" : "false");
    });
    if (this.layer) {
      this.layer.map.invalidateSize();
    }
    if (draw && this.mapShown()) {
      if (this.rows) {
        this.showMap(this.rows, true);
      } else {
        this.render(true);
      }
    }
  };

  /* Draw the results on the map, loading it first if it is on screen. */
  Finder.prototype.showMap = function (rows, fit) {
    var finder = this;
    this.rows = rows;
    if (!this.mapShown()) {
      return;
    }
    if (!this.layer) {
      CD.loadMap().then(function (map) {
        finder.layer = finder.layer || new CD.map.ClinicLayer(map, finder.index);
        finder.layer.map.invalidateSize();
        finder.showMap(finder.rows, true);
      });
      return;
    }
    /* With a place, the view centres on it and its nearest few results; else on all of
     * them, or on those in the contiguous states when that is most. */
    var focus = this.origin ? rows.filter(function (row) { return row.distance !== null; })
      .sort(function (a, b) { return a.distance - b.distance; }).slice(0, NEAREST_IN_VIEW) : rows;
    var contiguous = focus.filter(function (row) {
      var c = row.clinic;
      return c.lat >= CONTIGUOUS.south && c.lat <= CONTIGUOUS.north &&
        c.lon >= CONTIGUOUS.west && c.lon <= CONTIGUOUS.east;
    });
    if (!this.origin && contiguous.length >= MOSTLY * focus.length) {
      focus = contiguous;
    }
    this.layer.show(rows.map(function (row) { return row.clinic; }), fit,
      focus.map(function (row) { return row.clinic; }), this.origin);
  };

  /* ---- start ---- */

  /* Bind the form at once; draw only when the address or the screen asks for it. */
  function start(section) {
    var finder = new Finder(section);
    finder.readAddress();
    finder.fillForm(finder.search);
    finder.showMore(false);
    finder.showView(false);
    if (finder.mapShown()) {
      CD.loadMap(); /* the map and its tiles load while the data index does */
    }
    var first = finder.searching() || finder.mapShown() ? finder.render(true) :
      (finder.search.cmp.length ? finder.ready() : Promise.resolve());
    first.then(function () {
      section.setAttribute("data-finder", "ready");
    }, function (error) {
      section.setAttribute("data-error", error.message);
      throw error;
    });
  }

  var section = document.querySelector("section.finder[data-index]");
  if (section && section.querySelector("form.finder-bar") && section.querySelector("#results")) {
    start(section);
  }
}());
