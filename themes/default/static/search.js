/* Loads Pagefind's UI into #search with URLs relative to this page, so the same bytes work
   at a domain root, under a gateway path (/ipfs/<cid>/) and on any sub-path. Reads ?q= to
   pre-fill and run the query that the header search box submitted. */
(function () {
  "use strict";
  var mount = document.getElementById("search");
  if (!mount) { return; }
  var here = window.location.href;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var headerBox = document.getElementById("site-search");
  if (headerBox && query) { headerBox.value = query; }
  if (window.location.protocol === "file:") { return; } /* fetch() of the index is blocked there */

  var siteRoot = new URL(".", new URL(mount.getAttribute("data-site-root"), here));
  var script = document.createElement("script");
  script.src = new URL(mount.getAttribute("data-bundle"), here).href;
  script.onerror = function () {
    mount.querySelector(".search-fallback").insertAdjacentHTML(
      "afterbegin", "<strong>This copy of the journal was built without a search index.</strong> ");
  };
  script.onload = function () {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL(mount.getAttribute("data-bundle-css"), here).href;
    document.head.appendChild(css);
    var fallback = mount.querySelector(".search-fallback");
    if (fallback) { fallback.remove(); }
    var ui = new window.PagefindUI({
      element: "#search",
      bundlePath: new URL("pagefind/", siteRoot).href,
      baseUrl: siteRoot.pathname,
      showImages: false,
      showSubResults: true,
      autofocus: !query
    });
    var input = mount.querySelector(".pagefind-ui__search-input");
    if (input) { /* a visible label, not only a placeholder */
      input.id = "search-query";
      var label = document.createElement("label");
      label.className = "search-label";
      label.htmlFor = "search-query";
      label.textContent = "Search titles, authors, abstracts and full text";
      input.closest("form").insertAdjacentElement("beforebegin", label);
    }
    if (query) { ui.triggerSearch(query); }
  };
  document.body.appendChild(script);
})();
