// The same through require() types (CommonJS consumer).
import sdk = require("@edgeconductor/sdk");

export function make(): sdk.EdgeConductor {
  const ec = new sdk.EdgeConductor({ apiKey: "ec_live_xxxx" });
  // @ts-expect-error op must be one of the six operators (a wrong one must not type-check)
  void ec.rules.threshold("o", { name: "n", field: "co2", op: "=>", value: 1, action: { key: "relay", value: true } });
  return ec;
}
