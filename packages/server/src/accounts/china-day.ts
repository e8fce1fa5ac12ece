/**
 * Days as the shops live them: the dashboard's per-day counts start at
 * midnight in China (Asia/Shanghai, UTC+8 all year, no daylight saving time),
 * not at UTC midnight, which is 8 in the morning there.
 */
export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The China day of an instant, as a count of days since 1970-01-01 (China time). */
export const chinaDay = (ms: number): number => Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);

/** The instant a China day starts. */
export const chinaDayStart = (day: number): number => day * DAY_MS - CHINA_OFFSET_MS;

/** "YYYY-MM-DD" of a China day. */
export const chinaDayLabel = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
