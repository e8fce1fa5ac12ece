/** Cents (what the API stores) as yuan with two decimals, and back. */
export const yuan = (cents: number | null | undefined) => (cents == null ? "" : (cents / 100).toFixed(2));

/** Rounded to whole cents: 12.345 yuan is 1235 cents, never 1234.4999. */
export const cents = (yuanValue: number | null | undefined) => Math.round((yuanValue ?? 0) * 100);

export function dateTime(ms: number | null | undefined): string {
  if (!ms) return "-";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
