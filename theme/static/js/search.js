/* Agora search: runs the query of the search page against Pagefind's static index.
   The page's form is plain HTML (a GET form: ?q=...&type=...&lang=...); this script reads
   it, asks Pagefind (loaded on first use) and lists the results. */
(function () {
  "use strict";
  var form = document.querySelector("[data-search]");
  if (!form) { return; }
  var input = form.querySelector("[name=q]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var types = JSON.parse(form.getAttribute("data-types") || "{}");
  var bundle = new URL(form.getAttribute("data-index"), document.baseURI).href;
  var root = new URL(form.getAttribute("data-site-root"), document.baseURI).pathname;
  var engine = null, latest = 0, timer = null;

  function shards() {
    // a big hub's index is in shards (shards.json): their results merge into the first's
    return fetch(bundle + "shards.json").then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (list) { return list.shards || []; }, function () { return []; });
  }

  function pagefind() {
    if (!engine) {
      engine = Promise.all([import(bundle + "pagefind.js"), shards()]).then(function (loaded) {
        var module = loaded[0];
        return module.options({baseUrl: root}).then(function () {
          return Promise.all(loaded[1].map(function (folder) {
            return module.mergeIndex(new URL(folder, bundle).href, {baseUrl: root});
          }));
        }).then(function () { return module; });
      });
    }
    return engine;
  }

  function say(key, count) {
    status.textContent = (form.getAttribute(key) || "").replace("{n}", count);
  }

  function chosen() {
    var filters = {}, type = form.querySelector("[name=type]:checked");
    var lang = form.querySelector("[name=lang]");
    if (type && type.value) { filters.type = type.value; }
    if (lang && lang.value) { filters.lang = lang.value; }
    return filters;
  }

  function remember(query, filters) {
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    Object.keys(filters).forEach(function (key) { params.set(key, filters[key]); });
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function excerpt(html) {
    // Pagefind's excerpt is escaped text with <mark> around the words found: keep only those.
    var holder = document.createElement("p");
    holder.innerHTML = html;
    holder.querySelectorAll("*").forEach(function (element) {
      if (element.tagName !== "MARK") { element.replaceWith(element.textContent); }
    });
    return holder;
  }

  function item(result) {
    var entry = document.createElement("li"), link = document.createElement("a");
    var meta = result.meta || {}, filters = result.filters || {};
    var kind = (filters.type || [])[0];
    link.href = result.url;
    link.textContent = meta.title || result.url;
    entry.className = "card search-result";
    entry.appendChild(document.createElement("h2")).appendChild(link);
    var about = [types[kind] || kind, meta.when || meta.date, meta.roles].filter(Boolean);
    if (about.length) {
      var line = entry.appendChild(document.createElement("p"));
      line.className = "meta";
      line.textContent = about.join(" · ");
    }
    entry.appendChild(excerpt(result.excerpt || ""));
    return entry;
  }

  function run() {
    var query = input.value.trim(), filters = chosen(), ticket = ++latest;
    remember(query, filters);
    if (!query) { list.replaceChildren(); status.textContent = ""; return; }
    say("data-searching");
    pagefind().then(function (module) {
      return module.search(query, {filters: filters});
    }).then(function (found) {
      return Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }))
        .then(function (results) {
          if (ticket !== latest) { return; }
          list.replaceChildren.apply(list, results.map(item));
          var count = found.results.length;
          say(count === 0 ? "data-found-none" : count === 1 ? "data-found-one" : "data-found-many",
              count);
        });
    }).catch(function () { say("data-failed"); });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  ["type", "lang"].forEach(function (name) {
    var value = params.get(name);
    if (!value) { return; }
    form.querySelectorAll("[name=" + name + "]").forEach(function (field) {
      if (field.type === "radio") { field.checked = field.value === value; } else { field.value = value; }
    });
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  form.addEventListener("change", run);
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  if (input.value) { run(); }
}());
