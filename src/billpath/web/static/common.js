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

/* Horizontal bar chart: items = [{label, value: "<decimal string>", title?, kind?}]. Returns an <svg>. */
function barChart(items, opts = {}) {
  const width = opts.width || 720;
  const labelW = opts.labelWidth || 230;
  const valueW = 110;
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
  items.forEach((it, i) => {
    const y = gap + i * (barH + gap);
    const span = width - labelW - valueW;
    const w = max > 0 ? Math.max(1, (Number(it.value) / max) * span) : 1;
    const g = svg("g", { class: `bar kind-${it.kind || "other"}`, "data-label": it.label, "data-value": it.value });
    g.append(svg("title", {}, `${it.title || it.label}: ${formatUSD(it.value)} (exact ${it.value})`));
    g.append(svg("text", { x: String(labelW - 8), y: String(y + barH * 0.7), "text-anchor": "end", class: "label" }, it.label));
    g.append(svg("rect", { x: String(labelW), y: String(y), width: w.toFixed(1), height: String(barH), rx: "3" }));
    g.append(svg("text", { x: String(labelW + w + 6), y: String(y + barH * 0.7), class: "value" }, formatUSD(it.value)));
    chart.append(g);
  });
  return chart;
}

/* A table from column names and rows of cells (strings or nodes); `numeric` marks right-aligned columns. */
function table(columns, rows, numeric = []) {
  const head = el("tr", {}, columns.map((c, i) => el("th", { class: numeric.includes(i) ? "num" : null }, c)));
  const body = rows.map((r) => el("tr", {}, r.map((c, i) => el("td", { class: numeric.includes(i) ? "num" : null }, c))));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, body));
}
