// Shared set-up for the SDK tests: they run against the REAL server started by scripts/suites/js-sdk.sh
// (scripts/lib/test-server.sh), whose address and bootstrap admin come from the environment.
import { spawn } from "node:child_process";
import { EdgeConductor } from "@edgeconductor/sdk";

const base = process.env.EC_TEST_BASE_URL;
if (!base) throw new Error("EC_TEST_BASE_URL is not set: run the tests through scripts/suites/js-sdk.sh");

/** The API root of the test server. */
export const BASE_URL = `${base}/api/v1`;
/** The server root (for /openapi/v1.json). */
export const SERVER_URL = base;
/** The built-in broker's plain MQTT port. */
export const MQTT_PORT = Number(process.env.EC_TEST_MQTT_PORT);

let counter = 0;
/** A name unique in this run: `JS-<tag>-<pid>-<n>`. */
export function uniq(tag) {
  return `JS-${tag}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
}

/** A client logged in as the bootstrap super admin (an access token as the bearer credential). */
export async function adminClient() {
  const anon = new EdgeConductor({ baseUrl: BASE_URL });
  const tokens = await anon.auth.login(process.env.EC_TEST_ADMIN_EMAIL, process.env.EC_TEST_ADMIN_PASSWORD);
  return new EdgeConductor({ baseUrl: BASE_URL, apiKey: tokens.access_token });
}

/** A fresh org (plan `business` unless given, so tests do not meet the starter rate limit), an API key of it and a client using that key. */
export async function newOrg(tag, plan = "business") {
  const admin = await adminClient();
  const org = await admin.orgs.create({ name: uniq(tag), plan });
  const key = await admin.apiKeys.generate(org.id, "js-sdk-test");
  const ec = new EdgeConductor({ baseUrl: BASE_URL, apiKey: key.key });
  return { admin, org, key, ec };
}

/** Polls `fn` until it returns a truthy value (which it returns) or `timeoutMs` passes (then throws with `what`). */
export async function eventually(fn, what, timeoutMs = 20_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Publishes one MQTT message with the real mosquitto_pub client (QoS 1), as the device itself. */
export function mqttPublish(serial, secret, subtopic, payload) {
  return new Promise((resolve, reject) => {
    const p = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(MQTT_PORT), "-i", `${serial}-pub`, "-u", serial, "-P", secret,
      "-t", `devices/${serial}/${subtopic}`, "-q", "1", "-m", typeof payload === "string" ? payload : JSON.stringify(payload)]);
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}: ${err}`))));
  });
}
