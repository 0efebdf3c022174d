/* The home page's place box: the typed ZIP or city goes after "#" in the directory's
   address, so it never reaches a server; the directory reads it from there. */
(function () {
  "use strict";
  document.querySelectorAll("form.place-search").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var place = form.querySelector("input").value.trim();
      var target = new URL(form.getAttribute("action"), document.baseURI);
      target.search = "";
      target.hash = place ? new URLSearchParams({ zip: place }).toString() : "";
      window.location.assign(target.href);
    });
  });
})();
