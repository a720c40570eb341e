/* The search page: finds the pages that contain every word typed, in any order, in the index Quarto
   writes (search.json). Every text from the index is set as text, never as markup. */
(function () {
  "use strict";
  var form = document.querySelector("form.search-page");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  input.value = query;
  if (!query) return;
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function plain(term) {  // "één" finds "een", "Werk" finds "werk"
    return term.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function decoded(html) {  // Quarto stores the text HTML-encoded; a parsed document runs no script
    return new DOMParser().parseFromString(html, "text/html").documentElement.textContent;
  }
  if (!window.MiniSearch || !window.fetch) { status.textContent = form.dataset.unavailable; return; }
  fetch(form.dataset.index).then(function (response) {
    if (!response.ok) throw new Error(response.status);
    return response.json();
  }).then(function (entries) {
    var pages = {};  // Quarto indexes each section; a result is a page
    entries.forEach(function (entry) {
      var href = entry.href.split("#")[0];
      var page = pages[href] || (pages[href] = { id: href, title: decoded(entry.title), text: "" });
      page.text += " " + decoded(entry.section || "") + " " + decoded(entry.text || "");
    });
    var search = new MiniSearch({ fields: ["title", "text"], storeFields: ["title", "text"], processTerm: plain });
    search.addAll(Object.keys(pages).map(function (href) { return pages[href]; }));
    var here = window.location.pathname.split("/").pop();
    var found = search.search(query, { combineWith: "AND", prefix: true, fuzzy: 0.15, boost: { title: 3 } })
      .filter(function (result) { return result.id !== here; });  // not this search page itself
    status.textContent = found.length ? say(form.dataset.found, { query: query, count: found.length })
                                      : say(form.dataset.none, { query: query });
    found.slice(0, 30).forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.id;
      link.textContent = result.title;
      var text = result.text.replace(/\s+/g, " ").trim();
      var at = Math.max(0, plain(text).indexOf(result.terms[0]) - 60);
      if (at > 0) at = text.indexOf(" ", at) + 1;  // start at a word, not inside one
      var snippet = document.createElement("p");
      snippet.textContent = (at > 0 ? "… " : "") + text.slice(at, at + 180).replace(/\s\S*$/, "") + " …";
      item.appendChild(link);
      item.appendChild(snippet);
      list.appendChild(item);
    });
  }).catch(function () { status.textContent = form.dataset.unavailable; });
})();
