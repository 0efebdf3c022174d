/* Site search on /search/: clinics from the directory's data index, pages from Pagefind.
 *
 * Clinics match when every word typed is found in their name, organisation,
 * city, state, ZIP code or clinicians' names (case and accents ignored). Guide
 * and policy pages come from the Pagefind bundle the build writes. Both lists
 * page through every match with "Show more". The query stays in the address,
 * after "#" so that it never reaches a server (a ZIP code or a clinic's name is
 * health data), and reload, Back and a shared link give the same results.
 * Older links with ?q= still work and are moved after the "#". Pagefind's excerpts
 * are copied as text, keeping only its <mark> highlights, so page content can
 * never become markup here.
 */
(function () {
  "use strict";

  var CD = window.ClinicDirectory;
  var t = window.ClinicFormat.t;
  var tn = window.ClinicFormat.tn;
  var section = document.querySelector(".site-search[data-index]");
  if (!section || !CD) {
    return;
  }
  var PAGE_SIZE = 10;
  var form = section.querySelector("form");
  var words = form.elements.q;
  var status = section.querySelector(".site-search-status");
  var groups = section.querySelectorAll(".search-group");
  var bundle = new URL(section.getAttribute("data-bundle"), document.baseURI);
  var siteRoot = bundle.pathname.replace(/pagefind\/pagefind\.js$/, "");
  var pagefindModule = null;
  var latest = 0;
  var shownQuery = null;
  form.hidden = false;

  function folded(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function clinicText(clinic) {
    return folded([clinic.name, clinic.organization, clinic.city, clinic.state, clinic.zip]
      .concat(clinic.clinicians).join(" "));
  }

  /* Every word must match; clinics whose name matches come first, then the neutral order. */
  function matchClinics(index, query) {
    var terms = folded(query).split(/\s+/).filter(Boolean);
    var found = index.clinics.filter(function (clinic) {
      var text = clinicText(clinic);
      return terms.every(function (term) { return text.indexOf(term) !== -1; });
    });
    function byName(clinic) {
      var name = folded(clinic.name);
      return terms.every(function (term) { return name.indexOf(term) !== -1; }) ? 0 : 1;
    }
    return found.sort(function (a, b) { return byName(a) - byName(b) || a.order - b.order; });
  }

  function clinicItem(clinic) {
    var details = [clinic.city + ", " + clinic.state];
    if (clinic.organization) {
      details.push(clinic.organization);
    }
    return CD.el("li", {}, [
      CD.el("h3", {}, [CD.el("a", {href: clinic.url, text: clinic.name})]),
      CD.el("p", {text: details.join(" · ")})
    ]);
  }

  function excerptNodes(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var nodes = [];
    parsed.body.childNodes.forEach(function (node) {
      nodes.push(node.nodeName === "MARK" ? CD.el("mark", {text: node.textContent})
        : document.createTextNode(node.textContent));
    });
    return nodes;
  }

  function pageItem(data) {
    return CD.el("li", {}, [
      CD.el("h3", {}, [CD.el("a", {href: data.url, text: (data.meta && data.meta.title) || data.url})]),
      CD.el("p", {}, excerptNodes(data.excerpt || ""))
    ]);
  }

  /* One result group: shows PAGE_SIZE more items (made by render) at each "Show more". */
  function fill(group, results, render) {
    var list = group.querySelector("ol");
    var more = group.querySelector(".show-more");
    var shown = 0;
    list.replaceChildren();
    function next() {
      var batch = results.slice(shown, shown + PAGE_SIZE);
      shown += batch.length;
      return Promise.all(batch.map(render)).then(function (items) {
        items.forEach(function (item) { list.appendChild(item); });
        more.hidden = shown >= results.length;
      });
    }
    more.onclick = function () {
      var first = shown;
      next().then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) {
          link.focus();
        }
      });
    };
    group.hidden = results.length === 0;
    return next();
  }

  function pagefind() {
    if (!pagefindModule) {
      pagefindModule = import(bundle.href).then(function (module) {
        return Promise.resolve(module.options({baseUrl: siteRoot})).then(function () { return module; });
      });
    }
    return pagefindModule;
  }

  function pageResults(query) {
    return pagefind()
      .then(function (module) { return module.search(query); })
      .then(function (search) { return search.results; })
      .catch(function () { return null; });
  }

  function run(query) {
    var ticket = ++latest;
    status.textContent = t("Searching\u2026");
    return Promise.all([CD.loadIndex(section.getAttribute("data-index")), pageResults(query)])
      .then(function (found) {
        if (ticket !== latest) {
          return;
        }
        var clinics = matchClinics(found[0], query);
        var pages = found[1] || [];
        fill(groups[0], clinics, clinicItem);
        fill(groups[1], pages, function (result) { return result.data().then(pageItem); });
        var clinicCount = tn("{count} clinic", "{count} clinics", clinics.length, {count: clinics.length});
        var pageCount = tn("{count} page", "{count} pages", pages.length, {count: pages.length});
        // TRANSLATORS: {clinics} is "1 clinic" or "4 clinics", {pages} "1 page" or "2 pages".
        var said = t("{clinics} and {pages} match \u201c{query}\u201d.", {clinics: clinicCount, pages: pageCount,
          query: query});
        if (found[1] === null) {
          said += " " + t("The guide search is not available right now.");
        }
        status.textContent = said;
      })
      .catch(function () {
        if (ticket === latest) {
          status.textContent = t("Search is not available right now. Browse the directory instead.");
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = words.value.trim();
    if (!query) {
      status.textContent = t("Type a word to search for.");
      return;
    }
    shownQuery = query;
    history.pushState(null, "", location.pathname + "#" + new URLSearchParams({q: query}));
    run(query);
  });

  function fromAddress() {
    var old = new URLSearchParams(location.search).get("q");
    if (old !== null) {
      history.replaceState(null, "", location.pathname + "#" + new URLSearchParams({q: old}));
    }
    var query = new URLSearchParams(location.hash.slice(1)).get("q") || "";
    if (query === shownQuery) {
      return; /* Back fires both popstate and hashchange */
    }
    shownQuery = query;
    words.value = query;
    if (query.trim()) {
      run(query.trim());
    }
  }
  window.addEventListener("popstate", fromAddress);
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
