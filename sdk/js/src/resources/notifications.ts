import { seg, Transport } from "../http.js";
import type { Notification } from "../types.js";

/** In-app notifications (docs/notifications.md); read state is per user (an API key reads its org's bell). */
export class NotificationsResource {
  /** @internal */
  constructor(private readonly api: Transport) {}

  /** An org's notifications, newest first: device offline, anomalies, firmware updates, rule firings. */
  async list(orgId: string, options: { unread?: boolean; limit?: number; offset?: number } = {}): Promise<Notification[]> {
    return this.api.json<Notification[]>({ method: "GET", path: `orgs/${seg(orgId)}/notifications`, idempotent: true,
      query: { unread: options.unread ? true : undefined, limit: options.limit, offset: options.offset } });
  }

  /** How many are unread for the caller: `{ unread_count }`. */
  async unreadCount(orgId: string): Promise<{ unread_count: number }> {
    return this.api.json({ method: "GET", path: `orgs/${seg(orgId)}/notifications/unread-count`, idempotent: true });
  }

  /** Marks one notification read (`PATCH /notifications/:id/read`). */
  async markRead(notificationId: string): Promise<Notification> {
    return this.api.json<Notification>({ method: "PATCH", path: `notifications/${seg(notificationId)}/read`, idempotent: true });
  }

  /** Marks all of the org's notifications read for the caller: `{ updated }`. */
  async markAllRead(orgId: string): Promise<{ updated: number }> {
    return this.api.json({ method: "POST", path: `orgs/${seg(orgId)}/notifications/read-all`, idempotent: true });
  }
}
