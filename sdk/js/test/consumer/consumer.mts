// Compiled with `tsc --noEmit` by package.test.mjs: the published .d.ts files type the seed's four steps (ESM).
import { EdgeConductor, EdgeConductorError, paginate, verifyWebhook, type Device, type Rule, type StreamHandle, type TelemetryRecord } from "@edgeconductor/sdk";

export async function fourSteps(orgId: string): Promise<Rule> {
  const ec = new EdgeConductor({ apiKey: "ec_live_xxxx", baseUrl: "http://localhost:8080/api/v1", maxRetries: 2 });
  const device: Device & { created: boolean } = await ec.devices.register({ serial_no: "MY-DEVICE-001", product_type: "EC-CLIMATE-V1" });
  const secret: string | undefined = device.device_secret;
  void secret;
  await ec.telemetry.push("MY-DEVICE-001", { temp: 24.5, hum: 60, co2: 850, bat: 4.1 });
  const shadow: Record<string, unknown> = await ec.devices.getShadow("MY-DEVICE-001");
  void shadow;
  const handle: StreamHandle = ec.telemetry.stream("MY-DEVICE-001", (r: TelemetryRecord) => console.log(r.ts, r["temp"]), { intervalMs: 5000 });
  handle.stop();
  for await (const d of paginate((p) => ec.devices.list({ orgId, ...p }))) console.log(d.serial_no);
  const ok: boolean = await verifyWebhook("{}", new Headers(), "whsec_x");
  void ok;
  try {
    return await ec.rules.threshold(orgId, { name: "CO2 High Alert", field: "co2", op: ">", value: 1000, action: { key: "relay", value: true } });
  } catch (e) {
    if (e instanceof EdgeConductorError) console.log(e.status, e.code, e.field);
    throw e;
  }
}
