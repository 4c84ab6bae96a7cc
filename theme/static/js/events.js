/* Agora events: keep a static page honest when it is older than its events.
   Progressive enhancement only: every page is complete without this script.
   - listings: a session that has ended leaves "upcoming" (into "just ended" when the page
     has that section) and the session that takes its place, rendered hidden by the build
     with the moment it enters the listing (data-shown-from), shows; one that is under way
     gets its "happening now" badge. The build renders as many sessions as the listing
     needs for weeks, so it keeps showing as many events;
   - event pages: the "over" / "happening now" notes, and the time in the reader's zone.
   Loaded with blocking="render": it runs before the first paint, so nothing shifts. */
(function () {
  "use strict";
  var now = Date.now();

  function time(element, name) {
    var value = Date.parse(element.getAttribute(name) || "");
    return isNaN(value) ? null : value;
  }

  function show(element, visible) {
    if (element) { element.hidden = !visible; }
  }

  function ended(item, target) {
    // A session the build listed goes to "just ended"; one shown later simply leaves.
    if (target && !item.hasAttribute("data-shown-from")) {
      target.appendChild(item);
      show(item.querySelector("[data-live-badge]"), false);
      show(document.querySelector("[data-just-ended]"), true);
    } else {
      item.remove();
    }
  }

  document.querySelectorAll("[data-upcoming]").forEach(function (list) {
    var target = document.querySelector("[data-past-target]");
    list.querySelectorAll("li[data-event-end]").forEach(function (item) {
      var start = time(item, "data-event-start"), end = time(item, "data-event-end");
      var from = time(item, "data-shown-from");
      if (end !== null && end <= now) {
        ended(item, target);
        return;
      }
      item.hidden = from !== null && now < from;
      if (start !== null && start <= now) {
        item.classList.add("live");
        show(item.querySelector("[data-live-badge]"), true);
      }
    });
    list.querySelectorAll("section").forEach(function (month) {
      month.hidden = !month.querySelector("li:not([hidden])");
    });
    var empty = !list.querySelector("li:not([hidden])");
    show(list.querySelector("[data-when-empty]"), empty);
    if (list.hasAttribute("data-hide-when-empty")) { show(list, !empty); }
  });

  var page = document.querySelector("article.event[data-event-end]");
  if (page) {
    // A recurring event lists its sessions: it is over only when all of them are.
    var sessions = Array.prototype.slice.call(
      page.querySelectorAll(".event-sessions li[data-event-end]"));
    var spans = (sessions.length ? sessions : [page]).map(function (e) {
      return {start: time(e, "data-event-start"), end: time(e, "data-event-end")};
    });
    var over = spans.every(function (s) { return s.end !== null && s.end <= now; });
    var live = spans.some(function (s) { return s.start !== null && s.start <= now && now < s.end; });
    sessions.forEach(function (e) { if (time(e, "data-event-end") <= now) { e.remove(); } });
    if (over) {
      show(page.querySelector("[data-ended-note]"), true);
      page.querySelectorAll("[data-hide-when-ended]").forEach(function (e) { show(e, false); });
    }
    show(page.querySelector("[data-live-badge]"), live && !over);
  }

  var lang = document.documentElement.lang || undefined;
  var reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("[data-viewer-time]").forEach(function (element) {
    var startAt = new Date(element.getAttribute("data-start"));
    var endAt = new Date(element.getAttribute("data-end"));
    if (isNaN(startAt) || isNaN(endAt) || !reader) { return; }
    function local(zone) {
      return new Intl.DateTimeFormat(lang, {dateStyle: "full", timeStyle: "short", timeZone: zone})
        .format(startAt);
    }
    var mine = local(reader);
    var shown = (element.getAttribute("data-zones") || "").split(" ").filter(Boolean);
    // Nothing to add when the reader's clocks already read like a zone shown on the page.
    if (shown.some(function (zone) { try { return local(zone) === mine; } catch (e) { return false; } })) {
      return;
    }
    var until = new Intl.DateTimeFormat(lang, {timeStyle: "short", timeZone: reader}).format(endAt);
    element.textContent = (element.getAttribute("data-label") || "{zone}: {when}")
      .replace("{zone}", reader).replace("{when}", mine + " – " + until);
    show(element, true);
  });
}());
