/* sitegen's search client: no dependencies, no server, works offline and under any path.

   The index (written by sitegen/searchindex) sits beside this page in index/: meta.json,
   term shards t/<hex of the first two characters>.json and doc records docs/<n>.json.
   Every URL is resolved against this page's own address, so the same bytes work at a
   domain root, under a gateway path (/ipfs/<cid>/) and on any sub-path. Only the shards
   a query needs are fetched, once each. Text from papers only ever reaches the page as
   text nodes (textContent), never as markup.

   Filters: index/f/<facet>.json lists, per facet value, its doc ids (as gaps). The
   volume and subject files are fetched together with a query's shards; the author file,
   the one that grows with the journal, only once results are listed, or before that
   when the URL asks for an author. A filter's <select> lists the values present among
   the results that the other filters let through, with counts; filters are ANDed and
   kept in the URL (?q=...&volume=...&subject=...&author=...).

   Tokenizing must match sitegen/searchindex/text.py: lowercase, NFKD, drop combining
   marks, lowercase, split on anything but letters and digits, keep words of two or more
   characters that are not stopwords (meta.json carries the stopword list). */
(function () {
  "use strict";
  var PAGE = 20;
  var DEBOUNCE_MS = 150;
  var MARKS = /\p{M}/gu;
  var NOT_WORD = /[^\p{L}\p{N}]+/u;
  var WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
  /* [URL parameter and file stem, label]; the order of the selects on the page. */
  var FACETS = [["volume", "Volume"], ["subject", "Subject"], ["author", "Author"]];
  var EAGER_FACETS = ["volume", "subject"];

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(MARKS, "").toLowerCase();
  }
  function words(text) {
    return fold(text).split(NOT_WORD).filter(function (w) { return w !== ""; });
  }
  function length(word) { return Array.from(word).length; }
  function tokenize(text, stop) {
    return words(text).filter(function (w) { return length(w) >= 2 && !stop.has(w); });
  }
  /* Query words: like tokenize, but the last word is kept even if it is a stopword,
     because it may be the start of a longer word still being typed ("the" -> "theory"). */
  function queryWords(text, stop) {
    var all = words(text).filter(function (w) { return length(w) >= 2; });
    var kept = all.filter(function (w, i) { return i === all.length - 1 || !stop.has(w); });
    return kept.filter(function (w, i) { return kept.indexOf(w) === i; });
  }
  function shardName(word) {
    var key = Array.from(word).slice(0, 2).join("");
    return Array.from(new TextEncoder().encode(key), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }
  function lowerBound(sorted, value) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < value) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /* The index, fetched lazily relative to this page; each file at most once. */
  function Index(metaUrl) {
    var base = new URL(".", metaUrl);
    var files = new Map();
    function load(rel) {
      if (!files.has(rel)) {
        files.set(rel, fetch(new URL(rel, base)).then(function (r) {
          if (!r.ok) { throw new Error(rel + ": HTTP " + r.status); }
          return r.json();
        }));
      }
      return files.get(rel);
    }
    this.meta = load("meta.json").then(function (meta) {
      meta.shardSet = new Set(meta.shards);
      meta.stopSet = new Set(meta.stop);
      return meta;
    });
    this.shard = function (name) {
      return load("t/" + name + ".json").then(function (shard) {
        if (!shard.sortedTerms) {
          Object.defineProperty(shard, "sortedTerms", { value: Object.keys(shard).sort() });
        }
        return shard;
      });
    };
    /* A facet file decoded: values in file order, and per doc id its value numbers. */
    this.facet = function (name) {
      return load("f/" + name + ".json").then(function (pairs) {
        if (!pairs.decoded) {
          var ofDoc = new Map();
          pairs.forEach(function (pair, v) {
            var id = 0;
            pair[1].forEach(function (gap) {
              id += gap;
              var had = ofDoc.get(id);
              if (had) { had.push(v); } else { ofDoc.set(id, [v]); }
            });
          });
          Object.defineProperty(pairs, "decoded", {
            value: {
              values: pairs.map(function (pair) { return pair[0]; }),
              byValue: new Map(pairs.map(function (pair, v) { return [pair[0], v]; })),
              ofDoc: ofDoc
            }
          });
        }
        return pairs.decoded;
      });
    };
    this.doc = function (meta, id) {
      var n = Math.floor(id / meta.chunk);
      return load("docs/" + n + ".json").then(function (chunk) {
        var r = chunk[id - n * meta.chunk];
        return { id: id, url: r[0], title: r[1], authors: r[2], meta: r[3], excerpt: r[4] };
      });
    };
  }

  /* Docs matching every word (a word matches a term it is a prefix of), best first:
     more exact word matches first, then the sum over words of weight x idf (the best
     matching term per word), then document order. */
  function rank(index, meta, qwords) {
    return Promise.all(qwords.map(function (word) {
      var name = shardName(word);
      if (!meta.shardSet.has(name)) { return null; }
      return index.shard(name).then(function (shard) {
        var scores = new Map();
        var terms = shard.sortedTerms;
        for (var i = lowerBound(terms, word); i < terms.length && terms[i].startsWith(word); i++) {
          var postings = shard[terms[i]];
          var idf = Math.log(1 + meta.docs / postings.length);
          var exact = terms[i] === word;
          for (var j = 0; j < postings.length; j++) {
            var id = postings[j][0], score = postings[j][1] * idf;
            var had = scores.get(id);
            if (!had) { scores.set(id, { score: score, exact: exact }); continue; }
            if (exact && !had.exact) { had.exact = true; had.score = score; }
            else if (exact === had.exact && score > had.score) { had.score = score; }
          }
        }
        return scores;
      });
    })).then(function (perWord) {
      if (perWord.some(function (s) { return !s || s.size === 0; })) { return []; }
      perWord.sort(function (a, b) { return a.size - b.size; });
      var hits = [];
      perWord[0].forEach(function (first, id) {
        var hit = { id: id, score: 0, exact: 0 };
        for (var k = 0; k < perWord.length; k++) {
          var s = perWord[k].get(id);
          if (!s) { return; }
          hit.score += s.score;
          hit.exact += s.exact ? 1 : 0;
        }
        hits.push(hit);
      });
      hits.sort(function (a, b) { return b.exact - a.exact || b.score - a.score || a.id - b.id; });
      return hits;
    });
  }

  /* Text with every word that starts with a query word wrapped in <mark>. */
  function highlighted(text, qwords) {
    var out = document.createDocumentFragment();
    var last = 0;
    text.replace(WORD_RUN, function (run, at) {
      var hit = words(run).some(function (w) {
        return qwords.some(function (q) { return w.startsWith(q); });
      });
      if (!hit) { return run; }
      out.appendChild(document.createTextNode(text.slice(last, at)));
      var mark = document.createElement("mark");
      mark.textContent = run;
      out.appendChild(mark);
      last = at + run.length;
      return run;
    });
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  function element(tag, className, child) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (typeof child === "string") { el.textContent = child; } else if (child) { el.appendChild(child); }
    return el;
  }

  function start(mount) {
    var form = mount.querySelector(".search-form");
    var input = mount.querySelector(".search-input");
    var status = mount.querySelector(".search-status");
    var list = mount.querySelector(".search-results");
    var more = mount.querySelector(".search-more");
    var fallback = mount.querySelector(".search-fallback");
    var filterBox = mount.querySelector(".search-filters");
    var selects = {};
    FACETS.forEach(function (f) { selects[f[0]] = mount.querySelector("select[name=" + f[0] + "]"); });
    var here = window.location.href;
    /* data-site-root is the home page as templates link it ("../index.html"); results
       link to "<that folder><paper url>index.html" just like the journal's own pages. */
    var root = mount.getAttribute("data-site-root").replace(/index\.html$/, "");
    var index = new Index(new URL(mount.getAttribute("data-index"), here));
    var generation = 0;
    var timer = 0;
    var shown = { hits: [], qwords: [], count: 0 };
    /* The last query's ranked hits before filtering, to filter again without ranking. */
    var found = { hits: [], qwords: [], query: "" };
    /* Facet name -> the chosen value ("" for All), from and kept in the URL. */
    var chosen = {};
    var params = new URLSearchParams(window.location.search);
    FACETS.forEach(function (f) { chosen[f[0]] = params.get(f[0]) || ""; });
    /* Facet name -> decoded file, once loaded. */
    var facets = {};

    function href(url) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.charAt(0) === "/") { return null; }
      return root + url + (url === "" || url.slice(-1) === "/" ? "index.html" : "");
    }
    function item(doc, qwords) {
      var li = element("li", "search-result");
      var heading = element("h2", "search-result-title");
      var target = href(doc.url);
      var title = target ? element("a") : element("span");
      if (target) { title.href = target; }
      title.appendChild(highlighted(doc.title, qwords));
      heading.appendChild(title);
      li.appendChild(heading);
      if (doc.authors) { li.appendChild(element("p", "search-result-authors", doc.authors)); }
      if (doc.meta) { li.appendChild(element("p", "search-result-meta", doc.meta)); }
      if (doc.excerpt) { li.appendChild(element("p", "search-result-excerpt", highlighted(doc.excerpt, qwords))); }
      return li;
    }
    /* The next page of results as list items (fetching their doc records). */
    function nextPage(meta) {
      var batch = shown.hits.slice(shown.count, shown.count + PAGE);
      var qwords = shown.qwords;
      return Promise.all(batch.map(function (hit) { return index.doc(meta, hit.id); }))
        .then(function (docs) { return docs.map(function (doc) { return item(doc, qwords); }); });
    }
    function append(items) {
      items.forEach(function (li) { list.appendChild(li); });
      shown.count += items.length;
      more.hidden = shown.count >= shown.hits.length;
    }
    function describe(n, query) {
      var quoted = "\u201c" + query.trim() + "\u201d";
      var where = [];
      if (chosen.volume) { where.push("in " + chosen.volume); }
      if (chosen.subject) { where.push("on \u201c" + chosen.subject + "\u201d"); }
      if (chosen.author) { where.push("by " + chosen.author); }
      var tail = where.length ? " " + where.join(", ") : "";
      if (n === 0) { return "No results for " + quoted + tail; }
      return n + (n === 1 ? " result for " : " results for ") + quoted + tail;
    }
    function loadFacet(name) {
      return index.facet(name).then(function (facet) { facets[name] = facet; return facet; });
    }
    /* Whether doc ``id`` has the chosen value of every chosen facet except ``skip``. */
    function passes(id, skip) {
      for (var k = 0; k < FACETS.length; k++) {
        var name = FACETS[k][0];
        if (name === skip || !chosen[name]) { continue; }
        var facet = facets[name];
        var v = facet.byValue.get(chosen[name]);
        var has = v === undefined ? null : facet.ofDoc.get(id);
        if (!has || has.indexOf(v) < 0) { return false; }
      }
      return true;
    }
    /* A select's options: All, then the values among the hits the other filters pass. */
    function fillSelect(name) {
      var select = selects[name];
      var facet = facets[name];
      var counts = new Map();
      if (facet) {
        found.hits.forEach(function (hit) {
          if (!passes(hit.id, name)) { return; }
          (facet.ofDoc.get(hit.id) || []).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
        });
      }
      var options = [new Option("All", "")];
      var values = facet ? facet.values : [];
      values.forEach(function (value, v) {
        if (counts.has(v) || value === chosen[name]) {
          options.push(new Option(value + " (" + (counts.get(v) || 0) + ")", value));
        }
      });
      if (chosen[name] && !(facet && facet.byValue.has(chosen[name]))) {
        options.push(new Option(chosen[name] + " (0)", chosen[name]));
      }
      select.replaceChildren.apply(select, options);
      select.value = chosen[name];
    }
    function fillSelects() { FACETS.forEach(function (f) { fillSelect(f[0]); }); }
    function activeFacets() {
      return FACETS.map(function (f) { return f[0]; }).filter(function (name) { return chosen[name]; });
    }
    /* Filter ``found`` by the chosen values and list the first page of what is left. */
    function show(mine, meta) {
      return Promise.all(activeFacets().map(loadFacet)).then(function () {
        if (mine !== generation) { return null; }
        var hits = found.hits.filter(function (hit) { return passes(hit.id, null); });
        shown = { hits: hits, qwords: found.qwords, count: 0 };
        return nextPage(meta).then(function (items) {
          if (mine !== generation) { return; }
          /* list and status change together, so what is announced is what is shown */
          list.replaceChildren();
          list.hidden = hits.length === 0;
          append(items);
          filterBox.hidden = found.hits.length === 0;
          fillSelects();
          status.textContent = describe(hits.length, found.query);
          /* the other facet files fill their selects as they arrive */
          FACETS.forEach(function (f) {
            if (facets[f[0]]) { return; }
            loadFacet(f[0]).then(function () {
              if (mine === generation) { fillSelect(f[0]); }
            }, function (err) {
              /* the results stand; that one filter just offers no values */
              if (window.console) { window.console.warn("search:", err && err.message); }
            });
          });
        });
      });
    }
    function run(query) {
      var mine = ++generation;
      return index.meta.then(function (meta) {
        var qwords = queryWords(query, meta.stopSet);
        if (qwords.length === 0) {
          found = { hits: [], qwords: [], query: query };
          list.replaceChildren();
          list.hidden = true;
          more.hidden = true;
          filterBox.hidden = true;
          status.textContent = query.trim() ? "Type at least two letters of a word." : "";
          return null;
        }
        EAGER_FACETS.forEach(function (name) { loadFacet(name).catch(function () {}); });
        return rank(index, meta, qwords).then(function (hits) {
          if (mine !== generation) { return null; }
          found = { hits: hits, qwords: qwords, query: query };
          return show(mine, meta);
        });
      }).catch(function (err) { failed(err); });
    }
    function failed(err) {
      form.hidden = true;
      list.hidden = true;
      more.hidden = true;
      status.textContent = "Search is not available: the index could not be loaded.";
      fallback.hidden = false;
      if (window.console) { window.console.warn("search:", err && err.message); }
    }
    function remember(query) {
      var url = new URL(window.location.href);
      if (query.trim()) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
      FACETS.forEach(function (f) {
        if (chosen[f[0]]) { url.searchParams.set(f[0], chosen[f[0]]); } else { url.searchParams.delete(f[0]); }
      });
      window.history.replaceState(null, "", url.href);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { remember(input.value); run(input.value); }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      remember(input.value);
      run(input.value);
    });
    FACETS.forEach(function (f) {
      selects[f[0]].addEventListener("change", function () {
        chosen[f[0]] = selects[f[0]].value;
        remember(input.value);
        var mine = ++generation;
        index.meta.then(function (meta) { return show(mine, meta); }).catch(failed);
      });
    });
    more.addEventListener("click", function () {
      var mine = generation;
      index.meta.then(nextPage).then(function (items) {
        if (mine === generation) { append(items); }
      }).catch(failed);
    });

    var query = params.get("q") || "";
    var headerBox = document.getElementById("site-search");
    if (headerBox && query) { headerBox.value = query; }
    index.meta.then(function () {
      fallback.hidden = true;
      form.hidden = false;
      input.value = query;
      if (query) { run(query); } else { input.focus(); }
    }, failed);
  }

  var mount = document.getElementById("search");
  if (mount && window.location.protocol !== "file:") { start(mount); }
  /* The tokenizer, for tests that compare it with the Python one. */
  window.sitegenSearch = { tokenize: tokenize, fold: fold };
})();
