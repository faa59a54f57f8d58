// Package runtime: what a package's manifest and root files say about where its code runs.
// A package whose build is a browser bundle — an `index.html`, an `angular.json` or a
// `browserslist` at its root, a SvelteKit app built with `@sveltejs/adapter-static`, or a
// bundler config (vite, webpack, rollup, parcel) beside a UI framework dependency — and that has
// no server side (no server framework among its dependencies: express, fastify, koa, hono,
// @nestjs/*, full-stack frameworks that render on the server: next, nuxt, @remix-run/*, astro,
// TanStack Start, React Router's framework mode, SvelteKit with a server adapter; no database
// driver or socket server either) is "browser": its files run in a browser unless their own
// strong evidence says Node. An Electron app is both: its main process is Node, its renderer
// Chromium; the corpora lay the renderer out under `renderer/` or `frontend/` (electron-vite's
// `src/renderer`, `src/frontend` beside `src/backend`), and those folders are "browser".
import fs from "node:fs";
import path from "node:path";

/** What a package's build says: a browser bundle (with why), an Electron app, or nothing. */
export type PackageBuild = { readonly kind: "browser"; readonly evidence: string } | { readonly kind: "electron" } | undefined;

const UI_DEPENDENCIES = ["react", "react-dom", "vue", "svelte", "@angular/core", "solid-js", "preact", "lit", "react-native"];
const SERVER_DEPENDENCIES = [
  "express", "fastify", "koa", "hono", "@hapi/hapi", "restify", "next", "nuxt", "astro", "@tanstack/react-start", "@tanstack/start",
  "@react-router/dev", "@solidjs/start", "@builder.io/qwik-city", "@angular/ssr", "@nguniversal/express-engine", "vike", "vite-plugin-ssr",
  "socket.io", "ws", "@trpc/server", "@apollo/server", "pg", "mysql2", "mongoose", "mongodb", "@prisma/client", "ioredis", "redis", "bullmq",
];
const SERVER_SCOPES = ["@nestjs/", "@remix-run/"];
const BUNDLER_CONFIG = /^(vite|webpack|rollup|rsbuild|rspack)\.config\.[cm]?[jt]s$|^\.parcelrc$/;
const SVELTE_CONFIG = /^svelte\.config\.[cm]?[jt]s$/;
const RENDERER_FOLDER = /(^|[/\\])(renderer|frontend)[/\\]/;

type Manifest = Record<string, unknown>;

/** The build of the package at `dir` whose parsed package.json is `pkg`. */
export function packageBuild(pkg: Manifest, dir: string): PackageBuild {
  const deps = dependencyNames(pkg);
  if (deps.includes("electron")) return { kind: "electron" };
  const build = browserBuild(pkg, dir, deps);
  if (!build) return undefined;
  const server = deps.some((name) => SERVER_DEPENDENCIES.includes(name) || SERVER_SCOPES.some((scope) => name.startsWith(scope)));
  return server ? undefined : { kind: "browser", evidence: `package: ${build}` };
}

/** `src/renderer/…`, `src/frontend/…` (the path inside an Electron package): the renderer's folder, or undefined. */
export function rendererFolder(relative: string): string | undefined {
  return RENDERER_FOLDER.exec(relative)?.[2];
}

/** The browser build the package root shows, or undefined. A SvelteKit app counts only with the static adapter. */
function browserBuild(pkg: Manifest, dir: string, deps: readonly string[]): string | undefined {
  const files = rootFiles(dir);
  if (deps.includes("@sveltejs/kit")) return svelteKitAdapter(dir, files, deps) === "static" ? "SvelteKit with adapter-static" : undefined;
  if (files.includes("index.html")) return "index.html";
  if (files.includes("angular.json")) return "angular.json";
  if (pkg.browserslist !== undefined || files.includes(".browserslistrc")) return "browserslist";
  const bundler = files.find((name) => BUNDLER_CONFIG.test(name));
  const ui = deps.find((name) => UI_DEPENDENCIES.includes(name));
  return bundler && ui ? `${bundler} and dependency "${ui}"` : undefined;
}

/** "static" when svelte.config imports `@sveltejs/adapter-static` (or, without a config, it is the only adapter installed). */
function svelteKitAdapter(dir: string, files: readonly string[], deps: readonly string[]): "static" | "server" {
  const config = files.find((name) => SVELTE_CONFIG.test(name));
  if (config) {
    let text = "";
    try {
      text = fs.readFileSync(path.join(dir, config), "utf8");
    } catch {
      return "server";
    }
    const adapters = [...text.matchAll(/["']@sveltejs\/adapter-([\w-]+)["']/g)].map((m) => m[1]);
    return adapters.length > 0 && adapters.every((name) => name === "static") ? "static" : "server";
  }
  const adapters = deps.filter((name) => name.startsWith("@sveltejs/adapter-"));
  return adapters.length > 0 && adapters.every((name) => name === "@sveltejs/adapter-static") ? "static" : "server";
}

function dependencyNames(pkg: Manifest): string[] {
  return ["dependencies", "devDependencies", "peerDependencies"].flatMap((field) => {
    const deps = pkg[field];
    return typeof deps === "object" && deps !== null ? Object.keys(deps) : [];
  });
}

function rootFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
