/* Site search: turns the search form into a Pagefind search of clinic and guide pages.
 *
 * Without this script the form opens the directory. With it, words are looked up
 * in the Pagefind bundle the build writes to /pagefind/ and the results are listed
 * under the form; the query stays in the address so Back and reload keep it.
 * Excerpts are copied as text, keeping only Pagefind's <mark> highlights, so page
 * content can never become markup here.
 */
(function () {
  "use strict";

  var section = document.querySelector(".site-search[data-bundle]");
  if (!section) {
    return;
  }
  var form = section.querySelector("form");
  var words = form.elements.q;
  var route = form.elements.route;
  var status = section.querySelector(".site-search-status");
  var list = section.querySelector(".site-search-results");
  var bundle = new URL(section.getAttribute("data-bundle"), document.baseURI);
  var siteRoot = bundle.pathname.replace(/pagefind\/pagefind\.js$/, "");
  var PAGE_SIZE = 10;
  var loading = null;
  var latest = 0;

  /* A large site's index is split into shards, listed in shards.json beside the
     bundle by the build; each is merged into the search, one after another. */
  function mergeShards(module) {
    return fetch(new URL("shards.json", bundle).href)
      .then(function (response) {
        return response.ok ? response.json() : { shards: [] };
      })
      .then(function (list) {
        return list.shards.reduce(function (merged, folder) {
          return merged.then(function () {
            return module.mergeIndex(new URL(folder, bundle).href, { baseUrl: siteRoot });
          });
        }, Promise.resolve());
      });
  }

  function pagefind() {
    if (!loading) {
      loading = import(bundle.href).then(function (module) {
        return Promise.resolve(module.options({ baseUrl: siteRoot }))
          .then(function () {
            return mergeShards(module);
          })
          .then(function () {
            return module;
          });
      });
    }
    return loading;
  }

  /* Pagefind's excerpt is HTML with <mark> around matches; rebuild it from text. */
  function excerptNodes(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var nodes = [];
    parsed.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(node.textContent));
      }
    });
    return nodes;
  }

  function resultItem(data) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    var heading = document.createElement("h3");
    heading.appendChild(link);
    var excerpt = document.createElement("p");
    excerptNodes(data.excerpt || "").forEach(function (node) {
      excerpt.appendChild(node);
    });
    item.appendChild(heading);
    item.appendChild(excerpt);
    return item;
  }

  function routeLabel() {
    return route && route.value ? route.options[route.selectedIndex].text : "";
  }

  function show(query, found, items) {
    list.replaceChildren.apply(list, items);
    list.hidden = items.length === 0;
    var where = routeLabel() ? " (" + routeLabel() + ")" : "";
    if (found === 0) {
      status.textContent = "No pages match \u201c" + query + "\u201d" + where + ".";
    } else {
      status.textContent =
        found + (found === 1 ? " page matches" : " pages match") + " \u201c" + query + "\u201d" + where +
        (found > items.length ? "; showing the first " + items.length + "." : ".");
    }
  }

  function run(query) {
    var ticket = ++latest;
    status.textContent = "Searching\u2026";
    var options = routeLabel() ? { filters: { route: routeLabel() } } : {};
    return pagefind()
      .then(function (module) {
        return module.search(query, options);
      })
      .then(function (search) {
        var first = search.results.slice(0, PAGE_SIZE);
        return Promise.all(first.map(function (result) { return result.data(); })).then(function (pages) {
          if (ticket === latest) {
            show(query, search.results.length, pages.map(resultItem));
          }
        });
      })
      .catch(function () {
        if (ticket === latest) {
          status.textContent = "Search is not available right now. Browse the directory instead.";
        }
      });
  }

  function remember(query) {
    var params = new URLSearchParams();
    params.set("q", query);
    if (route && route.value) {
      params.set("route", route.value);
    }
    history.replaceState(null, "", "?" + params.toString());
  }

  form.addEventListener("submit", function (event) {
    var query = words.value.trim();
    if (!query) {
      return; /* no words: open the directory, as without JavaScript */
    }
    event.preventDefault();
    remember(query);
    run(query);
  });

  var params = new URLSearchParams(location.search);
  if (params.get("q")) {
    words.value = params.get("q");
    if (route && params.get("route")) {
      route.value = params.get("route");
    }
    run(words.value.trim());
  }
})();
