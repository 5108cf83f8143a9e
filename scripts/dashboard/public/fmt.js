// Formatting (EUR to the cent, BTC to the satoshi, times in UTC) and DOM helpers of the dashboard page.
// Every text goes in with textContent: nothing here ever parses a string as HTML.

export const $ = (id) => document.getElementById(id);
export const eurFmt = new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR" });
export const btcFmt = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 8, maximumFractionDigits: 8 });
export const intFmt = new Intl.NumberFormat("en-GB");
export const pctFmt = new Intl.NumberFormat("en-GB", { style: "percent", minimumFractionDigits: 1 });
export const fmtEur = (v) => eurFmt.format(v);
/** `1 block`, `2 blocks` */
export const count = (n, what) => `${intFmt.format(n)} ${what}${n === 1 ? "" : "s"}`;
export const fmtBtc = (v) => `${btcFmt.format(v)} BTC`;
export const pad = (n) => String(n).padStart(2, "0");
export function fmtTime(t, withMinutes = true) {
  const d = new Date(t);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return withMinutes ? `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC` : day;
}
export const fmtSeconds = (t) => `${fmtTime(t).slice(0, 16)}:${pad(new Date(t).getUTCSeconds())} UTC`;
export const fmtMonth = (t) => fmtTime(t, false).slice(0, 7);

export function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

/** A table cell: a string, or { text, cls, button } (a button calls `button` when pressed). */
function cell(c) {
  const td = document.createElement("td");
  const spec = typeof c === "string" ? { text: c } : c;
  if (spec.cls) td.className = spec.cls;
  if (spec.button) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = spec.text;
    b.addEventListener("click", spec.button);
    td.append(b);
    if (spec.note) {
      const s = document.createElement("span");
      s.className = "note";
      s.textContent = spec.note;
      td.append(s);
    }
  } else td.textContent = spec.text;
  return td;
}

export function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.append(cell(c));
  return tr;
}

/** Replace a table's rows; each cell gets its column's header as data-label (the phone layout shows it). */
export function fillTable(id, rows) {
  const table = $(id);
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
  const trs = rows.map(row);
  for (const tr of trs) for (const [i, td] of [...tr.children].entries()) td.setAttribute("data-label", heads[i] ?? "");
  table.querySelector("tbody").replaceChildren(...trs);
}
