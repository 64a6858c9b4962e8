/* billpath: render a priced usage log (the JSON of `billpath price-log --format json`).
   Used by the calculator page (upload) and by the self-contained HTML report. */
"use strict";

function isDecimalText(v) {
  return typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v);
}

function usd(text, attrs = {}) {
  return el("span", { title: `exact: ${text}`, ...attrs }, formatUSD(text));
}

function plain(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(plain).join(", ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${plain(v)}`).join("; ");
  if (typeof value === "number" || isDecimalText(value)) return formatCount(String(value));
  return String(value);
}

function section(title, id, ...body) {
  return el("section", { class: "breakdown", id }, el("h3", {}, title), ...body);
}

/* A breakdown (by channel, model or day): a table of `columns` ([header, row -> cell]) and a bar chart of total_usd. */
function breakdown(title, id, rows, columns, label) {
  if (!rows || rows.length === 0) return section(title, id, el("p", { class: "muted" }, "none"));
  const cols = columns.map((c, i) => ({ label: c[0], numeric: !!c[2], key: i === 0 || c[0] === "cost" }));
  const t = table(cols, rows.map((r) => columns.map((c) => c[1](r))));
  const parts = [t];
  if (rows.length > 1) parts.push(lazyChart(rows.map((r) => ({ label: label(r), value: r.total_usd })), { label: title }));
  return section(title, id, ...parts);
}

/* A chart drawn once its container is in the page (so it is sized to the width it has there). */
function lazyChart(items, opts) {
  const box = el("div", { class: "chart-box" });
  requestAnimationFrame(() => chartInto(box, items, opts));
  return box;
}

/* Any list of flat records (unpriced groups, rejected rows, reconciliation) as a table of its own keys. */
function records(title, id, rows, empty) {
  if (!rows || rows.length === 0) return section(title, id, el("p", { class: "muted" }, empty || "none"));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const money = (k) => /usd|cost|spend/i.test(k);
  const cell = (k, v) => ({ node: isDecimalText(v) && money(k) ? usd(v) : plain(v), value: typeof v === "object" && v !== null ? plain(v) : v });
  const cols = columns.map((k, i) => ({ label: k, key: i < 2 || /^(line|error|reason)$/.test(k), numeric: rows.every((r) => isDecimalText(r[k])) }));
  return section(title, id, table(cols, rows.map((r) => columns.map((k) => cell(k, r[k])))));
}

const variantLabel = (r) => (r.variant && r.variant !== "standard" ? `${r.channel} (${r.variant})` : r.channel);

/* The one-line answer when the JSON has no `verdict`: what the log cost, and the cheapest other way to buy it. */
function logVerdict(data) {
  const rows = `${formatCount(String(data.rows_priced))} of ${formatCount(String(data.rows_total))} rows priced`;
  let text = `This log costs ${formatUSD(data.total_usd)} on the channels it used (${rows}).`;
  const reprice = Object.entries(data.reprice || {});
  if (reprice.length) {
    const [channel, total] = reprice.reduce((a, b) => (Number(b[1]) < Number(a[1]) ? b : a));
    const delta = addDecimals(total, "-" + data.total_usd);
    text += ` Cheapest single channel for all of it: ${channel} at ${formatUSD(total)} (${signedUSD(delta)}).`;
  }
  if (data.best_mix && data.best_mix.total_usd !== undefined) {
    text += ` Best channel per model: ${formatUSD(data.best_mix.total_usd)}${data.best_mix.delta_usd !== undefined ? ` (${signedUSD(data.best_mix.delta_usd)})` : ""}.`;
  }
  return text;
}

/* "+$1.23" / "-$1.23": a delta always carries its sign. */
function signedUSD(text) {
  const s = String(text);
  return s.startsWith("-") ? formatUSD(s) : `+${formatUSD(s)}`;
}

function renderPriceLog(target, data) {
  target.replaceChildren();
  const verdict = el("p", { class: "verdict", id: "log-verdict", dataset: { source: data.verdict ? "server" : "page" } }, data.verdict || logVerdict(data));
  target.append(verdict);
  const files = (data.inputs || []).map((i) => `${i.file} (${i.format})`).join(", ");
  target.append(
    el(
      "dl",
      { class: "totals", id: "log-totals" },
      files ? [el("dt", {}, "files"), el("dd", { id: "log-files" }, files)] : [],
      el("dt", {}, "total"),
      el("dd", {}, usd(data.total_usd, { id: "log-total" })),
      el("dt", {}, "rows"),
      el("dd", { id: "log-rows" }, formatCount(String(data.rows_total))),
      el("dt", {}, "priced"),
      el("dd", { id: "log-priced" }, formatCount(String(data.rows_priced))),
      el("dt", {}, "unpriced"),
      el("dd", { id: "log-unpriced" }, formatCount(String(data.rows_unpriced))),
      el("dt", {}, "rejected"),
      el("dd", { id: "log-rejected" }, formatCount(String(data.rows_rejected))),
    ),
  );

  if (data.best_mix) target.append(bestMix(data.best_mix));

  const reprice = Object.entries(data.reprice || {}).map(([channel, total]) => ({ channel, total }));
  const repriceBody = reprice.length
    ? [
        table(
          [
            { label: "channel", key: true },
            { label: "the priced rows would cost", numeric: true, key: true },
            { label: "difference", numeric: true, keep: true },
          ],
          reprice.map((r) => [
            r.channel,
            usd(r.total, { class: "reprice-usd", "data-channel": r.channel }),
            { node: signedUSD(addDecimals(r.total, "-" + data.total_usd)), value: "n/a" },
          ]),
        ),
        lazyChart(reprice.map((r) => ({ label: r.channel, value: r.total })), { label: "re-pricing by channel" }),
      ]
    : [el("p", { class: "muted" }, "no other channel sells every model in this log")];
  const incomplete = Object.entries(data.reprice_incomplete || {});
  if (incomplete.length) {
    repriceBody.push(
      el("p", {}, "Channels that sell only some of these models (not comparable as a whole):"),
      el(
        "ul",
        { id: "log-reprice-incomplete" },
        incomplete.map(([ch, v]) =>
          el("li", {}, el("strong", {}, ch), `: covers ${formatUSD(v.covered_usd)} of the log; `, plain((v.missing || []).map((m) => m.reason))),
        ),
      ),
    );
  }
  target.append(section("The same priced rows on every other channel", "log-reprice", ...repriceBody));

  target.append(
    breakdown("Cost by channel", "log-by-channel", data.by_channel, [
      ["channel", (r) => r.channel],
      ["variant", (r) => r.variant || ""],
      ["rows", (r) => formatCount(String(r.rows)), true],
      ["requests", (r) => formatCount(String(r.requests)), true],
      ["cost", (r) => usd(r.total_usd), true],
    ], variantLabel),
  );
  target.append(
    breakdown("Cost by model", "log-by-model", data.by_model, [
      ["model", (r) => r.model],
      ["rows", (r) => formatCount(String(r.rows)), true],
      ["requests", (r) => formatCount(String(r.requests)), true],
      ["input", (r) => formatCount(String((r.tokens || {}).input_tokens ?? "")), true],
      ["cache read", (r) => formatCount(String((r.tokens || {}).cache_read_tokens ?? "")), true],
      ["output", (r) => formatCount(String((r.tokens || {}).output_tokens ?? "")), true],
      ["cost", (r) => usd(r.total_usd), true],
    ], (r) => r.model),
  );
  target.append(
    breakdown("Cost by day", "log-by-day", data.by_day, [
      ["day", (r) => r.day],
      ["rows", (r) => formatCount(String(r.rows)), true],
      ["requests", (r) => formatCount(String(r.requests)), true],
      ["cost", (r) => usd(r.total_usd), true],
    ], (r) => r.day),
  );
  if (data.reconcile && data.reconcile.length) target.append(records("Logged cost vs computed", "log-reconcile", data.reconcile));
  target.append(records("Unpriced rows (not in the total)", "log-unpriced-rows", data.unpriced));
  target.append(records("Rejected rows", "log-rejected-rows", data.rejected));
  if (data.notes && data.notes.length) target.append(section("Notes", "log-notes", el("ul", {}, data.notes.map((n) => el("li", {}, n)))));
}

/* The best channel per model (price-log's `best_mix`), with its signed delta against the log as billed. */
function bestMix(mix) {
  const rows = mix.by_model || [];
  const head = el(
    "p",
    { id: "log-best-mix" },
    "Best channel per model: ",
    usd(mix.total_usd, { id: "log-best-mix-total" }),
    mix.delta_usd !== undefined && mix.delta_usd !== null ? [" (", el("span", { id: "log-best-mix-delta", title: `exact: ${mix.delta_usd}` }, signedUSD(mix.delta_usd)), " against the log as billed)"] : [],
  );
  const t = table(
    [{ label: "model", key: true }, { label: "channel", key: true }, { label: "variant" }, { label: "cost", numeric: true, key: true }],
    rows.map((r) => [r.model, r.channel, { node: r.variant || "", value: r.variant === "standard" ? "" : r.variant }, usd(r.total_usd)]),
  );
  return section("The whole bill on the best channel per model", "log-best", head, t);
}
