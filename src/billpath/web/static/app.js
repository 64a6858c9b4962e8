/* billpath calculator page: every figure comes from the JSON API (the same functions as the CLI). */
"use strict";

const FIELDS = ["model", "requests", "input_tokens", "output_tokens", "cache_hit_share", "batch_share", "payment", "at"];
const DEFAULTS = { model: "claude-sonnet-4-6", requests: "1000", input_tokens: "1000", output_tokens: "1000", cache_hit_share: "0", batch_share: "0", payment: "", at: "" };
const $ = (id) => document.getElementById(id);
let known = new Set();
let endpoints = new Set();
let seq = 0;
let timer = null;

async function getJSON(url, init) {
  const res = await fetch(url, init);
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : { detail: await res.text() };
  if (!res.ok) throw new Error(body.detail || `${res.status} ${res.statusText}`);
  return body;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
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
    $("comparison").dataset.query = params.toString();
    const rec = new URLSearchParams(params);
    for (const r of requirements()) rec.append("require", r);
    await renderRecommendation(rec, mine);
  } catch (e) {
    if (mine !== seq) return;
    showError(e.message);
    $("quotes").replaceChildren();
    $("chart").replaceChildren();
    $("notes").replaceChildren();
    $("hidden-priced").replaceChildren();
    $("summary").textContent = "";
  } finally {
    if (mine === seq) document.body.dataset.state = "ready";
  }
}

function money(text, cls) {
  return el("span", { title: `exact: ${text}`, class: cls || null }, formatUSD(text));
}

