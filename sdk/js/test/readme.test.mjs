// The README's quick start (the seed's four steps) is run as written, as a CommonJS script, against the real server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { EdgeConductor } from "@edgeconductor/sdk";
import { BASE_URL, newOrg } from "./helpers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

test("README quick start runs against a local server and prints the shadow", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const code = /```js\n([\s\S]*?)```/.exec(section)[1];
  assert.match(code, /ec\.devices\.register/);
  // Inside the package folder, so require('@edgeconductor/sdk') resolves to this package (self-reference).
  const dir = join(root, "test-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "readme-example.cjs");
  writeFileSync(file, code);
  const apiKey = process.env.EC_TEST_API_KEY ?? (await newOrg("readme")).key.key;
  const { stdout } = await promisify(execFile)(process.execPath, [file], { env: { ...process.env, EC_API_KEY: apiKey, EC_BASE_URL: BASE_URL } });
  assert.match(stdout, /temp: 24\.5/);
  assert.match(stdout, /co2: 850/);
  const ec = new EdgeConductor({ baseUrl: BASE_URL, apiKey });
  const orgId = (await ec.auth.me()).org_id;
  const rule = (await ec.rules.list(orgId)).find((r) => r.name === "CO2 High Alert");
  assert.ok(rule, "the rule of step 4 exists");
  assert.deepEqual(rule.condition, { ...rule.condition, field: "co2", op: ">", value: 1000 });
  assert.equal((await ec.devices.get("MY-DEVICE-001")).shadow_reported.co2, 850);
});
