/* billpath calculator page: every figure comes from the JSON API (the same functions as the CLI). */
"use strict";

const FIELDS = ["model", "requests", "input_tokens", "output_tokens", "cache_hit_share", "batch_share", "payment", "at"];
const DEFAULTS = { model: "claude-sonnet-4-6", requests: "1000", input_tokens: "1000", output_tokens: "1000", cache_hit_share: "0", batch_share: "0", payment: "", at: "" };
const $ = (id) => document.getElementById(id);
let known = new Set();
let endpoints = new Set();
let seq = 0;
let timer = null;
let lastComparison = null;

/* A failed API call: the problem document's detail, worded for the page, and its suggestions. */
class PageError extends Error {
  constructor(message, suggestions) {
    super(forPage(message));
    this.suggestions = suggestions || [];
  }
}

async function getJSON(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new PageError("The billpath server did not answer: is it still running?");
  }
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : { detail: await res.text() };
  if (!res.ok) throw new PageError(body.detail || `${res.status} ${res.statusText}`, body.suggestions || suggestionsIn(body.detail));
  return body;
}

/* "closest known: a, b, c" in a message -> ["a", "b", "c"] (for servers that do not send `suggestions`). */
function suggestionsIn(text) {
  const m = /closest known: ([^()]*?)(?:\s*\(|$)/.exec(String(text || ""));
  if (!m) return [];
  return m[1].split(",").map((s) => s.trim()).filter((s) => s && s !== "none");
}

/* Every element marked data-result holds figures of the current answer: an error empties them all. */
function clearResults() {
  for (const node of document.querySelectorAll("[data-result]")) {
    if (node.matches("input, select")) node.value = "";
    else node.replaceChildren();
  }
  lastComparison = null;
}

function showError(message, suggestions = []) {
  const box = $("error");
  box.replaceChildren();
  box.hidden = !message;
  if (!message) return;
  // The suggestions become buttons, so the sentence listing them is dropped from the message.
  const text = suggestions.length ? message.replace(/[;,]?\s*closest known:[^;]*$/, "") : message;
  box.append(el("span", { id: "error-text" }, /[.!?]$/.test(text) ? text : text + "."));
  if (suggestions.length) {
    box.append(
      " ",
      el("span", { class: "suggest" }, "Did you mean ", suggestions.flatMap((s, i) => [i ? ", " : "", el("button", { type: "button", class: "suggestion", dataset: { model: s } }, s)]), "?"),
    );
  }
}

function readForm() {
  const v = {};
  for (const f of FIELDS) v[f] = $(f).value.trim();
  return v;
}

function requirements() {
  return [...document.querySelectorAll("input[name=require]:checked")].map((x) => x.value);
}

function apiParams(v) {
  const p = new URLSearchParams({
    model: v.model,
    input_tokens: v.input_tokens || "0",
    output_tokens: v.output_tokens || "0",
    requests: v.requests || "1",
    batch_share: v.batch_share || "0",
    cache_hit_share: v.cache_hit_share || "0",
  });
  if (v.payment) p.set("payment", v.payment);
  if (v.at) p.set("at", v.at);
  return p;
}

function permalink(v) {
  const p = new URLSearchParams();
  for (const f of FIELDS) if (v[f] !== "" && v[f] !== DEFAULTS[f]) p.set(f, v[f]);
  if (!p.has("model")) p.set("model", v.model);
  for (const r of requirements()) p.append("require", r);
  return `${location.pathname}?${p}`;
}

function schedule(delay = 250) {
  clearTimeout(timer);
  timer = setTimeout(compute, delay);
}

async function compute() {
  const v = readForm();
  if (!v.model) return;
  const params = apiParams(v);
  const link = permalink(v);
  history.replaceState(null, "", link);
  $("permalink").href = link;
  $("json-link").href = `/api/compare?${params}`;
  const mine = ++seq;
  document.body.dataset.state = "loading";
  try {
    const data = await getJSON(`/api/compare?${params}`);
    if (mine !== seq) return;
    showError("");
    renderComparison(data);
    document.body.dataset.outcome = "ok";
    $("comparison").dataset.query = params.toString();
    const rec = new URLSearchParams(params);
    for (const r of requirements()) rec.append("require", r);
    await renderRecommendation(rec, mine);
  } catch (e) {
    if (mine !== seq) return;
    clearResults(); // never leave the previous model's figures under a new error
    document.body.dataset.outcome = "error";
    delete $("comparison").dataset.query;
    showError(e.message, e.suggestions);
  } finally {
    if (mine === seq) document.body.dataset.state = "ready";
  }
}

function money(text, cls) {
  return el("span", { title: `exact: ${text}`, class: cls || null }, formatUSD(text));
}

const who = (q) => (q.variant === "standard" ? q.channel : `${q.channel} (${q.variant})`);
const isSeat = (q) => q.channel_kind === "application";

/* API quotes and coding-tool seats, kept apart whether or not the server already splits them. */
function splitQuotes(data) {
  const quotes = data.quotes || [];
  if (Array.isArray(data.seats)) return { api: quotes.filter((q) => !isSeat(q)), seats: data.seats.concat(quotes.filter(isSeat)) };
  return { api: quotes.filter((q) => !isSeat(q)), seats: quotes.filter(isSeat) };
}

function quoteNotes(q) {
  const notes = (q.notes || []).map((n) => el("li", {}, n));
  if (q.source && (q.source.url || q.source.checked)) {
    notes.push(el("li", { class: "source" }, "source: ", q.source.url ? el("a", { href: q.source.url, rel: "noreferrer" }, q.source.url) : "", q.source.checked ? ` (checked ${q.source.checked})` : ""));
  }
  return notes.length ? el("ul", { class: "row-notes" }, notes) : [];
}

function quotesTable(quotes, id) {
  const columns = [
    { label: "channel", key: true },
    { label: "kind" },
    { label: "total", numeric: true, key: true, cls: "total" },
    { label: "input", numeric: true },
    { label: "output", numeric: true },
    { label: "cache", numeric: true },
    { label: "per-request", numeric: true },
    { label: "fees", numeric: true },
    { label: "vs direct", numeric: true },
  ];
  const rows = quotes.map((q, i) => {
    const c = q.cost;
    const m = q.markup_vs_direct_pct;
    const markup = m === null || m === undefined ? "" : (m.startsWith("-") ? "" : "+") + m + "%";
    const cell = (value, cls) => ({ node: money(value, cls), value });
    return [
      { node: el("span", {}, q.channel, q.variant !== "standard" ? el("span", { class: "tag variant-tag" }, q.variant) : null), value: q.channel },
      q.channel_kind,
      { node: money(c.total, i === 0 ? "total-usd cheapest-total" : "total-usd"), value: c.total },
      cell(c.input),
      cell(addDecimals(c.output, c.reasoning)),
      cell(addDecimals(c.cache_read, c.cache_write_5m, c.cache_write_1h)),
      cell(c.requests),
      cell(c.fees),
      { node: markup, value: m === "0" ? "" : markup },
    ];
  });
  const t = table(columns, rows, { id, detail: (i) => quoteNotes(quotes[i]) });
  t.querySelectorAll("tbody tr.row").forEach((tr, i) => {
    const q = quotes[i];
    tr.dataset.channel = q.channel;
    tr.dataset.variant = q.variant;
    tr.dataset.total = q.cost.total;
    if (i === 0) tr.classList.add("cheapest");
  });
  return t;
}

function seatsTable(seats) {
  const columns = [
    { label: "tool", key: true },
    { label: "plan", key: true },
    { label: "seats", numeric: true },
    { label: "total", numeric: true, key: true, cls: "total" },
    { label: "seat fee", numeric: true },
    { label: "included usage", numeric: true },
    { label: "overage", numeric: true },
  ];
  const rows = seats.map((q) => {
    const c = q.cost || {};
    const overage = c.overage ?? c.overage_usd ?? null;
    return [
      q.channel,
      q.variant,
      { node: /^\d+(\.\d+)?$/.test(String(q.seats ?? "")) ? formatCount(String(q.seats)) : "", value: /^\d/.test(String(q.seats ?? "")) ? q.seats : "" },
      { node: money(c.total, "total-usd"), value: c.total },
      { node: c.plan_fee === undefined ? "" : money(c.plan_fee), value: c.plan_fee ?? "" },
      { node: c.included_usage === undefined ? "" : money(c.included_usage), value: c.included_usage ?? "" },
      { node: overage === null ? "" : money(overage), value: overage ?? "" },
    ];
  });
  const t = table(columns, rows, { id: "seats-table", detail: (i) => quoteNotes(seats[i]) });
  t.querySelectorAll("tbody tr.row").forEach((tr, i) => {
    tr.dataset.channel = seats[i].channel;
    tr.dataset.variant = seats[i].variant;
    tr.dataset.total = seats[i].cost.total;
  });
  return t;
}

/* The page's own one-line answer when the server sends no `verdict`. */
function fallbackVerdict(data, api) {
  if (!api.length) return "No API channel sells this model at that date.";
  const best = api[0];
  const direct = api.find((q) => q.channel_kind === "direct" && q.variant === "standard");
  let text = `Cheapest API channel: ${who(best)} at ${formatUSD(best.cost.total)}`;
  if (direct && direct !== best) {
    const diff = addDecimals(direct.cost.total, "-" + best.cost.total);
    text += isEmptyValue(diff) ? `, the same as the maker's own API (${direct.channel})` : `, ${formatUSD(diff)} less than the maker's own API (${direct.channel}, ${formatUSD(direct.cost.total)})`;
  } else if (direct) {
    text += " (the maker's own API)";
  }
  text += ".";
  const gaps = api.flatMap((q) => (q.hidden_costs || []).filter((h) => h.amount !== null && h.amount !== undefined).map((h) => ({ q, h })));
  if (gaps.length) {
    const { q, h } = gaps.reduce((a, b) => (Number(b.h.amount) > Number(a.h.amount) ? b : a));
    text += ` Largest hidden cost: ${h.feature} on ${who(q)} (+${formatUSD(h.amount)}).`;
  }
  return text;
}

function renderComparison(data) {
  lastComparison = data;
  const u = data.usage;
  const { api, seats } = splitQuotes(data);
  $("comparison-title").textContent = `${data.model}: ${formatCount(u.requests)} requests, prices at ${data.at}`;
  $("split").textContent = `In all: ${formatCount(u.input_tokens)} uncached input + ${formatCount(u.cache_read_tokens)} cache-read + ${formatCount(u.output_tokens)} output tokens.`;

  const verdict = $("verdict");
  verdict.dataset.source = data.verdict ? "server" : "page";
  verdict.textContent = data.verdict || fallbackVerdict(data, api);

  $("quotes").replaceChildren(api.length ? quotesTable(api, "quotes-table") : el("p", { class: "muted" }, "No API channel sells this model at that date."));
  const items = api.map((q) => ({ label: who(q), value: q.cost.total, kind: q.channel_kind }));
  if (items.length) chartInto($("chart"), items, { label: `total cost by channel for ${data.model}` });
  else $("chart").replaceChildren();

  $("seats").replaceChildren(
    ...(seats.length
      ? [
          el("h3", {}, "Coding-tool seats"),
          el("p", { class: "muted" }, "Subscriptions for people using a coding tool, not API traffic: not ranked with the channels above."),
          seatsTable(seats),
        ]
      : []),
  );

  const notSold = (data.unavailable || []).filter((un) => / does not sell /.test(un.reason));
  // One line (the list cut to the width, open it for all of them), not one note per channel.
  const names = notSold.map((un) => un.channel).join(", ");
  $("not-sold").replaceChildren(
    ...(notSold.length
      ? [el("summary", {}, el("strong", {}, `Not sold on ${notSold.length} channel${notSold.length === 1 ? "" : "s"}: `), names + ".")]
      : []),
  );

  renderHidden(data, api.concat(seats));
}

function renderHidden(data, quotes) {
  const priced = [];
  for (const q of quotes) {
    for (const h of q.hidden_costs || []) {
      if (h.amount !== null && h.amount !== undefined) priced.push({ q, h });
    }
  }
  priced.sort((a, b) => Number(b.h.amount) - Number(a.h.amount));
  const pricedNotes = new Set(priced.map(({ h }) => h.note));
  const hiddenTable = priced.length
    ? table(
        [{ label: "channel", key: true }, { label: "what is missing", key: true }, { label: "costs you", numeric: true, key: true }, { label: "why" }],
        priced.map(({ q, h }) => [
          who(q),
          h.feature,
          el("span", { title: `exact: ${h.amount}`, class: "hidden-amount", "data-channel": q.channel, "data-variant": q.variant, "data-feature": h.feature }, `+${formatUSD(h.amount)}`),
          h.note,
        ]),
        { id: "hidden-table" },
      )
    : el("p", { class: "muted", id: "hidden-table" }, "No priced feature gap for this workload.");
  $("hidden-priced").replaceChildren(hiddenTable);

  // One line per distinct note, naming every channel it applies to (not the same sentence per channel).
  const byText = new Map();
  const add = (text, channel) => {
    if (!byText.has(text)) byText.set(text, []);
    if (!byText.get(text).includes(channel)) byText.get(text).push(channel);
  };
  for (const q of quotes) {
    const m = q.markup_vs_direct_pct;
    if (m && !m.startsWith("-") && Number(m) > 0) add(`costs +${m}% over the maker's own API for this workload`, who(q));
    if (!isEmptyValue(q.cost.fees)) add(`fees ${formatUSD(q.cost.fees)} on top of token prices`, who(q));
    for (const n of q.notes || []) if (!pricedNotes.has(n)) add(n, who(q));
  }
  for (const un of data.unavailable || []) if (!/ does not sell /.test(un.reason)) add(un.reason, un.channel);
  $("notes").replaceChildren(...[...byText].map(([text, channels]) => el("li", {}, el("span", { class: "note-channel" }, channels.join(", ")), ": ", text)));
}

async function renderRecommendation(params, mine) {
  const box = $("recommend-body");
  if (!endpoints.has("/api/recommend")) {
    box.replaceChildren(el("p", { class: "muted" }, "This server has no recommendation endpoint."));
    return;
  }
  try {
    const data = await getJSON(`/api/recommend?${params}`);
    if (mine !== seq) return;
    renderRecommendationData(box, data);
  } catch (e) {
    if (mine !== seq) return;
    box.replaceChildren(el("p", { class: "muted" }, `No recommendation: ${e.message}`));
  }
}

const SHOWN_RANKS = 3;

function rankItem(r) {
  return el(
    "li",
    { dataset: { channel: r.channel } },
    el("strong", {}, r.channel + (r.variant && r.variant !== "standard" ? ` (${r.variant})` : "")),
    " — ",
    money(r.monthly_cost, "monthly"),
    " a month",
    el("ul", { class: "reasons" }, (r.reasons || []).map((x) => el("li", {}, x))),
  );
}

function renderRecommendationData(box, data) {
  // The first few ranks in full; the rest, and the exclusions, one tap away.
  const ranking = el("ol", { class: "ranking", id: "ranking" }, data.ranking.slice(0, SHOWN_RANKS).map(rankItem));
  const parts = [];
  if (data.verdict) parts.push(el("p", { class: "verdict", id: "recommend-verdict" }, data.verdict));
  parts.push(ranking);
  const rest = data.ranking.slice(SHOWN_RANKS);
  if (rest.length) {
    parts.push(el("details", { id: "ranking-more" }, el("summary", {}, `${rest.length} more channel${rest.length === 1 ? "" : "s"} that meet the requirements`), el("ol", { class: "ranking", start: String(SHOWN_RANKS + 1) }, rest.map(rankItem))));
  }
  if (data.excluded && data.excluded.length) {
    parts.push(el("details", { id: "excluded-box" }, el("summary", {}, `Excluded: ${data.excluded.length} channel${data.excluded.length === 1 ? "" : "s"}`), el("ul", { id: "excluded" }, data.excluded.map((x) => el("li", {}, el("strong", {}, x.channel), ": ", x.reason)))));
  }
  const be = data.break_even || {};
  if (data.failover) {
    const f = data.failover;
    parts.push(el("p", { id: "failover" }, f.secondary ? `Failover: ${f.primary} with ${f.secondary} as the second channel (${formatUSD(f.monthly_cost_if_all_on_secondary)} a month if all traffic moved there).` : `Failover: ${f.problem || "no second channel"}`));
  }
  const lines = breakEvenLines(be);
  if (lines.length) parts.push(el("h3", {}, "Break-even"), el("ul", { id: "break-even" }, lines.map((l) => el("li", {}, l))));
  box.replaceChildren(...parts);
}

function breakEvenLines(be) {
  const out = [];
  if (be.rule_of_thumb) out.push(`Rule of thumb checked: "${be.rule_of_thumb}"${be.direct_channel ? ` (direct: ${be.direct_channel})` : ""}.`);
  for (const [channel, v] of Object.entries(be.channels || {})) {
    const text = v && typeof v === "object" ? v.explanation || v.verdict || JSON.stringify(v) : String(v);
    out.push(el("span", { dataset: { channel } }, el("strong", {}, channel), ": ", text));
  }
  if (be.problem) out.push(be.problem);
  return out;
}

async function uploadLog(files) {
  if (!files || !files.length) return;
  const names = [...files].map((f) => f.name).join(", ");
  if (!endpoints.has("/api/price-log")) {
    $("log-status").textContent = "This server cannot price usage logs.";
    return;
  }
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  form.append("input_format", $("log-format").value || "auto");
  $("log-status").textContent = `Pricing ${names}…`;
  document.body.dataset.log = "loading";
  try {
    const data = await getJSON("/api/price-log", { method: "POST", body: form });
    renderPriceLog($("log-result"), data);
    $("log").hidden = false;
    $("log-status").textContent = `Priced ${names}: results below.`;
    $("log").scrollIntoView({ block: "start" });
  } catch (e) {
    $("log-result").replaceChildren();
    $("log").hidden = true;
    $("log-status").replaceChildren(el("span", { class: "log-error", role: "alert" }, `Could not price ${names}: ${e.message}`));
  } finally {
    document.body.dataset.log = "ready";
    $("log-file").value = "";
  }
}

function wireUpload() {
  const zone = $("dropzone");
  const input = $("log-file");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    uploadLog(e.dataTransfer.files);
  });
  // The whole zone is a button: a click, Enter or Space opens the file picker.
  zone.addEventListener("click", (e) => { if (!e.target.closest("label, input")) input.click(); });
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      input.click();
    }
  });
  input.addEventListener("change", (e) => uploadLog(e.target.files));
}

