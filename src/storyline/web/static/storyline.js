// storyline web reader: small progressive enhancements. Every page works without this file.
// Content is never inserted as HTML: the popover clones the page's own (server-escaped) nodes.
(function () {
  "use strict";
  var open = null;

  function close() {
    if (!open) return;
    open.pop.remove();
    open.link.setAttribute("aria-expanded", "false");
    open = null;
  }

  function show(link, pinned) {
    var id = link.getAttribute("data-cite");
    var source = id && document.getElementById(id);
    if (!source) return false;
    if (open && open.link === link) { open.pinned = open.pinned || pinned; return true; }
    close();
    var pop = document.createElement("div");
    pop.className = "popover";
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", "cited sentence");
    var body = source.cloneNode(true);
    body.removeAttribute("id");
    pop.appendChild(body);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "popover-close";
    button.setAttribute("aria-label", "close");
    button.textContent = "×";
    button.addEventListener("click", close);
    pop.appendChild(button);
    document.body.appendChild(pop);
    var box = link.getBoundingClientRect();
    var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 12);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = (window.scrollY + box.bottom + 6) + "px";
    link.setAttribute("aria-expanded", "true");
    open = { link: link, pop: pop, pinned: pinned };
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cite");
    if (link) {
      if (show(link, true)) event.preventDefault();
      return;
    }
    if (open && !open.pop.contains(event.target)) close();
  });
  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest("a.cite");
    if (link) show(link, false);
  });
  document.addEventListener("mouseout", function (event) {
    var link = event.target.closest && event.target.closest("a.cite");
    if (link && open && open.link === link && !open.pinned) {
      var to = event.relatedTarget;
      if (!to || !open.pop.contains(to)) close();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });

  // Filters: apply the sort as soon as it changes.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
