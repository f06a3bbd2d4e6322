// The built package as users get it: ESM import, CommonJS require() and the .d.ts files (tsc --noEmit on a consumer),
// and no runtime dependencies.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

test("ESM import resolves to dist/esm and exposes the surface", async () => {
  const esm = await import("@edgeconductor/sdk");
  assert.equal(typeof esm.EdgeConductor, "function");
  assert.equal(typeof esm.EdgeConductorError, "function");
  assert.equal(typeof esm.verifyWebhook, "function");
  assert.equal(typeof esm.paginate, "function");
  assert.match(import.meta.resolve("@edgeconductor/sdk"), /dist\/esm\/index\.js$/);
  const ec = new esm.EdgeConductor({ apiKey: "k", baseUrl: "http://h:8080" });
  assert.equal(ec.baseUrl, "http://h:8080/api/v1/");
});

test("CommonJS require() resolves to dist/cjs and exposes the same surface", () => {
  assert.match(require.resolve("@edgeconductor/sdk"), /dist\/cjs\/index\.js$/);
  const cjs = require("@edgeconductor/sdk");
  const { EdgeConductor, EdgeConductorError } = cjs;
  const ec = new EdgeConductor({ apiKey: "ec_live_xxxx" });
  assert.equal(ec.baseUrl, "http://localhost:8080/api/v1/");
  const e = new EdgeConductorError({ status: 404 });
  assert.equal(e.code, "NOT_FOUND");
  assert.ok(e instanceof Error);
  // The CommonJS build is real CommonJS (no ESM syntax), so old bundlers and require() in Node 20 both load it.
  assert.doesNotMatch(readFileSync(join(root, "dist/cjs/index.js"), "utf8"), /^export /m);
});

test("the .d.ts files type-check a consumer (ESM and CommonJS) with tsc --noEmit", () => {
  const tsc = require.resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, "test/consumer/tsconfig.json")], { stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc --noEmit failed:\n${e.stdout}${e.stderr}`);
  }
});

test("zero runtime dependencies", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), []);
  assert.deepEqual(Object.keys(pkg.exports["."]).sort(), ["import", "require"]);
});

test("the ES module build uses only web-platform globals (fetch, Web Crypto, TextEncoder, atob/btoa): it runs in browsers", async () => {
  const { readdirSync } = await import("node:fs");
  const files = [];
  const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".js") && files.push(join(d, e.name)); };
  walk(join(root, "dist/esm"));
  assert.ok(files.length > 10);
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    assert.doesNotMatch(text, /from\s+["']node:|require\(|\bBuffer\b|\bprocess\./, `${f} uses a Node-only API`);
    for (const m of text.matchAll(/from\s+["'](\.[^"']+)["']/g)) assert.match(m[1], /\.js$/, `${f}: relative imports need .js for browsers`);
  }
});
