/* Netzwerkatlas network viewer: draws a server-laid-out view with vis-network.
 *
 * Data comes from <script type="application/json" id="network-data">. Every name reaches
 * the page as text (textContent, DOM text nodes), never as HTML. Used by the app's
 * /netzwerk page and, inlined, by the standalone download.
 */
(function () {
  "use strict";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.appendChild(document.createTextNode(String(text)));
    if (className) node.className = className;
    return node;
  }

  function tooltip(lines) {
    var box = el("div", null, "vis-tip");
    (lines || []).forEach(function (line, i) {
      box.appendChild(el(i === 0 ? "strong" : "div", line));
    });
    return box;
  }

  function readData() {
    var source = document.getElementById("network-data");
    return source ? expand(JSON.parse(source.textContent)) : null;
  }

  // The page carries each fact once (viz.network_view.page_data): styles and tooltips as
  // tables the nodes and edges refer to by position, an edge's ends as node positions, a
  // node's name where it is not its label, its link where it is not node_url + id.
  function expand(data) {
    var styles = data.styles || [], tips = data.tips || [], meta = data.meta || {};
    data.nodes.forEach(function (n) {
      if (n.name === undefined) n.name = n.label;
      if (n.s !== undefined) { Object.assign(n, styles[n.s]); delete n.s; }
      if (n.t !== undefined) { n.tooltip = [n.name].concat(tips[n.t]); delete n.t; }
      if (n.url === undefined && meta.node_url) n.url = meta.node_url + n.id;
    });
    data.edges.forEach(function (e) {
      if (typeof e.from === "number") e.from = data.nodes[e.from].id;
      if (typeof e.to === "number") e.to = data.nodes[e.to].id;
      if (e.id === undefined) e.id = e.from + "|" + e.to;
      if (e.s !== undefined) { Object.assign(e, styles[e.s]); delete e.s; }
      if (e.t !== undefined) { e.tooltip = tips[e.t]; delete e.t; }
    });
    return data;
  }

  function strings(data, key, fallback) {
    return (data.strings && data.strings[key]) || fallback;
  }

  function showPanel(panel, data, node) {
    if (!panel) return;
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!node) {
      panel.hidden = true;
      return;
    }
    var close = el("button", "×", "panel-close");
    close.type = "button";
    close.setAttribute("aria-label", strings(data, "close", "Schließen"));
    close.addEventListener("click", function () { showPanel(panel, data, null); });
    panel.appendChild(close);
    var lines = node.tooltip || [node.label];
    panel.appendChild(el("h2", lines[0]));
    var list = el("ul");
    lines.slice(1).forEach(function (line) { list.appendChild(el("li", line)); });
    panel.appendChild(list);
    if (node.url && !data.meta.standalone) {
      var link = el("a", node.is_group ? strings(data, "open_group", "Öffnen") : strings(data, "details", "Details"));
      link.href = node.url;
      panel.appendChild(link);
      if (data.meta.ego_url && !node.is_group) {
        panel.appendChild(document.createTextNode(" · "));
        var ego = el("a", strings(data, "ego", "Ego-Netzwerk"));
        ego.href = data.meta.ego_url + encodeURIComponent(node.id);
        panel.appendChild(ego);
      }
    }
    panel.hidden = false;
  }

  function paintSwatches(root) {
    var swatches = (root || document).querySelectorAll("[data-colour]");
    Array.prototype.forEach.call(swatches, function (s) {
      var colour = s.getAttribute("data-colour");
      if (/^#[0-9a-fA-F]{3,8}$/.test(colour)) s.style.backgroundColor = colour;
    });
  }

  function downloadPng(container, name) {
    var canvas = container.querySelector("canvas");
    if (!canvas) return;
    var copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    var ctx = copy.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, copy.width, copy.height);
    ctx.drawImage(canvas, 0, 0);
    var link = document.createElement("a");
    link.download = name || "netzwerk.png";
    link.href = copy.toDataURL("image/png");
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  }

  function start() {
    var data = readData();
    var container = document.getElementById("network");
    if (!data || !container || typeof vis === "undefined") return;
    var started = performance.now();
    data.meta = data.meta || {};
    paintSwatches(document);
    if (data.meta.standalone || container.getAttribute("data-height")) {
      // the canvas reaches down to the window's bottom edge: the whole map at first sight
      var top = container.getBoundingClientRect().top + window.scrollY;
      container.style.height = Math.max(420, window.innerHeight - top - 8) + "px";
    }
    var byId = {}, edgeById = {};
    // the tooltip's plain text (vis-network writes a string title as text); the formatted
    // box replaces it when it is shown (showPopup below): no element per node and edge
    var nodes = data.nodes.map(function (n) {
      byId[n.id] = n;
      var copy = Object.assign({}, n);
      if (n.tooltip) copy.title = n.tooltip.join("\n");
      delete copy.tooltip;
      delete copy.url;
      delete copy.kind;
      delete copy.name;
      delete copy.is_group;
      delete copy.members;
      if (!copy.label) delete copy.label;
      return copy;
    });
    var edges = data.edges.map(function (e) {
      edgeById[e.id] = e;
      var copy = Object.assign({}, e);
      if (e.tooltip && e.tooltip.length) copy.title = e.tooltip.join("\n");
      delete copy.tooltip;
      delete copy.ties;
      return copy;
    });
    var nodeSet = new vis.DataSet(nodes);
    var edgeSet = new vis.DataSet(edges);
    var options = data.options || {};
    if (data.meta.can_save) options.interaction = Object.assign({}, options.interaction, { dragNodes: true });
    else options.interaction = Object.assign({}, options.interaction, { dragNodes: !data.meta.standalone ? false : true });
    var network = new vis.Network(container, { nodes: nodeSet, edges: edgeSet }, options);
    var panel = document.getElementById("node-panel");
    var status = document.getElementById("network-status");
    var dirty = false;

    // vis-network's fit() leaves a tenth of the canvas empty around the picture; the
    // server's layout is made for the canvas, so the map is shown almost to the edge
    function fitTight() {
      network.fit({ animation: false });
      var scale = Math.min(1, network.getScale() * 1.06);
      network.moveTo({ scale: scale, animation: false });
    }
    fitTight();

    network.once("afterDrawing", function () {
      var ms = Math.round(performance.now() - started);
      document.body.setAttribute("data-network-ready", String(ms));
      window.netzwerkatlasReadyMs = ms;
      if (status) status.textContent = strings(data, "ready", "Bereit") + " (" + data.nodes.length + ")";
    });

    network.on("showPopup", function (id) {
      var item = byId[id] || edgeById[id];
      var box = container.querySelector("div.vis-tooltip");
      if (!item || !item.tooltip || !box) return;
      while (box.firstChild) box.removeChild(box.firstChild);
      box.appendChild(tooltip(item.tooltip));
    });

    network.on("click", function (params) {
      var id = params.nodes && params.nodes[0];
      var node = id ? byId[id] : null;
      // a group of a large network: a click opens that group's own network
      if (node && node.is_group && node.url && !data.meta.standalone) {
        if (status) status.textContent = strings(data, "opening", "…") + " " + (node.name || node.label);
        window.location.assign(node.url);
        return;
      }
      showPanel(panel, data, node);
    });
    network.on("dragEnd", function (params) {
      if (params.nodes && params.nodes.length && data.meta.can_save) {
        dirty = true;
        var save = document.getElementById("save-positions");
        if (save) save.disabled = false;
      }
    });

    function focusNodes(ids) {
      ids = ids.filter(function (id) { return byId[id]; });
      if (!ids.length) return false;
      network.selectNodes(ids);
      if (ids.length === 1) {
        // show the node with its partners, not closer than needed
        network.fit({ nodes: ids.concat(network.getConnectedNodes(ids[0])), animation: false });
        if (network.getScale() > 1.5) network.moveTo({ scale: 1.5 });
        if (network.getScale() < 0.35) network.focus(ids[0], { scale: 0.35, animation: false });
        showPanel(panel, data, byId[ids[0]]);
      } else {
        network.fit({ nodes: ids, animation: false });
      }
      return true;
    }

    var search = document.getElementById("network-search");
    if (search) {
      search.addEventListener("submit", function (event) {
        event.preventDefault();
        var input = search.querySelector("input[type=search]");
        var text = (input.value || "").trim().toLowerCase();
        var out = document.getElementById("search-result");
        if (!text) return;
        var found = data.nodes.filter(function (n) {
          return String(n.name || n.label).toLowerCase().indexOf(text) !== -1;
        });
        found.sort(function (a, b) { return String(a.name || a.label).length - String(b.name || b.label).length; });
        if (found.length) focusNodes([found[0].id]);
        if (out) {
          out.textContent = found.length
            ? strings(data, "found", "Gefunden") + ": " + (found[0].name || found[0].label) + (found.length > 1 ? " (+" + (found.length - 1) + ")" : "")
            : strings(data, "not_found", "Nichts gefunden");
        }
      });
    }

    if (data.meta.focus && data.meta.focus.length) focusNodes(data.meta.focus);

    var png = document.getElementById("download-png");
    if (png) png.addEventListener("click", function () { downloadPng(container, data.meta.png_name); });

    var fit = document.getElementById("network-fit");
    if (fit) fit.addEventListener("click", fitTight);

    var save = document.getElementById("save-positions");
    if (save && data.meta.can_save) {
      save.hidden = false;
      save.disabled = true;
      save.addEventListener("click", function () {
        if (!dirty) return;
        var positions = network.getPositions();
        var body = {};
        Object.keys(positions).forEach(function (id) {
          if (byId[id] && byId[id].url) body[id] = [positions[id].x, positions[id].y];
        });
        fetch(data.meta.save_url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": data.meta.csrf },
          body: JSON.stringify({ key: data.meta.layout_key, positions: body })
        }).then(function (response) {
          if (status) status.textContent = response.ok ? strings(data, "saved", "Gespeichert") : strings(data, "save_failed", "Nicht gespeichert");
          if (response.ok) { dirty = false; save.disabled = true; }
        });
      });
    }

    window.netzwerkatlasNetwork = network;
  }

  window.NetzwerkatlasViewer = { start: start, paintSwatches: paintSwatches };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
