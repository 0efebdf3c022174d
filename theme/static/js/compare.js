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
  var t = window.ClinicFormat.t;
  var tn = window.ClinicFormat.tn;
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

  /* Where this page's language starts: its clinic pages and clinic.json copies. */
  function pageRoot() {
    return CD.inPageRoot(siteRoot());
  }

  function selection() {
    return CD.readSearch(window.location).cmp.filter(function (id) { return IDENTITY.test(id); });
  }

  /* The compare page for some clinics; a place the visitor set travels after "#" (never
   * sent to a server), so the comparison can say how far each clinic is. */
  function compareHref(ids) {
    var near = CD.readSearch(window.location).near;
    return pageRoot() + "compare/?c=" + ids.join(",") + (near ? "#near=" + near : "");
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
    button.textContent = chosen ? t("Remove from compare") : t("Add to compare");
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
      node = el("aside", {"class": "compare-tray", "aria-label": t("Clinics to compare")});
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
    var status = ids.length < 2 ? t("Choose at least 2 clinics to compare.") :
      // TRANSLATORS: {count} is 2 to 4, {max} is 4.
      t("{count} of {max} clinics chosen.", {count: ids.length, max: CD.COMPARE_MAX});
    var children = [el("p", {"class": "compare-tray-status", role: "status", text: status}), list];
    if (ids.length >= 2) {
      children.push(el("a", {"class": "compare-go", href: compareHref(ids),
        // TRANSLATORS: a link to the comparison; {count} is 2 to 4.
        text: t("Compare {count} clinics", {count: ids.length})}));
    }
    // TRANSLATORS: a button emptying the list of clinics to compare.
    children.push(el("button", {type: "button", "class": "compare-clear", text: t("Clear")}));
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

  /*
   * The page reads each clinic's clinic.json: the record, plus what the build
   * worded for people (prices, phone, hours, dates; see browser_index.py), so
   * the comparison reads exactly like the clinic pages. Rows come in groups;
   * rows marked ``decides`` (an offered route, a price, insurance, new
   * patients) get a "Differs" mark when the clinics are not the same there.
   */

  var GROUP_ROUTE = "route";

  /* A vocabulary label from whichever chosen clinic uses the value (never the raw key). */
  function labelIn(docs, vocabName, value) {
    for (var i = 0; i < docs.length; i += 1) {
      var entry = docs[i].labels[vocabName] && docs[i].labels[vocabName][value];
      if (entry) {
        return entry[0];
      }
    }
    return value.replace(/_/g, " ");
  }

  function label(doc, vocabName, value) {
    return labelIn([doc], vocabName, value);
  }

  function yesNo(value) {
    if (value === true) {
      // TRANSLATORS: an answer in the comparison, as in "Insurance pays: Yes".
      return t("Yes");
    }
    // TRANSLATORS: an answer in the comparison, as in "Insurance pays: No".
    return value === false ? t("No") : t("Not stated");
  }

  /* A term linked to the guide section explaining it (vocabulary data, not the record's). */
  function term(doc, vocabName, value) {
    var entry = doc.labels[vocabName] && doc.labels[vocabName][value];
    if (!entry || !entry[2]) {
      return label(doc, vocabName, value);
    }
    return el("a", {href: new URL(entry[2], pageRoot()).href, title: entry[1], text: entry[0]});
  }

  function listOf(doc, vocabName, values) {
    return (values || []).map(function (value) { return term(doc, vocabName, value); });
  }

  function link(href, text, className) {
    var safe = CD.safeHref(href);
    return safe && safe.indexOf("https:") === 0 ?
      el("a", {href: safe, rel: "noopener noreferrer", "class": className || null, text: text}) : text;
  }

  /* The visitor's place, when the finder passed one (kept after "#", never sent). */
  function origin() {
    return CD.parseNear(CD.readSearch(window.location).near);
  }

  function serviceOf(doc, route) {
    var at = doc.record.services.findIndex(function (s) { return s.route === route; });
    return at === -1 ? null : {service: doc.record.services[at], derived: doc.derived.services[at]};
  }

  /* The texts of a service's prices of some kinds, old ones marked. */
  function pricesOf(found, kinds) {
    return found.derived.prices.filter(function (price) {
      return kinds.indexOf(price.kind) !== -1;
    }).map(function (price) {
      return price.current ? price.text : el("span", {"class": "price-old", text: price.text});
    });
  }

  /* Rows in groups: {group, heading, cells (a list of lines per clinic), decides}. */
  function rowsFor(docs) {
    var rows = [];
    var group = "";
    function start(name) {
      group = name;
    }
    /* ``among``: which clinics the "differs" mark compares (those offering a route). */
    function row(heading, cell, decides, among) {
      rows.push({group: group, heading: heading, cells: docs.map(cell), decides: !!decides,
        among: docs.map(among || function () { return true; }), style: ""});
      return rows[rows.length - 1];
    }
    /* Short lists read as one line ("English, Spanish"); hours as plain lines. */
    function styled(style, made) {
      made.style = style;
    }
    function anyHas(test) {
      return docs.some(test);
    }

    // TRANSLATORS: a heading of a group of rows in the comparison table; a row's heading follows.
    start(t("Contact"));
    row(t("Status"), function (doc) { return [label(doc, "status", doc.record.status || "active")]; }, true);
    row(t("Address"), function (doc) {
      var a = doc.record.address;
      return [el("address", {}, [
        el("span", {text: a.street}),
        el("span", {text: a.city + ", " + a.state + " " + a.postal_code}),
        el("span", {"class": "directions"}, [link(doc.derived.display.directions, t("Directions (OpenStreetMap)"))])
      ])];
    });
    row(t("Phone"), function (doc) {
      return [el("a", {href: "tel:" + doc.record.phone.replace(/[^+0-9]/g, ""),
        text: doc.derived.display.phone})];
    });
    row(t("Website"), function (doc) {
      return [link(doc.record.website, doc.derived.display.website, "website")];
    });
    var place = origin();
    if (place) {
      row(t("Distance"), function (doc) {
        var at = doc.derived.location;
        var miles = at && CD.distanceMiles(place, at).toFixed(1);
        return [at ? t("{miles} miles from your place", {miles: miles}) : t("Not known")];
      });
    }

    var routes = [];
    docs.forEach(function (doc) {
      doc.record.services.forEach(function (service) {
        if (routes.indexOf(service.route) === -1) {
          routes.push(service.route);
        }
      });
    });
    routes.forEach(function (route) {
      start(GROUP_ROUTE + ":" + labelIn(docs, "route", route));
      function forService(fill) {
        return function (doc) {
          var found = serviceOf(doc, route);
          return found ? fill(found, doc) : [notOffered()];
        };
      }
      function offers(doc) {
        return serviceOf(doc, route) !== null;
      }
      // TRANSLATORS: a row of the comparison: whether the clinic offers the treatment named above it.
      row(t("Offered"), function (doc) { return [serviceOf(doc, route) ? t("Yes") : t("Not offered")]; }, true)
        .className = "offered";
      var headline = row(t("Price to compare"), forService(function (found) {
        return [found.derived.headline || t("No price per session listed")];
      }), true, offers);
      function prices(heading, kinds) {
        var made = row(heading, forService(function (found) { return pricesOf(found, kinds); }), true, offers);
        made.repeats = headline;
      }
      prices(t("Single session"), ["session"]);
      /* Beside every package price: what happens to unused sessions (clinic.json words). */
      var packages = row(t("Package"), forService(function (found, doc) {
        var lines = pricesOf(found, ["package"]);
        return lines.length ? lines.concat([el("span", {"class": "refund", text: doc.derived.display.refunds})]) : lines;
      }), true, offers);
      packages.repeats = headline;
      var fees = ["clinic_fee", "fee"];
      if (anyHas(function (doc) { var f = serviceOf(doc, route); return f && pricesOf(f, fees).length; })) {
        prices(t("Clinic fee and other fees"), fees);
      }
      row(t("Insurance pays"), forService(function (found) { return [yesNo(found.service.insurance)]; }),
        true, offers);
      /* Facts only some routes have (Spravato's billing above all): a row when a chosen
       * clinic states it. */
      function stated(key, heading, fill, decides) {
        if (anyHas(function (doc) { var f = serviceOf(doc, route); return f && f.service[key] !== undefined; })) {
          styled("inline", row(heading, forService(function (found, doc) {
            return found.service[key] === undefined ? [notStated()] : fill(found.service[key], doc);
          }), decides, offers));
        }
      }
      stated("insurance_plans", t("Plans for this treatment"), function (plans) { return plans; });
      stated("medicine_billing", t("How the spray is billed"), function (value, doc) {
        return [term(doc, "medicine_billing", value)];
      }, true);
      stated("copay_program", t("Manufacturer’s co-pay programme"), function (value) {
        return [value ? t("Accepted") : t("Not accepted")];
      }, true);
      styled("inline", row(t("Conditions, as stated"), forService(function (found, doc) {
        return listOf(doc, "condition", found.service.conditions);
      })));
    });

    start(t("Team"));
    row(t("Clinicians"), function (doc) {
      return (doc.record.clinicians || []).map(function (c) {
        var parts = [c.name + ", ", term(doc, "credential", c.credential)];
        if (c.specialty) {
          parts.push(" · ", term(doc, "specialty", c.specialty));
        }
        if (c.board_certified) {
          parts.push(" · " + t("board-certified (as stated)"));
        }
        if (c.role) {
          parts.push(" · " + label(doc, "role", c.role));
        }
        return el("span", {}, parts);
      });
    });

    start(t("Safety, as stated by each clinic"));
    row(t("Practices"), function (doc) {
      return listOf(doc, "safety", doc.record.safety);
    });

    start(t("Payment and insurance"));
    styled("inline", row(t("Payment"), function (doc) { return listOf(doc, "payment", doc.record.payment); }));
    styled("inline", row(t("Insurance plans"), function (doc) { return doc.record.insurance_plans || []; }));

    start(t("Getting an appointment"));
    row(t("New patients"), function (doc) { return [yesNo(doc.record.accepting_new_patients)]; }, true);
    row(t("Referral needed"), function (doc) {
      var needed = doc.record.referral_required;
      return [needed === undefined ? notStated() : yesNo(needed)];
    }, true);
    row(t("Wait for a first appointment"), function (doc) {
      return [doc.derived.display.wait || notStated()];
    });
    row(t("Telehealth consultations"), function (doc) {
      return [yesNo(doc.record.telehealth_consultations)];
    });

    start(t("Access and languages, as stated"));
    row(t("Access"), function (doc) {
      var features = listOf(doc, "accessibility", doc.record.accessibility);
      return features.length ? features : [notStated(t("Not recorded"))];
    });
    styled("inline", row(t("Languages"), function (doc) {
      return listOf(doc, "language", doc.record.languages);
    }));
    row(t("Spoken by clinicians themselves"), function (doc) {
      var speakers = (doc.record.clinicians || []).filter(function (c) { return c.languages; });
      return speakers.length ? speakers.map(function (c) {
        return c.name + ": " + c.languages.map(function (code) { return label(doc, "language", code); }).join(", ");
      }) : [notStated()];
    });
    styled("plain", row(t("Hours"), function (doc) {
      var hours = doc.derived.display.hours || {};
      return Object.keys(doc.labels.day || {}).filter(function (day) { return hours[day]; })
        .sort(function (a, b) { return DAY_ORDER.indexOf(a) - DAY_ORDER.indexOf(b); })
        .map(function (day) { return label(doc, "day", day).slice(0, 3) + " " + hours[day]; });
    }));

    // TRANSLATORS: the heading of the rows saying when each listing was last checked.
    start(t("Verified"));
    row(t("Last verified"), function (doc) {
      var v = doc.derived.verification;
      // TRANSLATORS: {how} says how a listing was checked ("Checked by phone with the clinic").
      var text = t("{how} on {date}", {how: v.how, date: doc.derived.display.last_verified});
      if (v.warning) {
        text += " " + t("({warning})", {warning: v.warning});
      }
      var when = el("time", {datetime: v.last_verified, "class": v.warning ? "verified-old" : null, text: text});
      return [v.recently_verified ? el("span", {}, [when, " · ",
        el("span", {"class": "verified-recent", text: v.recently_verified})]) : when];
    });
    row(t("Sources"), function (doc) {
      return (doc.record.sources || []).map(function (source) { return link(source, source, "source"); });
    });
    return rows;
  }

  var DAY_ORDER = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

  /* A quiet dash where a clinic does not offer a route; said in words to screen readers. */
  function notOffered() {
    return el("span", {"class": "not-offered"}, [
      el("span", {"aria-hidden": "true", text: "–"}),
      el("span", {"class": "visually-hidden", text: t("Not offered")})
    ]);
  }

  /* What a clinic has not said; a row with nothing else is left off the printout. */
  function notStated(text) {
    return el("span", {"class": "not-stated", text: text || t("Not stated")});
  }

  function textOf(lines) {
    return lines.map(function (line) { return typeof line === "string" ? line : line.textContent; })
      .join("\n");
  }

  function cellNode(lines, name, style) {
    var cell = el("td", {"data-clinic": name});
    if (!lines.length) {
      cell.appendChild(document.createTextNode(t("None listed")));
    } else if (lines.length === 1) {
      cell.appendChild(typeof lines[0] === "string" ? document.createTextNode(lines[0]) : lines[0]);
    } else {
      cell.appendChild(el("ul", {"class": style ? "list-" + style : null},
        lines.map(function (line) { return el("li", {}, [line]); })));
    }
    return cell;
  }

  /* The column heading: the name as a link, where it is, and its own controls below it. */
  function columnHead(doc, i, count) {
    var name = doc.record.name;
    var href = CD.safeHref(doc.url, pageRoot());
    // TRANSLATORS: the controls of one clinic's column in the comparison; {name} is the clinic's.
    var tools = el("div", {"class": "column-tools", role: "group", "aria-label": t("Arrange {name}", {name: name})}, [
      el("button", {type: "button", "class": "move", "data-move": "-1", "data-at": i,
        "aria-label": t("Move {name} left", {name: name}), disabled: i === 0, text: t("◀ Move")}),
      el("button", {type: "button", "class": "move", "data-move": "1", "data-at": i,
        "aria-label": t("Move {name} right", {name: name}), disabled: i === count - 1, text: t("Move ▶")}),
      el("button", {type: "button", "class": "remove", "data-remove": i,
        "aria-label": t("Remove {name} from the comparison", {name: name}), text: t("Remove")})
    ]);
    var a = doc.record.address;
    return el("th", {scope: "col"}, [
      el("span", {"class": "column-name"}, [href ? el("a", {href: href, text: name}) : name]),
      el("span", {"class": "column-where", text: a.city + ", " + a.state}),
      tools
    ]);
  }

  function groupHeading(group) {
    if (group.indexOf(GROUP_ROUTE + ":") === 0) {
      return group.slice(GROUP_ROUTE.length + 1);
    }
    return group;
  }

  function renderTable(container, docs) {
    var names = docs.map(function (doc) { return doc.record.name; });
    var rows = rowsFor(docs);
    var bodies = [];
    var body = null;
    var current = null;
    rows.forEach(function (row) {
      if (row.group !== current) {
        current = row.group;
        var isRoute = row.group.indexOf(GROUP_ROUTE + ":") === 0;
        /* The group's name, and each clinic's name again for a phone swiping across. */
        var heading = el("tr", {"class": "group" + (isRoute ? " group-route" : "")},
          [el("th", {scope: "rowgroup"}, [el("span", {text: groupHeading(row.group)})])].concat(
            names.map(function (name) {
              return el("td", {"class": "group-name", "aria-hidden": "true", text: name});
            })));
        body = el("tbody", {}, [heading]);
        bodies.push(body);
      }
      var texts = row.cells.map(textOf);
      var same = texts.every(function (text) { return text === texts[0]; });
      /* Nothing listed for any clinic: left out of the printout to keep it to a page. */
      var empty = row.cells.every(function (lines) {
        return !lines.length || typeof lines[0] !== "string" &&
          (lines[0].className === "not-offered" || lines[0].className === "not-stated");
      });
      var compared = texts.filter(function (text, i) { return row.among[i]; });
      var differs = row.decides && compared.length > 1 &&
        compared.some(function (text) { return text !== compared[0]; });
      var heading = el("th", {scope: "row"}, [row.heading]);
      if (differs) {
        // TRANSLATORS: a mark on a row where the clinics compared are not the same.
        heading.appendChild(el("span", {"class": "differs-tag", text: t("Differs")}));
      }
      /* A price row that says no more than the price to compare, for every clinic. */
      var repeats = row.repeats && texts.every(function (text, i) {
        return text === textOf(row.repeats.cells[i]) || text === "";
      });
      var classes = [same ? "same" : "", differs ? "differs" : "", empty ? "empty" : "",
        repeats ? "repeats" : "", row.className || ""];
      body.appendChild(el("tr", {"class": classes.join(" ").trim().replace(/ +/g, " ") || null},
        [heading].concat(row.cells.map(function (lines, i) {
          return cellNode(lines, names[i], row.style);
        }))));
    });
    var columns = el("colgroup", {}, [el("col", {"class": "labels"})].concat(
      docs.map(function () { return el("col", {"class": "clinic"}); })));
    var table = el("table", {"class": "compare-table compare-cols-" + docs.length}, [
      el("caption", {text: tn("{count} clinic side by side", "{count} clinics side by side", docs.length,
        {count: docs.length})}),
      columns,
      el("thead", {}, [el("tr", {}, [el("td", {"class": "corner"})].concat(
        docs.map(function (doc, i) { return columnHead(doc, i, docs.length); })))])
    ].concat(bodies));
    container.appendChild(el("div", {"class": "compare-scroll", tabindex: "0", role: "region",
      "aria-label": t("Comparison table; on a small screen it scrolls sideways, the row names stay")},
      [table]));
  }

  function controls(section) {
    var differences = el("input", {type: "checkbox", id: "compare-differences"});
    var bar = el("div", {"class": "compare-controls"}, [
      el("p", {"class": "field-check"}, [
        el("label", {"for": "compare-differences"}, [differences, " " + t("Only show differences")])
      ]),
      el("button", {type: "button", "class": "compare-print button-secondary", text: t("Print or save as PDF")}),
      el("p", {"class": "swipe-hint", text: t("Swipe the table sideways to see each clinic; the row names stay in place.")})
    ]);
    differences.addEventListener("change", function () {
      section.classList.toggle("only-differences", differences.checked);
    });
    bar.querySelector(".compare-print").addEventListener("click", function () { window.print(); });
    return bar;
  }

  /* clinic.json of a clinic, where the build's CLINIC_JSON_SAVE_AS pattern puts it. */
  function fetchClinic(id) {
    var pattern = document.querySelector("[data-clinic-json]").getAttribute("data-clinic-json");
    var parts = id.split("/");
    var path = pattern.replace("{state}", parts[0]).replace("{slug}", parts[1]);
    // each language has its own copy, in its words (/es/clinics/.../clinic.json)
    return fetch(pageRoot() + path, {credentials: "same-origin"})
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

  function compareAddress(ids) {
    return "?c=" + ids.join(",") + window.location.hash;
  }

  function comparePage(section) {
    var requested = (new URLSearchParams(window.location.search).get("c") || "")
      .split(",").filter(Boolean);
    var ids = requested.filter(function (id) { return IDENTITY.test(id); }).slice(0, CD.COMPARE_MAX);
    var output = section.querySelector(".compare-output");
    var notes = el("div", {"class": "compare-notes", role: "status"});
    output.replaceChildren(notes);
    if (ids.length < 2) {
      notes.appendChild(el("p", {text: t("Choose 2 to 4 clinics with “Add to compare” in the list, on the map or on a clinic’s page.")}));
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
      docs.forEach(function (doc, i) {
        if (!doc) {
          // TRANSLATORS: {id} is a clinic's address in the directory, such as "tx/austin-clinic".
          var missing = t("The clinic “{id}” is no longer in the directory. It may have closed or been removed; it is left out below.", {id: ids[i]});
          notes.appendChild(el("p", {"class": "compare-missing", text: missing}));
          return;
        }
        if (doc.id !== ids[i]) {
          notes.appendChild(el("p", {text: t("“{id}” has a new address; showing “{name}”.", {id: ids[i], name: doc.record.name})}));
        }
        if (doc.record.status === "closed") {
          notes.appendChild(el("p", {text: t("{name} has closed.", {name: doc.record.name})}));
        } else if (doc.derived.verification.out_of_date) {
          var old = t("{name} has not been verified for over a year and may be out of date: call the clinic before you rely on it.", {name: doc.record.name});
          notes.appendChild(el("p", {"class": "compare-out-of-date", text: old}));
        }
        found.push(doc);
      });
      var table = el("div", {"class": "compare-table-box"});
      output.appendChild(controls(section));
      output.appendChild(table);
      function draw(announce) {
        var current = found.map(function (doc) { return doc.id; });
        window.history.replaceState(null, "", compareAddress(current));
        section.querySelectorAll(".print-address").forEach(function (node) {
          node.textContent = window.location.href.split("#")[0];
        });
        table.replaceChildren();
        if (found.length < 2) {
          table.appendChild(el("p", {"class": "compare-few",
            text: t("Add another clinic to compare: use “Add to compare” in the list or on a clinic’s page.")}));
        }
        if (found.length) {
          renderTable(table, found);
        }
        if (announce) {
          notes.replaceChildren(el("p", {text: announce}));
        }
      }
      table.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-move], button[data-remove]");
        if (!button) {
          return;
        }
        var focusAfter = null;
        var message;
        if (button.hasAttribute("data-remove")) {
          var removed = found.splice(Number(button.getAttribute("data-remove")), 1)[0];
          message = t("{name} removed from the comparison.", {name: removed.record.name});
        } else {
          var at = Number(button.getAttribute("data-at"));
          var to = at + Number(button.getAttribute("data-move"));
          var moved = found.splice(at, 1)[0];
          found.splice(to, 0, moved);
          message = t("{name} moved to column {column} of {count}.", {name: moved.record.name, column: to + 1,
            count: found.length});
          focusAfter = [to, button.getAttribute("data-move")];
        }
        draw(message);
        /* Keep the keyboard where it was: on the moved clinic's same control, or the table. */
        var target = focusAfter && table.querySelector(
          "button[data-at='" + focusAfter[0] + "'][data-move='" + focusAfter[1] + "']:not([disabled])");
        (target || table.querySelector(".compare-scroll")).focus();
      });
      draw("");
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
