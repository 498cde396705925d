import type { WriteLedger } from "../types.js";

/**
 * The `WriteLedger` a HubSpot connector keeps in its own process when the core gives it none
 * (library use without Redis): it protects retries made by this process only.
 */
export class MemoryWriteLedger implements WriteLedger {
  private readonly written = new Map<string, string>();
  private readonly sending = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  async recordCreated(integrationId: string, created: ReadonlyMap<string, string>): Promise<void> {
    for (const [outcomeId, activityId] of created)
      this.written.set(`${integrationId}/${outcomeId}`, activityId);
  }

  async created(integrationId: string, outcomeIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const id of outcomeIds) {
      const activityId = this.written.get(`${integrationId}/${id}`);
      if (activityId) found.set(id, activityId);
    }
    return found;
  }

  async markSent(integrationId: string, outcomeIds: readonly string[], forMs: number): Promise<void> {
    for (const id of outcomeIds) this.sending.set(`${integrationId}/${id}`, this.now() + forMs);
  }

  async clearSent(integrationId: string, outcomeIds: readonly string[]): Promise<void> {
    for (const id of outcomeIds) this.sending.delete(`${integrationId}/${id}`);
  }

  async recentlySent(integrationId: string, outcomeIds: readonly string[]): Promise<Set<string>> {
    const now = this.now();
    return new Set(outcomeIds.filter((id) => (this.sending.get(`${integrationId}/${id}`) ?? 0) > now));
  }
}
