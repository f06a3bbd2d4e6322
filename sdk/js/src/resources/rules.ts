import { seg, Transport } from "../http.js";
import type { JsonObject, Rule, RuleAction, RuleScope } from "../types.js";

/** Shared options of both rule kinds (docs/rules.md). */
interface RuleCommon {
  name: string;
  /** What to set in the desired state when the rule fires: `{ key: "relay", value: true }`. */
  action: RuleAction;
  /** POST the event to this URL too (Standard Webhooks signed, see `verifyWebhook`). */
  webhookUrl?: string;
  /** Payload shape for the webhook: e.g. `slack` (docs/webhooks.md). */
  webhookPreset?: string;
  /** Raise an in-app notification when it fires. */
  notify?: boolean;
  /** Which devices (default: all of the org's). */
  scope?: RuleScope;
  /** Create it disabled. */
  enabled?: boolean;
}

/** `rules.threshold(orgId, …)` (seed 000: `{ name, field, op, value, action, webhookUrl? }`). */
export interface ThresholdRuleInput extends RuleCommon {
  field: string;
  op: ">" | "<" | ">=" | "<=" | "==" | "!=";
  value: number | boolean | string;
  /** Fire only after the condition held this long (debounce), seconds. */
  forSeconds?: number;
  /** Hysteresis: the condition clears only past this value. */
  clearValue?: number;
  /** Applied when the condition clears. */
  clearAction?: RuleAction;
}

/** `rules.schedule(orgId, …)` (seed 000: `{ name, time, days, action }`). */
export interface ScheduleRuleInput extends RuleCommon {
  /** `HH:MM`, in the org's time zone. */
  time: string;
  /** `['mon','tue',…]`. */
  days: string[];
}

/** Automation rules (`GET|POST /orgs/:id/rules`, `GET|PATCH|DELETE /rules/:id`). */
export class RulesResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** All rules of an org. */
  async list(orgId: string): Promise<Rule[]> {
    return this.api.json<Rule[]>({ method: "GET", path: `orgs/${seg(orgId)}/rules`, query: { limit: 1000 }, idempotent: true });
  }

  /** One rule. */
  async get(ruleId: string): Promise<Rule> {
    return this.api.json<Rule>({ method: "GET", path: `rules/${seg(ruleId)}`, idempotent: true });
  }

  /** Creates a threshold rule: fires when `field op value` becomes true for a device. Bad input: 400 naming the field. */
  async threshold(orgId: string, input: ThresholdRuleInput): Promise<Rule> {
    const condition: JsonObject = { field: input.field, op: input.op, value: input.value };
    if (input.forSeconds !== undefined) condition["for_seconds"] = input.forSeconds;
    if (input.clearValue !== undefined) condition["clear_value"] = input.clearValue;
    return this.create(orgId, "threshold", condition, input, input.clearAction);
  }

  /** Creates a schedule rule: fires at `time` on `days` (the org's time zone). */
  async schedule(orgId: string, input: ScheduleRuleInput): Promise<Rule> {
    return this.create(orgId, "schedule", { time: input.time, days: input.days }, input, undefined);
  }

  /** Enables a rule (`PATCH /rules/:id {"enabled":true}`). */
  async enable(ruleId: string): Promise<Rule> {
    return this.update(ruleId, { enabled: true });
  }

  /** Disables a rule without deleting it. */
  async disable(ruleId: string): Promise<Rule> {
    return this.update(ruleId, { enabled: false });
  }

  /** Merge-patches a rule (`PATCH /rules/:id`): `name`, `enabled`, `condition`, `action`, `webhook_url`, … (snake_case). */
  async update(ruleId: string, patch: JsonObject): Promise<Rule> {
    return this.api.json<Rule>({ method: "PATCH", path: `rules/${seg(ruleId)}`, body: patch, idempotent: true });
  }

  /** Deletes a rule permanently: `{ deleted: true, id }`. */
  async delete(ruleId: string): Promise<{ deleted: boolean; id: string }> {
    return this.api.json({ method: "DELETE", path: `rules/${seg(ruleId)}` });
  }

  /** Dry run (`POST /rules/:id/test`): each in-scope device's latest value, `matches`, `would_fire`; nothing is stored or sent. */
  async test(ruleId: string): Promise<JsonObject> {
    return this.api.json<JsonObject>({ method: "POST", path: `rules/${seg(ruleId)}/test` });
  }

  private create(orgId: string, ruleType: string, condition: JsonObject, input: RuleCommon, clearAction: RuleAction | undefined): Promise<Rule> {
    const body: JsonObject = { name: input.name, rule_type: ruleType, condition, action: input.action };
    if (clearAction !== undefined) body["clear_action"] = clearAction;
    if (input.scope !== undefined) body["scope"] = input.scope;
    if (input.webhookUrl !== undefined) body["webhook_url"] = input.webhookUrl;
    if (input.webhookPreset !== undefined) body["webhook_preset"] = input.webhookPreset;
    if (input.notify !== undefined) body["notify"] = input.notify;
    if (input.enabled !== undefined) body["enabled"] = input.enabled;
    return this.api.json<Rule>({ method: "POST", path: `orgs/${seg(orgId)}/rules`, body });
  }
}
