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
  // YASGUI leaves its endpoint field and CodeMirror's input without a name: give them one, in
  // the page language, for every tab it draws.
  function label() {
    holder.querySelectorAll("input.autocomplete").forEach(function (field) {
      field.setAttribute("aria-label", holder.getAttribute("data-label-endpoint"));
    });
    holder.querySelectorAll(".CodeMirror textarea").forEach(function (field) {
      field.setAttribute("aria-label", holder.getAttribute("data-label-query"));
    });
  }
  yasgui.on("tabAdd", function () { window.setTimeout(label, 0); });
  yasgui.on("tabSelect", function () { window.setTimeout(label, 0); });
  yasgui.getTab().setQuery(fromLink || data.starter);
  label();
  var examples = {};
  data.examples.forEach(function (example) { examples[example.name] = example; });
  document.querySelectorAll(".load-example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples[button.getAttribute("data-name")];
      var tab = yasgui.addTab(true);
      tab.setName(example.name);
      tab.setQuery(example.query);
      label();
      holder.scrollIntoView();
    });
  });
}());
