import { objectDef, type SfRecord, type SfValue } from "./schema.js";
import { recordView } from "./values.js";

/** Change Data Capture change types, as in `ChangeEventHeader.changeType`. */
export type ChangeType = "CREATE" | "UPDATE" | "DELETE" | "UNDELETE";

/** One published change event, as the CometD `data` of a `/data/<Entity>ChangeEvent` message. */
export interface PublishedChange {
  readonly channel: string;
  readonly replayId: number;
  readonly data: {
    schema: string;
    payload: Record<string, SfValue | Record<string, unknown>>;
    event: { replayId: number };
  };
}

/** Objects whose changes the org publishes (Setup → Change Data Capture, selected entities). */
const publishedEntities: ReadonlySet<string> = new Set([
  "Lead",
  "Contact",
  "CampaignMember",
  "Account",
  "Donor__c",
]);
/** Fields a change event never carries (CDC guide, "Change Event Fields"); the id is in the header. */
const ignoredFields: ReadonlySet<string> = new Set(["Id", "IsDeleted", "SystemModstamp"]);

/** `/data/<Standard>ChangeEvent`, `/data/<Custom>__ChangeEvent` for `<Custom>__c` (CDC guide, "Subscription Channels"). */
export function changeChannel(entity: string): string {
  const custom = /^(.+)__c$/.exec(entity);
  return custom ? `/data/${custom[1]}__ChangeEvent` : `/data/${entity}ChangeEvent`;
}

/** Salesforce's answer to a replay id outside the retention window (CometD subscribe error). */
export function invalidReplayError(replayId: number): string {
  return `400::The replayId {${replayId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`;
}

/**
 * The org's change event bus: every committed insert/update/delete of a published entity becomes one
 * event with the next replay id; only the newest `retention` events are kept (Salesforce keeps three
 * days), so a subscriber resuming from an older id is refused as Salesforce refuses it.
 */
export class ChangeEventLog {
  private readonly events: PublishedChange[] = [];
  private lastReplayId = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly retention: number,
    private readonly userId: string,
  ) {}

  /** Record one committed write; `previous` is undefined for an insert. */
  record(type: string, previous: SfRecord | undefined, next: SfRecord, commitTimestamp: number): void {
    const def = objectDef(type);
    if (!def || !publishedEntities.has(def.name)) return;
    const changeType: ChangeType =
      previous === undefined
        ? "CREATE"
        : !previous.IsDeleted && next.IsDeleted
          ? "DELETE"
          : previous.IsDeleted && !next.IsDeleted
            ? "UNDELETE"
            : "UPDATE";
    const view = recordView(def, next);
    const changedFields: string[] = [];
    const nulledFields: string[] = [];
    const payload: Record<string, SfValue | Record<string, unknown>> = {};
    if (changeType === "CREATE" || changeType === "UPDATE" || changeType === "UNDELETE") {
      for (const field of def.fields) {
        if (ignoredFields.has(field.name)) continue;
        const before = previous?.[field.name] ?? null;
        const after = next[field.name] ?? null;
        const changed = changeType !== "UPDATE" || before !== after;
        if (!changed) continue;
        if (changeType === "UPDATE") changedFields.push(field.name);
        if (after === null) {
          if (changeType === "UPDATE") nulledFields.push(field.name);
        } else payload[field.name] = view[field.name] ?? null;
      }
      if (changeType === "UPDATE" && changedFields.length === 0) return;
    }
    this.lastReplayId++;
    payload.ChangeEventHeader = {
      entityName: def.name,
      recordIds: [String(next.Id)],
      changeType,
      changeOrigin: "com/salesforce/api/rest/62.0",
      transactionKey: `sbx-${this.lastReplayId}`,
      sequenceNumber: 1,
      commitTimestamp,
      commitNumber: this.lastReplayId,
      commitUser: this.userId,
      nulledFields,
      diffFields: [],
      changedFields,
    };
    this.events.push({
      channel: changeChannel(def.name),
      replayId: this.lastReplayId,
      data: { schema: `sbx-${def.name}`, payload, event: { replayId: this.lastReplayId } },
    });
    if (this.events.length > this.retention) this.events.splice(0, this.events.length - this.retention);
    for (const listener of this.listeners) listener();
  }

  /** The newest replay id published (0 before the first event). */
  get latest(): number {
    return this.lastReplayId;
  }

  /**
   * Where a subscription starting at `replayId` stands: -1 = new events only, -2 = every retained
   * event, else events after that id, refused when events after it are no longer retained.
   */
  startAfter(replayId: number): number | undefined {
    if (replayId === -1) return this.lastReplayId;
    const oldest = this.events[0]?.replayId ?? this.lastReplayId + 1;
    if (replayId === -2) return oldest - 1;
    if (!Number.isInteger(replayId) || replayId < oldest - 1 || replayId > this.lastReplayId)
      return undefined;
    return replayId;
  }

  /** Retained events of `channel` after `replayId`, oldest first. */
  after(channel: string, replayId: number): PublishedChange[] {
    return this.events.filter((event) => event.channel === channel && event.replayId > replayId);
  }

  /** Forget every retained event (a test of a subscriber that was away longer than the retention). */
  expireAll(): void {
    this.events.length = 0;
  }

  /** Called after each published event (long-poll connects wait on it). */
  onPublish(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
