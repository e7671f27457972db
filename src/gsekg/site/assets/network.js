/* Pan and zoom for the partnership network of a gsekg site (no library, no network access).
   The SVG's nodes are plain links: clicking one opens its page, with or without this script.
   Drag to pan, wheel or the buttons to zoom; a drag never counts as a click. */
(function () {
  "use strict";
  var svg = document.getElementById("network");
  if (!svg) { return; }
  var view = document.getElementById("viewport");
  var state = { x: 0, y: 0, k: 1 };
  var MIN = 0.3, MAX = 10;
  var drag = null;
  var justDragged = false;

  function apply() {
    view.setAttribute("transform",
      "translate(" + state.x.toFixed(2) + " " + state.y.toFixed(2) + ") scale(" + state.k.toFixed(4) + ")");
  }
  function toSvg(clientX, clientY) {
    var point = svg.createSVGPoint();
    point.x = clientX; point.y = clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }
  function zoomAt(point, factor) {
    var k = Math.min(MAX, Math.max(MIN, state.k * factor));
    state.x = point.x - (point.x - state.x) * (k / state.k);
    state.y = point.y - (point.y - state.y) * (k / state.k);
    state.k = k;
    apply();
  }
  function centre() {
    var box = svg.viewBox.baseVal;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoomAt(toSvg(event.clientX, event.clientY), Math.exp(-event.deltaY * 0.0015));
  }, { passive: false });

  svg.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    var start = toSvg(event.clientX, event.clientY);
    drag = { id: event.pointerId, x: start.x, y: start.y, ox: state.x, oy: state.y,
             cx: event.clientX, cy: event.clientY, moved: false };
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.id) { return; }
    if (!drag.moved && Math.abs(event.clientX - drag.cx) + Math.abs(event.clientY - drag.cy) < 5) {
      return;
    }
    if (!drag.moved) {
      drag.moved = true;
      svg.classList.add("dragging");
      svg.setPointerCapture(event.pointerId);
    }
    var point = toSvg(event.clientX, event.clientY);
    state.x = drag.ox + (point.x - drag.x);
    state.y = drag.oy + (point.y - drag.y);
    apply();
  });
  function endDrag(event) {
    if (!drag || event.pointerId !== drag.id) { return; }
    justDragged = drag.moved;
    svg.classList.remove("dragging");
    drag = null;
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener("click", function (event) {
    if (justDragged) {
      event.preventDefault();
      event.stopPropagation();
      justDragged = false;
    }
  }, true);

  /* Hovering a node highlights its links and neighbours. */
  var lines = svg.querySelectorAll(".edges line");
  var nodes = svg.querySelectorAll(".node");
  function focus(id) {
    var near = {};
    near[id] = true;
    lines.forEach(function (line) {
      var hit = line.getAttribute("data-a") === id || line.getAttribute("data-b") === id;
      line.classList.toggle("near", hit);
      if (hit) { near[line.getAttribute("data-a")] = true; near[line.getAttribute("data-b")] = true; }
    });
    nodes.forEach(function (node) { node.classList.toggle("near", !!near[node.getAttribute("data-id")]); });
    svg.classList.add("focus");
  }
  function blur() { svg.classList.remove("focus"); }
  nodes.forEach(function (node) {
    node.addEventListener("pointerenter", function () { if (!drag) { focus(node.getAttribute("data-id")); } });
    node.addEventListener("pointerleave", blur);
    node.addEventListener("focus", function () { focus(node.getAttribute("data-id")); });
    node.addEventListener("blur", blur);
  });

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.getAttribute("data-zoom");
      if (action === "reset") { state = { x: 0, y: 0, k: 1 }; apply(); }
      else { zoomAt(centre(), action === "in" ? 1.4 : 1 / 1.4); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.target && /input|textarea/i.test(event.target.tagName)) { return; }
    if (event.key === "+" || event.key === "=") { zoomAt(centre(), 1.4); }
    else if (event.key === "-") { zoomAt(centre(), 1 / 1.4); }
    else if (event.key === "0") { state = { x: 0, y: 0, k: 1 }; apply(); }
  });
})();
