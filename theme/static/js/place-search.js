/*
 * Places, looked up in the browser: a ZIP code (ZIP+4 too) or a town and state
 * ("St. Louis, MO", "Saint Louis MO", "Fort Worth, Texas", "bayamón pr"), found in
 * the ZIP table the build writes (data/zips.json). Nothing typed here, and no
 * position from "Use my location", leaves the device: the table is fetched whole.
 *
 * Also the home page's place box, which goes to the directory with the place after
 * "#" in the address (never sent to a server); the directory looks it up there; and
 * its site search box, which goes to /search/ the same way.
 *
 * window.ClinicPlaces = {load, resolve, locateMe, normal}
 */
(function () {
  "use strict";

  var t = window.ClinicFormat.t;
  /* Words that people shorten, mapped to one spelling on both sides of a comparison. */
  var SHORT = {saint: "st", sainte: "ste", fort: "ft", mount: "mt", mountain: "mtn", point: "pt", port: "pt"};
  var MAX_SUGGESTIONS = 5;

  /* Lower case, no accents or punctuation, common short forms: "Saint-Louis" = "st louis". */
  function normal(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['\u2019.]/g, "").replace(/[^a-z0-9]+/g, " ").trim()
      .split(" ").map(function (word) { return SHORT[word] || word; }).join(" ");
  }

  /* ---- the ZIP table ---- */

  var loading = {};

  /* The ZIP table (data/zips.json) decoded once: ZIP -> point, "town|st" -> place. */
  function load(root) {
    if (!loading[root]) {
      loading[root] = fetch(root + "data/zips.json", {credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) {
            throw new Error("ZIP table missing");
          }
          return response.json();
        })
        .then(decode);
    }
    return loading[root];
  }

  function decode(table) {
    var columns = table.columns;
    var scale = table.coordinate_scale;
    var zips = [];
    var byZip = {};
    var places = table.places.map(function (name) {
      var parts = name.split("|");
      return {label: parts[0] + ", " + parts[1], town: normal(parts[0]), state: parts[1],
        lat: 0, lon: 0, count: 0};
    });
    var byKey = {};
    places.forEach(function (place) { byKey[place.town + "|" + place.state] = place; });
    var zip = 0;
    var lat = 0;
    var lon = 0;
    var seen = 0;
    for (var i = 0; i < columns.zip.length; i += 1) {
      zip += columns.zip[i];
      lat += columns.lat[i];
      lon += columns.lon[i];
      var place = places[seen - columns.place[i]];
      if (columns.place[i] === 0) {
        seen += 1;
      }
      var code = String(zip).padStart(5, "0");
      byZip[code] = {point: [lat / scale, lon / scale], place: place};
      zips.push(code);
      place.lat += lat / scale;
      place.lon += lon / scale;
      place.count += 1;
    }
    return {byZip: byZip, zips: zips, places: places, byKey: byKey};
  }

  /* ---- matching ---- */

  function editDistance(a, b) {
    var previous = [];
    var j;
    for (j = 0; j <= b.length; j += 1) {
      previous[j] = j;
    }
    for (var i = 1; i <= a.length; i += 1) {
      var current = [i];
      for (j = 1; j <= b.length; j += 1) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1,
          previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = current;
    }
    return previous[b.length];
  }

  /* Towns spelled most like ``town`` (in ``state`` first, when given), bigger places first. */
  function similarTowns(table, town, state) {
    var scored = [];
    table.places.forEach(function (place) {
      if (Math.abs(place.town.length - town.length) > 3) {
        return;
      }
      var distance = editDistance(town, place.town);
      if (distance <= Math.max(2, Math.floor(town.length / 3))) {
        scored.push({place: place, score: distance - (place.state === state ? 1.5 : 0)});
      }
    });
    scored.sort(function (a, b) { return a.score - b.score || b.place.count - a.place.count; });
    return scored.slice(0, MAX_SUGGESTIONS).map(function (entry) { return entry.place.label; });
  }

  /* The ZIP codes nearest in number to one we do not know, with their towns. */
  function nearbyZips(table, zip) {
    var number = Number(zip);
    return table.zips.slice().sort(function (a, b) {
      return Math.abs(Number(a) - number) - Math.abs(Number(b) - number);
    }).slice(0, MAX_SUGGESTIONS - 1).sort().map(function (code) {
      // TRANSLATORS: a ZIP code offered instead of one not found, with its town: "78704 (Austin, TX)".
      return {value: code, label: t("{zip} ({place})", {zip: code, place: table.byZip[code].place.label})};
    });
  }

  /* "town" and a state code from what was typed: "City, ST", "City ST", "City, State". */
  function splitState(text, states) {
    var comma = text.lastIndexOf(",");
    if (comma !== -1) {
      var named = normal(text.slice(comma + 1));
      var code = states[named];
      if (code) {
        return {town: normal(text.slice(0, comma)), state: code};
      }
    }
    var words = normal(text).split(" ");
    for (var size = Math.min(3, words.length - 1); size >= 1; size -= 1) {
      var tail = words.slice(words.length - size).join(" ");
      if (states[tail]) {
        return {town: words.slice(0, words.length - size).join(" "), state: states[tail]};
      }
    }
    return {town: normal(text), state: ""};
  }

  /* Lower-case names and codes of the states -> the upper-case code. */
  function stateTable(stateNames) {
    var states = {};
    Object.keys(stateNames || {}).forEach(function (code) {
      states[code.toLowerCase()] = code;
      states[normal(stateNames[code])] = code;
    });
    return states;
  }

  function asSuggestions(labels) {
    return labels.map(function (label) { return {value: label, label: label}; });
  }

  /*
   * Look up what was typed. ``stateNames`` is {code: name} of the states that may be
   * named in full. Returns {point: [lat, lon], label} when found, else
   * {message, suggestions: [{value, label}]}: the message says what went wrong.
   */
  function resolve(table, text, stateNames) {
    var typed = String(text || "").trim();
    var zip = /^(\d{5})(?:[\s-]?\d{4})?$/.exec(typed);
    if (zip) {
      var found = table.byZip[zip[1]];
      if (found) {
        return {point: found.point, label: zip[1]};
      }
      return {message: t("We do not know the ZIP code {zip}. Nearby ZIP codes:", {zip: zip[1]}),
        suggestions: nearbyZips(table, zip[1])};
    }
    var wanted = splitState(typed, stateTable(stateNames));
    if (!wanted.town) {
      wanted = {town: normal(typed), state: ""};
    }
    var matches = wanted.state ? [table.byKey[wanted.town + "|" + wanted.state]].filter(Boolean) :
      table.places.filter(function (place) { return place.town === wanted.town; });
    if (matches.length === 1) {
      var place = matches[0];
      return {point: [place.lat / place.count, place.lon / place.count], label: place.label};
    }
    if (matches.length > 1) {
      matches.sort(function (a, b) { return b.count - a.count; });
      return {message: t("There is more than one \u201c{place}\u201d. Which one?", {place: typed}),
        suggestions: asSuggestions(matches.slice(0, MAX_SUGGESTIONS).map(function (p) { return p.label; }))};
    }
    var similar = wanted.town ? similarTowns(table, wanted.town, wanted.state) : [];
    return {
      message: similar.length ?
        t("We could not find \u201c{place}\u201d. Did you mean one of these?", {place: typed}) :
        t("We could not find \u201c{place}\u201d. Check the spelling, or type a 5-digit ZIP code.", {place: typed}),
      suggestions: asSuggestions(similar)
    };
  }

  /* ---- "Use my location" ---- */

  /* The visitor's position to two decimals (about a kilometre: enough to sort by
   * distance), or the sentence saying why there is none. */
  function locateMe(found, failed) {
    if (!navigator.geolocation) {
      failed(t("This browser cannot share your location. Type a ZIP code or a city and state instead."));
      return;
    }
    navigator.geolocation.getCurrentPosition(function (position) {
      found(position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2));
    }, function (error) {
      if (error.code === 1) { /* PERMISSION_DENIED */
        failed(t("You did not allow this site to use your location. Type a ZIP code or a city and state instead."));
      } else if (error.code === 3) { /* TIMEOUT */
        failed(t("Finding your location took too long. Try again, or type a ZIP code or a city and state."));
      } else {
        failed(t("Your device could not tell where you are. Type a ZIP code or a city and state instead."));
      }
    }, {maximumAge: 600000, timeout: 15000});
  }

  window.ClinicPlaces = {load: load, resolve: resolve, locateMe: locateMe, normal: normal};

  /* ---- the home page's place box ---- */

  /* Go to the form's page with ``values`` after "#", where no server sees them. */
  function goWithFragment(form, values) {
    var target = new URL(form.getAttribute("action"), document.baseURI);
    target.search = "";
    target.hash = new URLSearchParams(values).toString().replace(/%2C/g, ",");
    window.location.assign(target.href);
  }

  document.querySelectorAll("form.site-search-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      goWithFragment(form, {q: form.elements.q.value.trim()});
    });
  });

  document.querySelectorAll("form.place-search").forEach(function (form) {
    var input = form.querySelector("input");
    var status = form.querySelector(".near-status");
    var problem = form.querySelector(".place-error");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var place = input.value.trim();
      if (!place) {
        input.focus();
        return;
      }
      goWithFragment(form, {zip: place});
    });
    var button = form.querySelector(".use-location");
    if (button) {
      button.hidden = !navigator.geolocation;
      button.addEventListener("click", function () {
        problem.textContent = "";
        status.textContent = t("Finding your location\u2026");
        locateMe(function (near) {
          goWithFragment(form, {near: near});
        }, function (message) {
          status.textContent = "";
          problem.textContent = message;
          input.focus();
        });
      });
    }
  });
}());
