/* billpath: helpers shared by the calculator page and the HTML report (no external libraries). */
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

/* Round an exact decimal string to `places` (half-even, as the CLI does) without floats. */
function roundDecimal(text, places) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text).trim());
  if (!m) return null;
  const sign = m[1];
  const frac = (m[3] || "").padEnd(places + 1, "0");
  const kept = frac.slice(0, places);
  const rest = frac.slice(places);
  let n = BigInt(m[2] + kept);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  if (first > 5 || (first === 5 && (tail || n % 2n === 1n))) n += 1n;
  let digits = n.toString().padStart(places + 1, "0");
  const intPart = digits.slice(0, digits.length - places);
  const fracPart = digits.slice(digits.length - places);
  const isZero = /^0*$/.test(intPart + fracPart);
  return { sign: isZero ? "" : sign, intPart, fracPart };
}

function groupThousands(intPart) {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/* "$1,234.57" from an exact decimal string; sub-cent amounts keep their digits (never shown as $0.00). */
function formatUSD(text) {
  const s = String(text);
  if (/^-?0\.00\d*$/.test(s) && /[1-9]/.test(s)) return (s[0] === "-" ? "-$" : "$") + s.replace("-", "");
  const r = roundDecimal(s, 2);
  if (!r) return s;
  return `${r.sign}$${groupThousands(r.intPart)}.${r.fracPart}`;
}

function formatCount(text) {
  const s = String(text);
  const [i, f] = s.split(".");
  return groupThousands(i) + (f ? "." + f : "");
}

/* Sum exact decimal strings exactly (BigInt on a common scale). */
function addDecimals(...values) {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, (String(v).split(".")[1] || "").length);
  let total = 0n;
  for (const v of values) {
    const s = String(v);
    const neg = s.startsWith("-");
    const [i, f = ""] = s.replace("-", "").split(".");
    const n = BigInt(i + f.padEnd(scale, "0"));
    total += neg ? -n : n;
  }
  const neg = total < 0n;
  let digits = (neg ? -total : total).toString().padStart(scale + 1, "0");
  let out = scale ? digits.slice(0, -scale) + "." + digits.slice(-scale) : digits;
  if (scale) out = out.replace(/\.?0+$/, "");
  return (neg ? "-" : "") + out;
}

/* Build an element: el("td", {class: "num"}, "text", child...). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const KIND_LABELS = { direct: "direct API", cloud: "cloud", aggregator: "aggregator", application: "coding-tool seat" };

/* Shorten a label to `max` characters with an ellipsis (the full text stays in the bar's title). */
function clip(text, max) {
  const s = String(text);
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + "…";
}

/* Horizontal bar chart: items = [{label, value: "<decimal string>", title?, kind?}]. Returns an <svg>.
   `opts.width` is the width in CSS pixels it is drawn at (text stays at its real size on a phone). */
