// Formatting (EUR to the cent, BTC to the satoshi, times in UTC) and DOM helpers of the dashboard page.
// Every text goes in with textContent: nothing here ever parses a string as HTML.

export const $ = (id) => document.getElementById(id);
export const eurFmt = new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR" });
export const btcFmt = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 8, maximumFractionDigits: 8 });
export const intFmt = new Intl.NumberFormat("en-GB");
export const fmtEur = (v) => eurFmt.format(v);
export const fmtBtc = (v) => `${btcFmt.format(v)} BTC`;
export const pad = (n) => String(n).padStart(2, "0");
export function fmtTime(t, withMinutes = true) {
  const d = new Date(t);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return withMinutes ? `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC` : day;
}
export const fmtMonth = (t) => fmtTime(t, false).slice(0, 7);

export function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

export function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = c;
    tr.append(td);
  }
  return tr;
}

export function fillTable(id, rows) {
  $(id)
    .querySelector("tbody")
    .replaceChildren(...rows.map(row));
}
