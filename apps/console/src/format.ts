/** Cents (what the API stores) as yuan with two decimals, and back. */
export const yuan = (cents: number | null | undefined) => (cents == null ? "" : (cents / 100).toFixed(2));

/**
 * Yuan as typed ("12", "12.3", "12.34") in whole cents, from the digits
 * themselves (12.34 * 100 is 1233.9999999999998 in floating point); NaN when
 * the text is not such an amount, more than two decimals included.
 */
export function centsOf(text: string): number {
  const match = /^\s*(\d{1,7})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

export function dateTime(ms: number | null | undefined): string {
  if (!ms) return "-";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
