import { createI18n } from "vue-i18n";
import { en } from "./en";
import { zh } from "./zh";

export type Lang = "zh" | "en";

const KEY = "wegate.lang";
const saved = localStorage.getItem(KEY);

/** Chinese by default; English when chosen with the switch (remembered in this browser). */
export const i18n = createI18n({
  legacy: false,
  locale: saved === "en" ? "en" : "zh",
  fallbackLocale: "zh",
  messages: { zh, en },
});

document.documentElement.lang = saved === "en" ? "en" : "zh-CN";

export const currentLang = (): Lang => (i18n.global.locale.value === "en" ? "en" : "zh");

export function setLang(lang: Lang) {
  i18n.global.locale.value = lang;
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
}
