/* The interactive HTML export's behaviour (explorer/io/html.py).
   Text from the map reaches the page only through textContent, vis-network's canvas and
   vis-network tooltips given as strings (which it shows as innerText): never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var state = { rendered: false, network: null, nodes: null, edges: null, data: data };
  window.routineExplorer = state;
  var container = document.getElementById("network");
  var byId = {};
  var TOOLTIP_VALUE_LIMIT = 300;
  var RESULT_LIMIT = 50;

  function fullName(node) { return node.name !== undefined ? node.name : node.label; }
  function kindOf(node) { return data.kinds[Number(node.group.slice(1))] || { label: "" }; }
  function levelName(node) { return data.levels[String(node.level)] || String(node.level); }
  function number(value) { return typeof value === "number" ? String(Math.round(value * 1000) / 1000) : String(value); }
  // As the app writes a likelihood: never "100 %" or "0 %" for what is only nearly so.
  function likely(value) {
    var shown = Math.round(value * 100);
    if (value < 1 && shown >= 100) { return "> 99 %"; }
    if (value > 0 && shown <= 0) { return "< 1 %"; }
    return shown + " %";
  }
  function shorten(text, limit) { text = String(text); return text.length > limit ? text.slice(0, limit - 1) + "\u2026" : text; }

  function tooltip(node) {
    var lines = [fullName(node), kindOf(node).label + " \u00b7 " + levelName(node)];
    if (node.heat !== undefined) { lines.push("likelihood of resistance: " + likely(node.heat)); }
    var values = node.values || {};
    Object.keys(values).forEach(function (key) { lines.push(key + ": " + shorten(number(values[key]), TOOLTIP_VALUE_LIMIT)); });
    return lines.join("\n");
  }

  // Heat: the ranked node's border and a glow in its heat colour (likelihood on a fixed 0-1 scale); others dimmed.
  // Colours are given whole both ways, so turning heat off restores the kind's exactly.
  function heatStyle(node, on) {
    var plain = data.options.groups[node.group].color;
    if (!on) { return { id: node.id, opacity: 1, borderWidth: 1, color: plain, shadow: { enabled: false } }; }
    if (node.heat === undefined) { return { id: node.id, opacity: 0.35, borderWidth: 1, color: plain, shadow: { enabled: false } }; }
    return {
      id: node.id, opacity: 1, borderWidth: 2 + 3 * node.heatStrength,
      color: { background: plain.background, border: node.heatColour, highlight: plain.highlight, hover: plain.hover },
      shadow: { enabled: true, color: node.heatColour, size: 16 + 28 * node.heatStrength, x: 0, y: 0 }
    };
  }

  data.nodes.forEach(function (node) {
    node.title = tooltip(node);
    byId[node.id] = node;
    if (data.heat) { Object.assign(node, heatStyle(node, true)); }
  });

  if (data.nodes.length === 0) {
    var empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "This map has no nodes yet.";
    container.appendChild(empty);
    state.rendered = true;
    document.documentElement.setAttribute("data-rendered", "true");
    return;
  }

  state.nodes = new vis.DataSet(data.nodes);
  state.edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: state.nodes, edges: state.edges }, data.options);
  state.network = network;

  // Level bands behind the nodes (macro on top), in the network's own coordinates.
  var BAND_FILL = { "3": "#eef2f7", "2": "#f6f7f2", "1": "#f8f3f0" };
  network.on("beforeDrawing", function (ctx) {
    data.bands.forEach(function (band) {
      ctx.fillStyle = BAND_FILL[String(band.level)] || "#f4f4f4";
      ctx.fillRect(band.left, band.top, band.right - band.left, band.bottom - band.top);
      ctx.fillStyle = "#7a838f";
      ctx.font = "600 " + Math.round(Math.max(22, (band.right - band.left) / 90)) + "px system-ui, sans-serif";
      ctx.textBaseline = "top";
      ctx.fillText(band.label.charAt(0).toUpperCase() + band.label.slice(1), band.left + 16, band.top + 12);
    });
  });
  network.once("afterDrawing", function () {
    state.rendered = true;
    document.documentElement.setAttribute("data-rendered", "true");
  });
  network.fit();

  // Details of the selected node.
  var details = document.getElementById("details");
  function showDetails(id) {
    var node = byId[id];
    if (!node) { details.hidden = true; return; }
    document.getElementById("details-title").textContent = fullName(node);
    document.getElementById("details-kind").textContent = kindOf(node).label + " \u00b7 " + levelName(node) + " level";
    var list = document.getElementById("details-values");
    list.replaceChildren();
    function row(key, value) {
      var dt = document.createElement("dt");
      dt.textContent = key;
      var dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    }
    if (node.heat !== undefined) { row("likelihood of resistance", likely(node.heat)); }
    var values = node.values || {};
    Object.keys(values).forEach(function (key) { row(key, number(values[key])); });
    row("ties", String(network.getConnectedEdges(id).length));
    row("IRI", node.id);
    details.hidden = false;
  }
  network.on("selectNode", function (event) { showDetails(event.nodes[0]); });
  network.on("deselectNode", function () { details.hidden = true; });
  document.getElementById("details-close").addEventListener("click", function () {
    network.unselectAll();
    details.hidden = true;
  });

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showDetails(id);
  }
  state.focusNode = focusNode;

  // Search by label (and kind), case- and accent-insensitive.
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  var count = document.getElementById("search-count");
  function fold(text) { return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var index = data.nodes.map(function (node) { return { id: node.id, text: fold(fullName(node)) }; });
  function runSearch() {
    var query = fold(search.value.trim());
    results.replaceChildren();
    if (!query) { results.hidden = true; count.textContent = ""; return; }
    var found = index.filter(function (entry) { return entry.text.indexOf(query) !== -1; });
    count.textContent = found.length === 1 ? "1 node" : found.length + " nodes";
    found.slice(0, RESULT_LIMIT).forEach(function (entry) {
      var node = byId[entry.id];
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = shorten(fullName(node), 160) + " ";
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = kindOf(node).label;
      button.appendChild(kind);
      button.addEventListener("click", function () { results.hidden = true; focusNode(entry.id); });
      item.appendChild(button);
      results.appendChild(item);
    });
    results.hidden = found.length === 0;
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var first = results.querySelector("button");
      if (first) { first.click(); }
    } else if (event.key === "ArrowDown") {
      var next = results.querySelector("button");
      if (next) { next.focus(); event.preventDefault(); }
    } else if (event.key === "Escape") {
      search.value = "";
      runSearch();
    }
  });
  results.addEventListener("keydown", function (event) {
    var item = document.activeElement && document.activeElement.parentElement;
    if (!item) { return; }
    if (event.key === "ArrowDown" && item.nextElementSibling) { item.nextElementSibling.firstChild.focus(); event.preventDefault(); }
    if (event.key === "ArrowUp") {
      if (item.previousElementSibling) { item.previousElementSibling.firstChild.focus(); } else { search.focus(); }
      event.preventDefault();
    }
    if (event.key === "Escape") { results.hidden = true; search.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!results.contains(event.target) && event.target !== search) { results.hidden = true; }
  });
  search.addEventListener("focus", function () { if (results.childElementCount) { results.hidden = false; } });

  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });

  var heatBox = document.getElementById("heat");
  if (heatBox) {
    heatBox.addEventListener("change", function () {
      state.nodes.update(data.nodes.map(function (node) { return heatStyle(node, heatBox.checked); }));
    });
  }
})();
