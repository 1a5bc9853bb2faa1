// Corpus report: sortable, filterable tables drawn from embedded JSON, and evidence shown for a card.
"use strict";
(function () {
  const LIMIT = 500;
  function table(tableId, dataId, filterId, countId, render) {
    const el = document.getElementById(tableId), src = document.getElementById(dataId);
    if (!el || !src) return;
    const rows = JSON.parse(src.textContent), body = el.tBodies[0], input = document.getElementById(filterId);
    const cols = Array.from(el.tHead.rows[0].cells).map((th) => th.dataset.col);
    const haystack = rows.map((r) => cols.map((c) => String(r[c] ?? "")).join(" ").toLowerCase());
    let order = rows.map((_, i) => i), sortCol = null, dir = 1;
    function draw() {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      const shown = order.filter((i) => words.every((w) => haystack[i].includes(w)));
      body.replaceChildren(...shown.slice(0, LIMIT).map((i) => render(rows[i], cols)));
      document.getElementById(countId).textContent = shown.length > LIMIT
        ? `showing ${LIMIT} of ${shown.length} rows (filter to see others)` : `${shown.length} rows`;
    }
    el.tHead.addEventListener("click", (ev) => {
      const th = ev.target.closest("th"); if (!th) return;
      const c = th.dataset.col; dir = sortCol === c ? -dir : 1; sortCol = c;
      const key = (r) => r[c + "_sort"] ?? r[c] ?? "";
      order.sort((a, b) => { const x = key(rows[a]), y = key(rows[b]); return (x < y ? -1 : x > y ? 1 : 0) * dir; });
      Array.from(el.tHead.rows[0].cells).forEach((h) => h.classList.remove("asc", "desc"));
      th.classList.add(dir > 0 ? "asc" : "desc"); draw();
    });
    input.addEventListener("input", draw);
    draw();
  }
  function cell(tr, text, cls) { const td = tr.insertCell(); td.textContent = text ?? ""; if (cls) td.className = cls; return td; }
  function link(td, href, text) { td.textContent = ""; const a = document.createElement("a"); a.href = href; a.textContent = text; td.append(a); }
  table("alloc-table", "alloc-data", "alloc-filter", "alloc-count", (r, cols) => {
    const tr = document.createElement("tr"); if (!r.counted) tr.className = "uncounted";
    for (const c of cols) {
      const td = cell(tr, r[c], c === "amount" ? "num" : "");
      if (c === "doc_id") link(td, r.href, r.doc_id);
    }
    return tr;
  });
  table("doc-table", "doc-data", "doc-filter", "doc-count", (r, cols) => {
    const tr = document.createElement("tr");
    for (const c of cols) { const td = cell(tr, r[c], c === "total" ? "num" : ""); if (c === "id") link(td, r.href, r.id); }
    return tr;
  });
  document.querySelectorAll(".card[data-evidence]").forEach((card) => {
    const marks = document.querySelectorAll(`mark[data-evidence="${card.dataset.evidence}"]`);
    const on = (yes) => marks.forEach((m) => m.classList.toggle("on", yes));
    card.addEventListener("mouseenter", () => on(true));
    card.addEventListener("mouseleave", () => on(false));
    card.addEventListener("click", () => marks[0] && marks[0].scrollIntoView({ block: "center" }));
  });
})();
