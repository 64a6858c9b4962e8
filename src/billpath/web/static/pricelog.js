/* billpath: render a priced usage log (the JSON of `billpath price-log --format json`).
   Used by the calculator page (upload) and by the self-contained HTML report. */
"use strict";

const MONEY_KEY = /(usd|cost|total|spend)/i;

function isDecimalText(v) {
  return typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v);
}

function cell(key, value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  if (isDecimalText(value) && MONEY_KEY.test(key)) return el("span", { title: `exact: ${value}` }, formatUSD(value));
  if (isDecimalText(value) || typeof value === "number") return formatCount(String(value));
  return String(value);
}

/* The money column of a breakdown row: the first key that looks like a cost. */
function costKey(rows) {
  const keys = Object.keys(rows[0] || {});
  return keys.find((k) => /usd|cost/i.test(k) && isDecimalText(rows[0][k])) || null;
}

function labelKey(rows, preferred) {
  const keys = Object.keys(rows[0] || {});
  return keys.find((k) => k === preferred) || keys.find((k) => !isDecimalText(rows[0][k])) || keys[0];
}

function breakdown(title, rows, preferred, id) {
  const section = el("section", { class: "breakdown", id });
  section.append(el("h3", {}, title));
  if (!rows || rows.length === 0) {
    section.append(el("p", { class: "muted" }, "none"));
    return section;
  }
  const columns = Object.keys(rows[0]);
  const numeric = columns.map((c, i) => (isDecimalText(rows[0][c]) || typeof rows[0][c] === "number" ? i : -1));
  section.append(table(columns, rows.map((r) => columns.map((c) => cell(c, r[c]))), numeric));
  const money = costKey(rows);
  if (money && rows.length > 1) {
    const lk = labelKey(rows, preferred);
    const label = (r) => [r[lk], r.variant && r.variant !== "standard" ? r.variant : null].filter(Boolean).join(" ");
    section.append(barChart(rows.map((r) => ({ label: label(r), value: r[money] })), { label: title }));
  }
  return section;
}

function renderPriceLog(target, data) {
  target.replaceChildren();
  const totals = el(
    "dl",
    { class: "totals", id: "log-totals" },
    el("dt", {}, "total"),
    el("dd", { id: "log-total", title: `exact: ${data.total_usd}` }, formatUSD(data.total_usd)),
    el("dt", {}, "rows"),
    el("dd", { id: "log-rows" }, formatCount(String(data.rows_total))),
    el("dt", {}, "priced"),
    el("dd", { id: "log-priced" }, formatCount(String(data.rows_priced))),
    el("dt", {}, "unpriced"),
    el("dd", { id: "log-unpriced" }, formatCount(String(data.rows_unpriced))),
    el("dt", {}, "rejected"),
    el("dd", { id: "log-rejected" }, formatCount(String(data.rows_rejected))),
  );
  target.append(totals);

  const reprice = Object.entries(data.reprice || {}).map(([channel, usd]) => ({ channel, usd }));
  reprice.sort((a, b) => Number(a.usd) - Number(b.usd));
  const rp = el("section", { class: "breakdown", id: "log-reprice" }, el("h3", {}, "The same priced rows on every channel"));
  if (reprice.length) {
    rp.append(
      table(
        ["channel", "would cost", "vs this log"],
        reprice.map((r) => [
          r.channel,
          el("span", { title: `exact: ${r.usd}`, class: "reprice-usd", "data-channel": r.channel }, formatUSD(r.usd)),
          formatUSD(addDecimals(r.usd, "-" + data.total_usd)),
        ]),
        [1, 2],
      ),
    );
    rp.append(barChart(reprice.map((r) => ({ label: r.channel, value: r.usd })), { label: "re-pricing by channel" }));
  } else {
    rp.append(el("p", { class: "muted" }, "no other channel sells these models"));
  }
  target.append(rp);

  if (data.by_channel) target.append(breakdown("Cost by channel", data.by_channel, "channel", "log-by-channel"));
  target.append(breakdown("Cost by model", data.by_model, "model", "log-by-model"));
  if (data.by_day) target.append(breakdown("Cost by day", data.by_day, "day", "log-by-day"));
  if (data.reconcile) target.append(breakdown("Logged vs computed", data.reconcile, "model", "log-reconcile"));
  target.append(breakdown("Unpriced rows (not counted in the total)", data.unpriced, "reason", "log-unpriced-rows"));
  target.append(breakdown("Rejected rows", data.rejected, "line", "log-rejected-rows"));
}
