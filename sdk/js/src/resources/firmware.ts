import { seg, Transport } from "../http.js";
import type { FirmwareRelease, OtaPushResult } from "../types.js";

/** Metadata of `firmware.upload`. */
export interface FirmwareUploadInput {
  version: string;
  product_type: string;
  notes?: string;
  /** Base64 ECDSA P-256 signature of the image (docs/ota.md "Signing"). */
  signature?: string;
}

/** Firmware releases and single-device pushes (docs/ota.md). */
export class FirmwareResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** All firmware releases the caller can see (`GET /firmware`, optional `orgId` / `productType` filters). */
  async list(options: { orgId?: string; productType?: string } = {}): Promise<FirmwareRelease[]> {
    return this.api.json<FirmwareRelease[]>({ method: "GET", path: "firmware", idempotent: true,
      query: { org_id: options.orgId, product_type: options.productType, limit: 1000 } });
  }

  /** One release. */
  async get(firmwareId: string): Promise<FirmwareRelease> {
    return this.api.json<FirmwareRelease>({ method: "GET", path: `firmware/${seg(firmwareId)}`, idempotent: true });
  }

  /** Uploads a firmware image (`POST /orgs/:id/firmware`, multipart): `file` as bytes or a Blob. 201 with the release
   * (size and sha256 computed by the server); a duplicate version of the product type is 409. Not retried. */
  async upload(orgId: string, file: Blob | Uint8Array | ArrayBuffer, input: FirmwareUploadInput): Promise<FirmwareRelease> {
    const form = new FormData();
    const blob = file instanceof Blob ? file : new Blob([file as BlobPart], { type: "application/octet-stream" });
    form.append("file", blob, "firmware.bin");
    form.append("version", input.version);
    form.append("product_type", input.product_type);
    if (input.notes !== undefined) form.append("notes", input.notes);
    if (input.signature !== undefined) form.append("signature", input.signature);
    return this.api.json<FirmwareRelease>({ method: "POST", path: `orgs/${seg(orgId)}/firmware`, rawBody: form });
  }

  /** Deletes a release (409 while a job uses it). */
  async delete(firmwareId: string): Promise<void> {
    await this.api.send({ method: "DELETE", path: `firmware/${seg(firmwareId)}`, idempotent: true });
  }

  /** Pushes a release to one registered device (`POST /devices/:serial/ota`): creates a one-device OTA job. An older
   * version than the device runs needs `{ allowDowngrade: true }`. */
  async push(serial: string, firmwareId: string, options: { allowDowngrade?: boolean } = {}): Promise<OtaPushResult> {
    return this.api.json<OtaPushResult>({ method: "POST", path: `devices/${seg(serial)}/ota`,
      body: { firmware_id: firmwareId, ...(options.allowDowngrade ? { allow_downgrade: true } : {}) } });
  }
}
