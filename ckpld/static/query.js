/* ckpld query page: turns the plain query form into YASGUI when the editor is installed.
   The page works without this script; examples and limits come from the server as JSON. */
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var form = document.getElementById("query-form");
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  if (!holder || typeof window.Yasgui === "undefined") {
    return;
  }
  var fromLink = /^#query=/.test(window.location.hash)
    ? decodeURIComponent(window.location.hash.slice(7).replace(/\+/g, " "))
    : null;
  var yasgui = new window.Yasgui(holder, {
    requestConfig: { endpoint: data.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: data.endpoint }]; } }
  });
  form.hidden = true;
  yasgui.getTab().setQuery(fromLink || data.starter);
  var examples = {};
  data.examples.forEach(function (example) { examples[example.name] = example; });
  document.querySelectorAll(".load-example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples[button.getAttribute("data-name")];
      var tab = yasgui.addTab(true);
      tab.setName(example.name);
      tab.setQuery(example.query);
      holder.scrollIntoView();
    });
  });
}());
