// Verifier demo: poll the OpenID4VP transaction and show its outcome (no dependencies).
(function () {
  "use strict";
  var section = document.getElementById("oid4vp-status");
  if (!section) { return; }
  var url = section.getAttribute("data-status-url");
  var labels = JSON.parse(section.getAttribute("data-labels") || "{}");
  var state = document.getElementById("oid4vp-state");
  var result = document.getElementById("oid4vp-result");
  var request = document.getElementById("oid4vp-request");
  var refresh = document.getElementById("oid4vp-refresh");
  if (refresh) { refresh.hidden = true; }

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function rows(value, prefix, out) {
    if (value !== null && typeof value === "object") {
      var keys = Array.isArray(value) ? value.map(function (_, i) { return i; }) : Object.keys(value);
      keys.forEach(function (key) {
        if (!prefix && ["cnf", "_sd_alg", "iat", "exp", "nbf", "status", "@context"].indexOf(key) >= 0) { return; }
        var name = Array.isArray(value) ? prefix + "[" + key + "]" : (prefix ? prefix + "." + key : key);
        rows(value[key], name, out);
      });
    } else {
      out.push([prefix, value]);
    }
    return out;
  }

  function render(body) {
    result.replaceChildren();
    var claims = body.claims || {};
    var ids = Object.keys(claims);
    if (ids.length) {
      result.appendChild(el("h3", labels.claims));
      ids.forEach(function (id) {
        claims[id].forEach(function (credential) {
          var table = el("table");
          table.appendChild(el("caption", id));
          var head = el("thead"), tr = el("tr");
          [labels.claim, labels.value].forEach(function (h) { var th = el("th", h); th.scope = "col"; tr.appendChild(th); });
          head.appendChild(tr); table.appendChild(head);
          var tbody = el("tbody");
          rows(credential, "", []).forEach(function (row) {
            var line = el("tr"), th = el("th", row[0]);
            th.scope = "row"; line.appendChild(th); line.appendChild(el("td", row[1]));
            tbody.appendChild(line);
          });
          table.appendChild(tbody);
          result.appendChild(table);
        });
      });
    }
    var failed = (body.checks || []).filter(function (c) { return !c.passed; });
    if (failed.length) {
      result.appendChild(el("h3", labels.checks));
      var list = el("ul"); list.className = "error";
      failed.forEach(function (c) {
        var item = el("li"); item.appendChild(el("code", c.code));
        item.appendChild(document.createTextNode(" — " + c.detail));
        list.appendChild(item);
      });
      result.appendChild(list);
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var status = body.status || "pending";
        if (status !== section.getAttribute("data-status")) {
          section.setAttribute("data-status", status);
          state.textContent = labels[status] || status;
        }
        if (status === "completed" || status === "failed" || status === "expired") {
          if (request) { request.hidden = true; }
          render(body);
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }

  var initial = section.getAttribute("data-status");
  if (initial === "pending" || initial === "fetched") { window.setTimeout(poll, 1000); }
}());
