/* Progressive enhancements; the site works the same without them.
 *
 * 1. Facet search boxes: filter a long facet's values as you type.
 *
 * Progressive enhancement: without this script the box is a GET form that
 * reloads the page with ?speaker_prefix=… and the server filters the list.
 * With it, the list is refreshed from /api/facets/<name>?prefix=… (counts
 * within the current search), and each value stays a plain link.
 */
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams || !document.querySelectorAll) { return; }

  function valueItem(value) {
    var li = document.createElement("li");
    if (value.selected) { li.className = "selected"; }
    var a = document.createElement("a");
    a.href = value.toggle_url;
    var check = document.createElement("span");
    check.className = "check";
    check.setAttribute("aria-hidden", "true");
    check.textContent = value.selected ? "\u2611" : "\u2610";
    var label = document.createElement("span");
    label.className = "label";
    label.textContent = value.label;
    var count = document.createElement("span");
    count.className = "count";
    count.textContent = String(value.count);
    a.appendChild(check);
    a.appendChild(label);
    a.appendChild(document.createTextNode(" "));
    a.appendChild(count);
    li.appendChild(a);
    return li;
  }

  function enhance(form) {
    var facet = form.getAttribute("data-facet");
    var input = form.querySelector("input[type=search]");
    var section = form.closest("section");
    if (!facet || !input || !section) { return; }
    var list = section.querySelector("ul.facet-values");
    if (!list) {
      list = document.createElement("ul");
      list.className = "facet-values";
      var none = section.querySelector("p.none");
      if (none) { none.parentNode.replaceChild(list, none); } else { form.parentNode.insertBefore(list, form.nextSibling); }
    }
    var original = Array.prototype.slice.call(list.children).map(function (li) { return li.cloneNode(true); });
    var initial = input.value;
    var status = section.querySelector(".facet-status");
    var timer = null;
    var pending = null;

    function say(text, visible) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("visually-hidden", !visible);
    }

    function restore() {
      list.textContent = "";
      original.forEach(function (li) { list.appendChild(li.cloneNode(true)); });
      list.removeAttribute("data-filtered");
      say("", false);
    }

    function refresh() {
      var prefix = input.value.trim();
      if (pending) { pending.abort(); pending = null; }
      if (prefix === initial.trim()) { restore(); return; }
      var params = new URLSearchParams();
      Array.prototype.forEach.call(form.querySelectorAll("input[type=hidden]"), function (field) {
        params.append(field.name, field.value);
      });
      params.set("prefix", prefix);
      params.set("limit", "50");
      pending = new AbortController();
      fetch("/api/facets/" + encodeURIComponent(facet) + "?" + params.toString(),
            {signal: pending.signal, headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          pending = null;
          list.textContent = "";
          data.values.forEach(function (value) { list.appendChild(valueItem(value)); });
          list.setAttribute("data-filtered", prefix);
          if (!data.values.length) {
            say("No " + facet + " matches \u201c" + prefix + "\u201d.", true);
          } else {
            say(data.values.length + " " + facet + (data.values.length === 1 ? "" : " values") +
                (prefix ? " match \u201c" + prefix + "\u201d" : ""), false);
          }
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          pending = null;
          say("Could not filter the list; press Find to search.", true);
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 200);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.facet-search"), enhance);

  /* 2. Timeline: show the pointed or focused bar's label (its <title> is only a hover tooltip). */
  Array.prototype.forEach.call(document.querySelectorAll("figure.timeline"), function (figure) {
    var readout = figure.querySelector(".timeline-readout");
    if (!readout) { return; }
    var idle = readout.textContent;
    function show(event) {
      var bar = event.target.closest ? event.target.closest("a.bar") : null;
      readout.textContent = bar ? bar.getAttribute("aria-label") : idle;
    }
    figure.addEventListener("mouseover", show);
    figure.addEventListener("focusin", show);
    figure.addEventListener("mouseleave", function () { readout.textContent = idle; });
    figure.addEventListener("focusout", function () { readout.textContent = idle; });
  });
})();
