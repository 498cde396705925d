import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { PhoneKeys } from "../security/phone-keys.js";

/** What an opt-in rests on: where and when consent was given, by whom, on which legal basis. */
export interface ConsentEvidence {
  /** Where it was captured, e.g. "web form /signup", "recorded call 2026-11-28 #4411". */
  source: string;
  /** Who gave it (and who captured it), e.g. "Jane Doe via agent 7". */
  who: string;
  /** When it was given (ISO 8601). */
  when: string;
  /** The legal basis, e.g. "prior express written consent, 47 CFR 64.1200(f)(9)". */
  basis: string;
}

/** One consent change as recorded, with its provenance. */
export interface ConsentRecord {
  /** Stream entry id (`<ms>-<seq>`), set when read back. */
  id?: string;
  /** One change, written to several streams, has one change id. */
  changeId: string;
  at: string;
  status: "opted_out" | "opted_in";
  /** The channel the change came through: agent, crm, inbound, api. */
  source: string;
  /** Who asked: the API key's name, `webhook:<integration>`, or `telesync` for its own rules. */
  actor: string;
  evidence?: ConsentEvidence;
  /** An admin lifted a number from the internal do-not-call list. */
  overrideInternalDnc?: boolean;
  leadKeys: string[];
  phones: string[];
}

const evidenceFields = ["source", "who", "when", "basis"] as const;

/**
 * The consent ledger: append-only Redis streams, one per lead key (`consent:lead:<key>`) and one per
 * number (`consent:phone:<hmac>`, the number hashed as in every key name), never trimmed, never
 * expired: consent records are kept as long as the deployment (the TSR asks for 24 months at least).
 * Every change is written before it takes effect, so an effect never lacks its record.
 */
export class ConsentLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly phoneKeys: PhoneKeys,
  ) {}

  private leadStream(leadKey: string): string {
    return redisKeys(this.prefix).consentLead(leadKey);
  }

  private phoneStreams(phone: string): string[] {
    return this.phoneKeys.all(phone).map((hash) => redisKeys(this.prefix).consentPhone(hash));
  }

  /** Append one change to the stream of every lead and number it concerns (one transaction). */
  async append(record: ConsentRecord): Promise<void> {
    const fields = [
      "changeId",
      record.changeId,
      "at",
      record.at,
      "status",
      record.status,
      "source",
      record.source,
      "actor",
      record.actor,
      "leadKeys",
      JSON.stringify(record.leadKeys),
      "phones",
      JSON.stringify(record.phones),
    ];
    if (record.overrideInternalDnc) fields.push("overrideInternalDnc", "true");
    if (record.evidence)
      for (const name of evidenceFields) fields.push(`evidence.${name}`, record.evidence[name]);
    const streams = [
      ...record.leadKeys.map((key) => this.leadStream(key)),
      ...record.phones.map((phone) => this.phoneStreams(phone)[0] as string),
    ];
    const tx = this.redis.multi();
    for (const stream of streams) tx.xadd(stream, "*", ...fields);
    for (const [error] of (await tx.exec()) ?? []) if (error) throw error;
  }

  /** Numbers earlier changes of this lead were about (its job may have left the queues since). */
  async phonesOfLead(leadKey: string): Promise<string[]> {
    const records = await this.read(leadKey);
    return [...new Set(records.flatMap((record) => record.phones))];
  }

  /** The records of a lead and of its numbers, newest first, each once. */
  async read(leadKey: string, phones: readonly string[] = []): Promise<ConsentRecord[]> {
    const streams = [this.leadStream(leadKey), ...phones.flatMap((p) => this.phoneStreams(p))];
    const pipeline = this.redis.pipeline();
    for (const stream of streams) pipeline.xrevrange(stream, "+", "-", "COUNT", 200);
    const byChange = new Map<string, ConsentRecord>();
    for (const [error, entries] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      for (const [id, flat] of entries as Array<[string, string[]]>) {
        const record = parseRecord(id, flat);
        if (!byChange.has(record.changeId)) byChange.set(record.changeId, record);
      }
    }
    return [...byChange.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }
}

function parseRecord(id: string, flat: string[]): ConsentRecord {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
  const list = (value: string | undefined): string[] => (value ? (JSON.parse(value) as string[]) : []);
  const evidence = f.has("evidence.basis")
    ? {
        source: f.get("evidence.source") ?? "",
        who: f.get("evidence.who") ?? "",
        when: f.get("evidence.when") ?? "",
        basis: f.get("evidence.basis") ?? "",
      }
    : undefined;
  return {
    id,
    changeId: f.get("changeId") ?? id,
    at: f.get("at") ?? "",
    status: f.get("status") === "opted_in" ? "opted_in" : "opted_out",
    source: f.get("source") ?? "",
    actor: f.get("actor") ?? "",
    ...(evidence ? { evidence } : {}),
    ...(f.get("overrideInternalDnc") === "true" ? { overrideInternalDnc: true } : {}),
    leadKeys: list(f.get("leadKeys")),
    phones: list(f.get("phones")),
  };
}
