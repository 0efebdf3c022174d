/*
 * "Add to compare" buttons, the tray of chosen clinics and the /compare/ page.
 *
 * The choice lives only in page addresses: ``cmp=`` on the page being browsed
 * and ``c=`` on the compare page. Nothing is stored in the browser.
 */
(function () {
  "use strict";

  var CD = window.ClinicDirectory;
  var el = CD.el;
  var IDENTITY = /^[a-z]{2}\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var listeners = [];
  var names = {};

  /* The site's root address, from the data index link or the site name link. */
  function siteRoot() {
    var withIndex = document.querySelector("[data-index]");
    if (withIndex) {
      return new URL("../", new URL(withIndex.getAttribute("data-index"), document.baseURI)).href;
    }
    var home = document.querySelector("a.site-name");
    return home ? home.href : new URL("/", document.baseURI).href;
  }

  function selection() {
    return CD.readSearch(window.location).cmp.filter(function (id) { return IDENTITY.test(id); });
  }

  function compareHref(ids) {
    return siteRoot() + "compare/?c=" + ids.join(",");
  }

  function setSelection(ids) {
    var search = CD.readSearch(window.location);
    search.cmp = ids;
    window.history.replaceState(window.history.state, "", CD.searchUrl(search, window.location));
    refresh();
    listeners.forEach(function (listener) { listener(ids); });
  }

  function toggle(id) {
    var ids = selection();
    var at = ids.indexOf(id);
    if (at !== -1) {
      ids.splice(at, 1);
    } else if (ids.length < CD.COMPARE_MAX) {
      ids.push(id);
    }
    setSelection(ids);
  }

  function updateButton(button, ids) {
    var id = button.getAttribute("data-id");
    var chosen = ids.indexOf(id) !== -1;
    button.hidden = false;
    button.setAttribute("aria-pressed", chosen ? "true" : "false");
    button.textContent = chosen ? "Remove from compare" : "Add to compare";
    button.disabled = !chosen && ids.length >= CD.COMPARE_MAX;
  }

  /* A new "Add to compare" button for a clinic (cards and map popups). */
  function button(id, name) {
    if (name) {
      names[id] = name;
    }
    var node = el("button", {type: "button", "class": "compare-add", "data-id": id});
    updateButton(node, selection());
    return node;
  }

  function tray() {
    var node = document.querySelector(".compare-tray");
    if (!node) {
      node = el("aside", {"class": "compare-tray", "aria-label": "Clinics to compare"});
      document.body.appendChild(node);
    }
    return node;
  }

  function refresh() {
    var ids = selection();
    document.querySelectorAll("button.compare-add[data-id]").forEach(function (node) {
      updateButton(node, ids);
    });
    var node = tray();
    node.hidden = ids.length === 0;
    node.replaceChildren();
    if (!ids.length) {
      return;
    }
    var list = el("ul", {"class": "compare-tray-list"}, ids.map(function (id) {
      return el("li", {}, [names[id] || id]);
    }));
    var status = ids.length < 2 ? "Choose at least 2 clinics to compare." :
      ids.length + " of " + CD.COMPARE_MAX + " clinics chosen.";
    var children = [el("p", {"class": "compare-tray-status", role: "status", text: status}), list];
    if (ids.length >= 2) {
      children.push(el("a", {"class": "compare-go", href: compareHref(ids),
        text: "Compare " + ids.length + " clinics"}));
    }
    children.push(el("button", {type: "button", "class": "compare-clear", text: "Clear"}));
    children.forEach(function (child) { node.appendChild(child); });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button.compare-add[data-id], button.compare-clear");
    if (!target) {
      return;
    }
    if (target.classList.contains("compare-clear")) {
      setSelection([]);
    } else {
      toggle(target.getAttribute("data-id"));
    }
  });

  /* ---- the compare page ---- */

  function label(doc, vocabName, value) {
    var entry = doc.labels[vocabName] && doc.labels[vocabName][value];
    return entry ? entry[0] : value;
  }

  function priceText(price, doc) {
    var amount = price.amount !== undefined ? CD.money(price.amount) :
      CD.money(price.min) + "–" + CD.money(price.max);
    var parts = [amount + " " + label(doc, "price_unit", price.unit)];
    if (price.sessions) {
      parts.push(price.sessions + " sessions");
    }
    if (price.includes) {
      parts.push(price.includes);
    }
    return parts.join(", ");
  }

  function yesNo(value) {
    if (value === true) {
      return "Yes";
    }
    return value === false ? "No" : "Not stated";
  }

  /* A term linked to the guide section explaining it (vocabulary data, not the record's). */
  function term(doc, vocabName, value) {
    var entry = doc.labels[vocabName] && doc.labels[vocabName][value];
    if (!entry || !entry[2]) {
      return label(doc, vocabName, value);
    }
    return el("a", {href: new URL(entry[2], siteRoot()).href, title: entry[1], text: entry[0]});
  }

  function listOf(doc, vocabName, values) {
    return (values || []).map(function (value) { return term(doc, vocabName, value); });
  }

  /* Each row: a heading and, per clinic, a list of lines (strings or nodes). */
  function rowsFor(docs) {
    var routes = [];
    docs.forEach(function (doc) {
      doc.record.services.forEach(function (service) {
        if (routes.indexOf(service.route) === -1) {
          routes.push(service.route);
        }
      });
    });
    var rows = [];
    function row(heading, cell) {
      rows.push({heading: heading, cells: docs.map(cell)});
    }
    row("Where", function (doc) {
      var a = doc.record.address;
      return [a.street, a.city + ", " + a.state + " " + a.postal_code];
    });
    row("Status", function (doc) { return [label(doc, "status", doc.record.status || "active")]; });
    routes.forEach(function (route) {
      var routeLabel = docs.map(function (doc) { return label(doc, "route", route); })[0];
      function serviceOf(doc) {
        var at = doc.record.services.findIndex(function (s) { return s.route === route; });
        return at === -1 ? null : {service: doc.record.services[at], derived: doc.derived.services[at]};
      }
      row(routeLabel + ": price per session", function (doc) {
        var found = serviceOf(doc);
        if (!found) {
          return ["Not offered"];
        }
        var price = found.derived.comparable_price;
        return [price === null ? "No current session price" : CD.money(price)];
      });
      row(routeLabel + ": prices listed", function (doc) {
        var found = serviceOf(doc);
        if (!found) {
          return ["Not offered"];
        }
        var prices = found.service.prices || [];
        if (!prices.length) {
          return ["Ask the clinic"];
        }
        return prices.map(function (price, i) {
          var details = found.derived.prices[i];
          var text = priceText(price, doc) + " (seen " + details.observed + ")";
          return details.current ? text :
            el("span", {"class": "stale"}, [text + ". Over a year old: ask for a current price."]);
        });
      });
      row(routeLabel + ": insurance", function (doc) {
        var found = serviceOf(doc);
        return [found ? yesNo(found.service.insurance) : "Not offered"];
      });
      row(routeLabel + ": conditions (as stated by the clinic)", function (doc) {
        var found = serviceOf(doc);
        return found ? listOf(doc, "condition", found.service.conditions) : ["Not offered"];
      });
    });
    row("Clinicians", function (doc) {
      return (doc.record.clinicians || []).map(function (c) {
        var parts = [c.name + ", ", term(doc, "credential", c.credential)];
        if (c.specialty) {
          parts.push(" · ", term(doc, "specialty", c.specialty));
        }
        if (c.board_certified) {
          parts.push(" · board-certified");
        }
        if (c.role) {
          parts.push(" · " + label(doc, "role", c.role));
        }
        return el("span", {}, parts);
      });
    });
    row("Safety practices (as stated by the clinic)", function (doc) {
      return listOf(doc, "safety", doc.record.safety);
    });
    row("Payment", function (doc) { return listOf(doc, "payment", doc.record.payment); });
    row("Insurance plans", function (doc) { return doc.record.insurance_plans || []; });
    row("Accepting new patients", function (doc) {
      return [yesNo(doc.record.accepting_new_patients)];
    });
    row("Telehealth consultations", function (doc) {
      return [yesNo(doc.record.telehealth_consultations)];
    });
    row("Languages", function (doc) { return listOf(doc, "language", doc.record.languages); });
    row("Memberships", function (doc) { return listOf(doc, "membership", doc.record.memberships); });
    row("Last verified", function (doc) {
      var v = doc.derived.verification;
      var note = {current: "", stale: " (over six months ago)", expired: " (over a year ago)"}[v.state];
      return [v.last_verified + note];
    });
    row("Sources", function (doc) {
      return (doc.record.sources || []).map(function (source) {
        var href = CD.safeHref(source);
        return href && href.indexOf("https:") === 0 ?
          el("a", {href: href, rel: "noopener noreferrer", text: source}) : source;
      });
    });
    return rows;
  }

  function cellNode(lines) {
    var cell = el("td");
    if (!lines.length) {
      cell.appendChild(document.createTextNode("None listed"));
    } else if (lines.length === 1) {
      cell.appendChild(typeof lines[0] === "string" ? document.createTextNode(lines[0]) : lines[0]);
    } else {
      cell.appendChild(el("ul", {}, lines.map(function (line) { return el("li", {}, [line]); })));
    }
    return cell;
  }

  function renderTable(container, docs, ids) {
    var head = el("tr", {}, [el("td")].concat(docs.map(function (doc, i) {
      var href = CD.safeHref(doc.url, siteRoot());
      var remaining = ids.filter(function (id, j) { return j !== i; });
      return el("th", {scope: "col"}, [
        href ? el("a", {href: href, text: doc.record.name}) : doc.record.name,
        " ",
        el("a", {"class": "compare-remove", href: "?c=" + remaining.join(","),
          "aria-label": "Remove " + doc.record.name + " from the comparison", text: "Remove"})
      ]);
    })));
    var body = el("tbody", {}, rowsFor(docs).map(function (row) {
      var texts = row.cells.map(function (lines) {
        return lines.map(function (line) { return typeof line === "string" ? line : line.textContent; })
          .join("\n");
      });
      var differs = texts.some(function (text) { return text !== texts[0]; });
      var heading = el("th", {scope: "row"}, [row.heading]);
      if (differs) {
        heading.appendChild(el("span", {"class": "differs-tag", text: " (differs)"}));
      }
      return el("tr", {"class": differs ? "differs" : null}, [heading].concat(row.cells.map(cellNode)));
    }));
    var table = el("table", {"class": "compare-table"}, [
      el("caption", {text: "Side-by-side comparison. Rows marked “differs” are not the same for every clinic."}),
      el("thead", {}, [head]),
      body
    ]);
    container.appendChild(el("div", {"class": "table-scroll"}, [table]));
  }

  /* clinic.json of a clinic, where the build's CLINIC_JSON_SAVE_AS pattern puts it. */
  function fetchClinic(id) {
    var pattern = document.querySelector("[data-clinic-json]").getAttribute("data-clinic-json");
    var parts = id.split("/");
    var path = pattern.replace("{state}", parts[0]).replace("{slug}", parts[1]);
    return fetch(siteRoot() + path, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  /* A clinic's document, following a rename through the index's redirects. */
  function resolveClinic(id, redirects) {
    return fetchClinic(id).then(function (doc) {
      if (doc) {
        return doc;
      }
      return redirects().then(function (map) { return map[id] ? fetchClinic(map[id]) : null; });
    });
  }

  function comparePage(section) {
    var requested = (new URLSearchParams(window.location.search).get("c") || "")
      .split(",").filter(Boolean);
    var ids = requested.filter(function (id) { return IDENTITY.test(id); }).slice(0, CD.COMPARE_MAX);
    var output = section.querySelector(".compare-output");
    var notes = el("div", {"class": "compare-notes", role: "status"});
    output.replaceChildren(notes);
    if (ids.length < 2) {
      notes.appendChild(el("p", {text: "Choose 2 to 4 clinics with “Add to compare” in the list, on the map or on a clinic’s page."}));
      return;
    }
    var redirectsPromise = null;
    function redirects() {
      redirectsPromise = redirectsPromise || CD.loadIndex(section.getAttribute("data-index"))
        .then(function (index) { return index.redirects; }, function () { return {}; });
      return redirectsPromise;
    }
    Promise.all(ids.map(function (id) { return resolveClinic(id, redirects); })).then(function (docs) {
      var found = [];
      var current = [];
      docs.forEach(function (doc, i) {
        if (!doc) {
          notes.appendChild(el("p", {"class": "compare-missing",
            text: "The clinic “" + ids[i] + "” is no longer in the directory. It may have closed or been removed; it is left out below."}));
          return;
        }
        if (doc.id !== ids[i]) {
          notes.appendChild(el("p", {text: "“" + ids[i] + "” has a new address; showing “" + doc.record.name + "”."}));
        }
        if (doc.record.status === "closed") {
          notes.appendChild(el("p", {text: doc.record.name + " has closed."}));
        }
        found.push(doc);
        current.push(doc.id);
      });
      if (current.join(",") !== ids.join(",")) {
        window.history.replaceState(null, "", "?c=" + current.join(","));
      }
      if (found.length) {
        renderTable(output, found, current);
      }
    });
  }

  window.ClinicDirectory.compare = {
    button: button,
    selection: selection,
    compareHref: compareHref,
    onChange: function (listener) { listeners.push(listener); },
    rememberNames: function (index) {
      selection().forEach(function (id) {
        if (index.byId[id]) {
          names[id] = index.byId[id].name;
        }
      });
      refresh();
    }
  };

  refresh();
  var page = document.querySelector("section.compare-page");
  if (page) {
    comparePage(page);
  }
}());
