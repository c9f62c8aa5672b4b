// kitgen preview only, never part of a built kit: reload the page when the preview changes.
// The server tells this script which preview version the page shows; any other version means
// a rebuild finished (or a problem appeared or went away) since the page was served.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : "";
  if (!window.EventSource) {
    return;
  }
  var events = new EventSource("/__kitgen__/events?since=" + encodeURIComponent(version || ""));
  events.addEventListener("reload", function () {
    events.close();
    window.location.reload();
  });
})();