function barChart(items, opts = {}) {
  const width = Math.max(280, Math.round(opts.width || 720));
  const labelW = Math.min(opts.labelWidth || 230, Math.round(width * 0.38));
  const valueW = width < 500 ? 80 : 110;
  const barH = 22;
  const gap = 6;
  const height = Math.max(1, items.length) * (barH + gap) + gap;
  const max = Math.max(0, ...items.map((it) => Number(it.value)));
  const chart = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${width} ${height}`,
    width: String(width),
    height: String(height),
    role: "img",
    "aria-label": opts.label || "bar chart",
  });
  const chars = Math.floor((labelW - 10) / 7);
  items.forEach((it, i) => {
    const y = gap + i * (barH + gap);
    const span = width - labelW - valueW;
    const w = max > 0 ? Math.max(1, (Number(it.value) / max) * span) : 1;
    const g = svg("g", { class: `bar kind-${it.kind || "other"}`, "data-label": it.label, "data-value": it.value });
    g.append(svg("title", {}, `${it.title || it.label}: ${formatUSD(it.value)} (exact ${it.value})`));
    g.append(svg("text", { x: String(labelW - 8), y: String(y + barH * 0.7), "text-anchor": "end", class: "label" }, clip(it.label, chars)));
    g.append(svg("rect", { x: String(labelW), y: String(y), width: w.toFixed(1), height: String(barH), rx: "3" }));
    g.append(svg("text", { x: String(labelW + w + 6), y: String(y + barH * 0.7), class: "value" }, formatUSD(it.value)));
    chart.append(g);
  });
  return chart;
}

/* The legend of a chart's colours: one swatch per channel kind that the chart shows. */
function chartLegend(items) {
  const kinds = [...new Set(items.map((it) => it.kind).filter(Boolean))];
  return el(
    "ul",
    { class: "legend", "aria-label": "chart legend" },
    kinds.map((k) => el("li", { dataset: { kind: k } }, el("span", { class: `swatch kind-${k}`, "aria-hidden": "true" }), KIND_LABELS[k] || k)),
  );
}

/* A chart sized to the element it goes in, with its legend when its bars have kinds. */
function chartInto(target, items, opts = {}) {
  const width = target.clientWidth || (target.parentElement && target.parentElement.clientWidth) || 720;
  const parts = [barChart(items, { ...opts, width: Math.min(width, 900) })];
  if (opts.legend !== false && items.some((it) => it.kind)) parts.push(chartLegend(items));
  target.replaceChildren(...parts);
}

/* A cell with nothing in it: no value, an empty string, or a zero amount. */
function isEmptyValue(v) {
  if (v === null || v === undefined) return true;
  const s = String(v).trim();
  return s === "" || /^[-+]?\$?0*(\.0*)?%?$/.test(s);
}

/* A table that never scrolls sideways.
   columns: [{label, numeric?, key?, cls?}]; rows: arrays of cells, each a string, a node, or {node, value}
   (`value` is the raw datum that decides whether the column is empty).
   Columns empty in every row are left out. Columns not marked `key` fold away on a narrow screen:
   tapping a row (or Enter/Space on it) opens its detail row, which lists them with `opts.detail(i)`. */
function table(columns, rows, numeric = [], opts = {}) {
  if (Array.isArray(numeric) === false) [opts, numeric] = [numeric, []];
  const cols = columns.map((c, i) => (typeof c === "string" ? { label: c, numeric: numeric.includes(i) } : { ...c }));
  if (!cols.some((c) => c.key)) cols.forEach((c, i) => (c.key = i < 2 || (i === cols.length - 1 && c.numeric)));
  const cellOf = (c) => (c !== null && typeof c === "object" && !(c instanceof Node) && "node" in c ? c : { node: c, value: c instanceof Node ? c.textContent : c });
  const grid = rows.map((r) => r.map(cellOf));
  const shown = cols.map((c, i) => c.keep || c.key || opts.hideEmpty === false || grid.some((r) => r[i] && !isEmptyValue(r[i].value)));
  const keep = cols.map((c, i) => i).filter((i) => shown[i]);
  const clsOf = (c) => [c.numeric ? "num" : null, c.key ? "key" : "extra", c.cls || null].filter(Boolean).join(" ");
  const head = el("tr", {}, keep.map((i) => el("th", { class: clsOf(cols[i]), scope: "col" }, cols[i].label)));
  const body = [];
  for (const [ri, r] of grid.entries()) {
    const extra = keep.filter((i) => !cols[i].key && r[i] && !isEmptyValue(r[i].value));
    const more = opts.detail ? opts.detail(ri) : null;
    const hasMore = more && (!Array.isArray(more) || more.length);
    const expandable = extra.length > 0 || hasMore;
    const tr = el("tr", { class: expandable ? "row expandable" : "row" }, keep.map((i) => el("td", { class: clsOf(cols[i]), "data-label": cols[i].label }, r[i] ? r[i].node : "")));
    body.push(tr);
    if (!expandable) continue;
    const detail = el(
      "tr",
      { class: "detail", hidden: true },
      el(
        "td",
        { colspan: String(keep.length) },
        extra.length ? el("dl", { class: "cols" }, extra.flatMap((i) => [el("dt", {}, cols[i].label), el("dd", { class: cols[i].numeric ? "num" : null }, r[i].node instanceof Node ? r[i].node.cloneNode(true) : r[i].node)])) : null,
        hasMore ? more : null,
      ),
    );
    if (!hasMore) detail.classList.add("cols-only");
    tr.tabIndex = 0;
    tr.setAttribute("aria-expanded", "false");
    const toggle = () => {
      const open = detail.hidden;
      detail.hidden = !open;
      tr.setAttribute("aria-expanded", String(open));
    };
    tr.addEventListener("click", (e) => { if (!e.target.closest("a, button")) toggle(); });
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
    body.push(detail);
  }
  const t = el("table", { class: "fold" }, el("thead", {}, head), el("tbody", {}, body));
  if (opts.id) t.id = opts.id;
  return t;
}

/* An error message worded for the page: no endpoints, no shell commands, no parameter or flag names.
   The API words its errors for an HTTP client (parameters as the query names them, endpoints for commands:
   billpath.errors.for_clients); the page says the same with its own labels. A CLI-worded message (a flag, a
   command in backticks) is reworded too. */
const FIELD_WORDS = {
  input_format: "the log format picker",
  requests: "“Requests per month”",
  input_tokens: "“Input tokens per request”",
  output_tokens: "“Output tokens per request”",
  cache_hit_share: "“Cache-hit share”",
  batch_share: "“Batch share”",
  at: "“Prices at”",
  payment: "“Aggregator payment”",
  require: "the requirements",
};
const PARAMETER = /(^|[;:(]\s*|\s)([a-z][a-z0-9]*(?:_[a-z0-9]+)*)(?=\s+(?:must|is|has|takes)\b)/g;
function forPage(message) {
  let s = String(message || "");
  s = s.replace(/\s*\([^()]*`[^`]*`[^()]*\)/g, ""); // "(search with `billpath models …`)"
  s = s.replace(/[;,:]?\s*(?:run|use|try|search with|see)\s+`[^`]*`[^;.]*/gi, "");
  s = s.replace(/`billpath [^`]*`/g, "the catalog");
  s = s.replace(/`([^`]*)`/g, "$1");
  s = s.replace(/\s*\([^()]*\b(?:GET|POST) \/api\/[^()]*\)/g, ""); // "(search with GET /api/models?search=TEXT)"
  s = s.replace(/[;,:]?\s*(?:run|use|try|search with|see|call)\s+(?:GET|POST) \/api\/\S*/gi, "");
  s = s.replace(/(^|[\s(])--([a-z][a-z0-9-]*)/g, (m, pre, flag) => pre + flag.replace(/-/g, "_")); // as the API says it
  s = s.replace(/\bname (?:it|the format) with ([a-z][a-z0-9_]*)/g, (m, name) => `pick it in ${FIELD_WORDS[name] || "the form"}`);
  s = s.replace(PARAMETER, (m, pre, name) => pre + (FIELD_WORDS[name] || (name.includes("_") ? `“${name.replace(/_/g, " ")}”` : name)));
  return s.replace(/\s+/g, " ").replace(/\s+([;,.)])/g, "$1").trim();
}
