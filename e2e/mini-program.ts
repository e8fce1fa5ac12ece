/**
 * Runs the demo mini program's pages (built JS + WXML + WXSS) in
 * miniprogram-simulate under jsdom, with the simulated phone's `wx` as the
 * global `wx` and a `getApp()` that answers the app's wegate client.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { SimWx } from "@wegate/wechat-sim";
import globalJsdom from "global-jsdom";
import { createClient, type WegateClient } from "../packages/sdk/src/index";

/** The parts of a j-component node the tests use. */
export interface SimNode {
  /** The rendered DOM element (jsdom). */
  dom: { textContent: string | null };
  instance: Record<string, any> & { data: Record<string, any> };
  querySelector(selector: string): SimNode | undefined;
  dispatchEvent(eventName: string, options?: { detail?: unknown }): void;
  attach(parent: object): void;
  detach(): void;
}

interface Simulate {
  load(componentPath: string, options?: { rootPath?: string; compiler?: "official" | "simulate" }): string;
  render(id: string, properties?: object): SimNode;
}

export const MINIPROGRAM_ROOT = join(import.meta.dirname, "..", "apps", "demo-shop", "miniprogram");

let simulate: Simulate | undefined;
let baseWx: object = {};

function setUp(): Simulate {
  if (simulate) return simulate;
  globalJsdom(undefined, { pretendToBeVisual: true });
  // jsdom's dispatchEvent only accepts its own Event classes.
  const { window } = globalThis as unknown as { window: Record<"Event" | "CustomEvent" | "EventTarget", unknown> };
  Object.assign(globalThis, { Event: window.Event, CustomEvent: window.CustomEvent, EventTarget: window.EventTarget });
  const require = createRequire(import.meta.url);
  simulate = require("miniprogram-simulate") as Simulate;
  // miniprogram-simulate installs a stub `wx`; the phone's simulated one replaces its APIs per test.
  baseWx = (globalThis as { wx?: object }).wx ?? {};
  return simulate;
}

export interface Phone {
  wx: SimWx;
  wegate: WegateClient;
  /** Loads a page ("pages/cart/index"), renders it into the document and runs onLoad(query) and onShow(). */
  open(page: string, query?: Record<string, string>): Promise<SimNode>;
}

/** Makes `wx` the phone the mini program runs on, with the demo app's client pointed at `baseURL`. */
export function usePhone(wx: SimWx, baseURL: string, subDomain: string): Phone {
  const sim = setUp();
  const wegate = createClient({ baseURL, subDomain, wx });
  Object.assign(globalThis, { wx: { ...baseWx, ...wx }, getApp: () => ({ globalData: {}, wegate }) });
  return {
    wx,
    wegate,
    async open(page, query = {}) {
      const id = sim.load(join(MINIPROGRAM_ROOT, page), { rootPath: MINIPROGRAM_ROOT });
      const node = sim.render(id);
      const { document } = globalThis as unknown as { document: { createElement(tag: string): object } };
      node.attach(document.createElement("parent-wrapper"));
      // Pages written with Component(): their page lifetimes are methods, called as the framework would.
      await node.instance.onLoad?.(query);
      await node.instance.onShow?.();
      return node;
    },
  };
}

/** Waits until `check` passes (a tap's handler runs on after dispatchEvent returns). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Taps the element `selector` of `node` (looking inside custom components along a "a >>> b" path). */
export function tap(node: SimNode, selector: string): void {
  find(node, selector).dispatchEvent("tap");
}

export function find(node: SimNode, selector: string): SimNode {
  let current = node;
  for (const part of selector.split(">>>").map((s) => s.trim())) {
    const next = current.querySelector(part);
    if (!next) throw new Error(`no ${part} on the page`);
    current = next;
  }
  return current;
}

/** The text the user sees, whitespace collapsed. */
export const textOf = (node: SimNode) => (node.dom.textContent ?? "").replace(/\s+/g, " ").trim();