function renderComparison(data) {
  const u = data.usage;
  $("comparison-title").textContent = `${data.model}: ${formatCount(u.requests)} requests, prices at ${data.at}`;
  $("split").textContent = `In all: ${formatCount(u.input_tokens)} uncached input + ${formatCount(u.cache_read_tokens)} cache-read + ${formatCount(u.output_tokens)} output tokens.`;
  const columns = ["channel", "kind", "variant", "total", "input", "output", "cache", "per-request", "fees", "vs direct"];
  const rows = data.quotes.map((q) => {
    const c = q.cost;
    const markup = q.markup_vs_direct_pct === null ? "" : (q.markup_vs_direct_pct.startsWith("-") ? "" : "+") + q.markup_vs_direct_pct + "%";
    return [
      q.channel,
      q.channel_kind,
      q.variant,
      money(c.total, "total"),
      money(c.input),
      money(addDecimals(c.output, c.reasoning)),
      money(addDecimals(c.cache_read, c.cache_write_5m, c.cache_write_1h)),
      money(c.requests),
      money(c.fees),
      markup,
    ];
  });
  const t = table(columns, rows, [3, 4, 5, 6, 7, 8, 9]);
  t.id = "quotes-table";
  t.querySelectorAll("tbody tr").forEach((tr, i) => {
    const q = data.quotes[i];
    tr.dataset.channel = q.channel;
    tr.dataset.variant = q.variant;
    tr.dataset.total = q.cost.total;
    if (i === 0) tr.classList.add("cheapest");
  });
  $("quotes").replaceChildren(t);
  const items = data.quotes.map((q) => ({ label: q.variant === "standard" ? q.channel : `${q.channel} (${q.variant})`, value: q.cost.total, kind: q.channel_kind }));
  $("chart").replaceChildren(barChart(items, { label: `total cost by channel for ${data.model}` }));

  const summary = $("summary");
  summary.replaceChildren();
  if (data.quotes.length) {
    const best = data.quotes[0];
    const direct = data.quotes.find((q) => q.channel_kind === "direct" && q.variant === "standard");
    summary.append("Cheapest: ", el("strong", { id: "cheapest" }, `${best.channel}${best.variant === "standard" ? "" : " (" + best.variant + ")"}`), " at ", money(best.cost.total, "cheapest-total"));
    if (direct) summary.append(" · maker's own API: ", money(direct.cost.total, "direct-total"));
    summary.append(` · ${data.quotes.length} offers, ${data.unavailable.length} channels without it.`);
  } else {
    summary.textContent = "No channel sells this model at that date.";
  }

  const priced = [];
  for (const q of data.quotes) {
    for (const h of q.hidden_costs || []) {
      if (h.amount !== null && h.amount !== undefined) priced.push({ q, h });
    }
  }
  priced.sort((a, b) => Number(b.h.amount) - Number(a.h.amount));
  const pricedNotes = new Set(priced.map(({ h }) => h.note));
  const hiddenTable = priced.length
    ? table(
        ["channel", "what is missing", "costs you", "why"],
        priced.map(({ q, h }) => [
          q.variant === "standard" ? q.channel : `${q.channel} (${q.variant})`,
          h.feature,
          el("span", { title: `exact: ${h.amount}`, class: "hidden-amount", "data-channel": q.channel, "data-variant": q.variant, "data-feature": h.feature }, `+${formatUSD(h.amount)}`),
          h.note,
        ]),
        [2],
      )
    : el("p", { class: "muted" }, "No priced feature gap for this workload.");
  hiddenTable.id = "hidden-table";
  $("hidden-priced").replaceChildren(hiddenTable);

  const notes = [];
  for (const q of data.quotes) {
    const who = `${q.channel}${q.variant === "standard" ? "" : " (" + q.variant + ")"}`;
    if (q.markup_vs_direct_pct && !q.markup_vs_direct_pct.startsWith("-") && Number(q.markup_vs_direct_pct) > 0) {
      notes.push([who, `costs +${q.markup_vs_direct_pct}% over the maker's own API for this workload`]);
    }
    if (q.cost.fees !== "0") notes.push([who, `fees ${formatUSD(q.cost.fees)} on top of token prices`]);
    for (const n of q.notes) if (!pricedNotes.has(n)) notes.push([who, n]);
  }
  const notSold = data.unavailable.filter((un) => un.reason === `${un.channel} does not sell ${data.model}`);
  for (const un of data.unavailable) if (!notSold.includes(un)) notes.push([un.channel, un.reason]);
  if (notSold.length) notes.push(["not sold on", notSold.map((un) => un.channel).join(", ")]);
  $("notes").replaceChildren(...notes.map(([who, text]) => el("li", {}, el("span", { class: "note-channel" }, who), ": ", text)));
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

function renderRecommendationData(box, data) {
  const ranking = el(
    "ol",
    { class: "ranking", id: "ranking" },
    data.ranking.map((r) =>
      el(
        "li",
        { dataset: { channel: r.channel } },
        el("strong", {}, r.channel + (r.variant && r.variant !== "standard" ? ` (${r.variant})` : "")),
        " — ",
        money(r.monthly_cost, "monthly"),
        " a month",
        el("ul", { class: "reasons" }, (r.reasons || []).map((x) => el("li", {}, x))),
      ),
    ),
  );
  const parts = [ranking];
  if (data.excluded && data.excluded.length) {
    parts.push(el("h3", {}, "Excluded"), el("ul", { id: "excluded" }, data.excluded.map((x) => el("li", {}, el("strong", {}, x.channel), ": ", x.reason))));
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
  if (!endpoints.has("/api/price-log")) {
    $("log-status").textContent = "This server cannot price logs (no /api/price-log).";
    return;
  }
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  $("log-status").textContent = `Pricing ${[...files].map((f) => f.name).join(", ")}…`;
  document.body.dataset.log = "loading";
  try {
    const data = await getJSON("/api/price-log", { method: "POST", body: form });
    renderPriceLog($("log-result"), data);
    $("log-status").textContent = `Priced ${[...files].map((f) => f.name).join(", ")}.`;
  } catch (e) {
    $("log-result").replaceChildren();
    $("log-status").textContent = `Could not price the log: ${e.message}`;
  } finally {
    document.body.dataset.log = "ready";
  }
}

function wireUpload() {
  const zone = $("dropzone");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    uploadLog(e.dataTransfer.files);
  });
  $("log-file").addEventListener("change", (e) => uploadLog(e.target.files));
}

async function init() {
  const q = new URLSearchParams(location.search);
  for (const f of FIELDS) $(f).value = q.get(f) ?? DEFAULTS[f];
  const wanted = new Set(q.getAll("require"));
  for (const box of document.querySelectorAll("input[name=require]")) {
    box.checked = wanted.has(box.value);
    box.addEventListener("change", () => schedule(0));
  }
  try {
    const [info, models] = await Promise.all([getJSON("/api/catalog"), getJSON("/api/models")]);
    endpoints = new Set(info.endpoints || []);
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
  wireUpload();
  await compute();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", init);