function fillFormats(formats) {
  const pick = $("log-format");
  if (!formats || !formats.length) return;
  const current = pick.value;
  pick.replaceChildren(...formats.map((f) => el("option", { value: f }, f === "auto" ? "detect from the file" : f)));
  pick.value = formats.includes(current) ? current : "auto";
}

async function init() {
  const q = new URLSearchParams(location.search);
  for (const f of FIELDS) $(f).value = q.get(f) ?? DEFAULTS[f];
  const wanted = new Set(q.getAll("require"));
  if (wanted.size) $("requirements-box").open = true;
  for (const box of document.querySelectorAll("input[name=require]")) {
    box.checked = wanted.has(box.value);
    box.addEventListener("change", () => schedule(0));
  }
  try {
    const [info, models] = await Promise.all([getJSON("/api/catalog"), getJSON("/api/models")]);
    endpoints = new Set(info.endpoints || []);
    fillFormats(info.input_formats);
    $("catalog-info").textContent = `${info.models} models, ${info.channels} channels, ${info.offers} offers; sources checked ${info.sources_checked.oldest} to ${info.sources_checked.newest}.`;
    const list = $("model-list");
    for (const m of models.models) {
      known.add(m.id);
      known.add(m.name);
      list.append(el("option", { value: m.id }, `${m.name} (${m.maker})`));
    }
  } catch (e) {
    showError(`Could not load the catalog: ${e.message}`);
  }
  $("workload").addEventListener("submit", (e) => { e.preventDefault(); compute(); });
  $("model").addEventListener("change", () => schedule(0));
  $("model").addEventListener("input", () => { if (known.has($("model").value.trim())) schedule(0); });
  for (const f of FIELDS.filter((x) => x !== "model")) {
    $(f).addEventListener("input", () => schedule());
    $(f).addEventListener("change", () => schedule(0));
  }
  $("error").addEventListener("click", (e) => {
    const b = e.target.closest("button.suggestion");
    if (!b) return;
    $("model").value = b.dataset.model;
    compute();
    $("model").focus();
  });
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === width || !lastComparison) return;
    width = window.innerWidth;
    const api = splitQuotes(lastComparison).api;
    if (api.length) chartInto($("chart"), api.map((x) => ({ label: who(x), value: x.cost.total, kind: x.channel_kind })), { label: `total cost by channel for ${lastComparison.model}` });
  });
  wireUpload();
  await compute();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", init);
