/* Amounts in integer cents, shown as the clinic's currency ("$120.50"); never floats
 * for the sums, which the server makes. */
const SYMBOLS = { USD: "$", CAD: "CA$", EUR: "€", GBP: "£", AUD: "A$", NZD: "NZ$", CHF: "CHF ", JPY: "¥",
                  INR: "₹", ZAR: "R" };

export function money(cents, currency) {
  const n = Math.abs(Math.trunc(cents || 0));
  const sign = cents < 0 ? "-" : "";
  const symbol = SYMBOLS[currency] || (currency + " ");
  if (currency === "JPY") { return sign + symbol + n.toLocaleString("en-US"); }
  const whole = Math.floor(n / 100).toLocaleString("en-US");
  return sign + symbol + whole + "." + String(n % 100).padStart(2, "0");
}

/* "120.50" or "120" typed by staff -> 12050 cents, or null when it is not an amount. */
export function toCents(text) {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text || "");
  if (!m) { return null; }
  return Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0"));
}
