import { useEffect, useState } from "react";
import { config } from "../api";

export interface Route {
  page: "definitions" | "editor";
  name?: string;
  version?: number;
  state?: unknown;
}

export function parseRoute(): Route {
  const base = config.base.replace(/\/$/, "");
  let rest = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
  rest = rest.replace(/^\/+|\/+$/g, "");
  if (!rest) return { page: "definitions" };
  const v = new URLSearchParams(location.search).get("version");
  return { page: "editor", name: decodeURIComponent(rest), version: v ? Number(v) : undefined, state: history.state };
}

export function editorUrl(name: string, version?: number): string {
  return `${config.base}${encodeURIComponent(name)}/${version ? `?version=${version}` : ""}`;
}

export function navigate(url: string, state?: unknown, replace = false): void {
  if (replace) history.replaceState(state ?? null, "", url);
  else history.pushState(state ?? null, "", url);
  window.dispatchEvent(new Event("baton:navigate"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const update = () => setRoute(parseRoute());
    window.addEventListener("popstate", update);
    window.addEventListener("baton:navigate", update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener("baton:navigate", update);
    };
  }, []);
  return route;
}
