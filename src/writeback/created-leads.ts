import type { Job } from "bullmq";
import type { CrmConnector, LeadCreate, LeadCreateResult } from "../../connectors/types.js";
import type { ErrorClass } from "../errors.js";
import { MicroBatcher } from "./batcher.js";
import type { OutcomeJob, WritebackJob } from "./jobs.js";

export interface CreatedLeadsDependencies {
  connector: Pick<CrmConnector, "vendor" | "createLeads" | "limits">;
  /** One CRM call through the integration's circuit breaker. */
  guarded: <T>(call: () => Promise<T>) => Promise<T>;
  maxWaitMs: number;
}

export type LeadReady = { ok: true; job: OutcomeJob; created?: boolean } | { ok: false; error: ErrorClass };

/** The leads of `create-lead` inbound calls, micro-batched into the connector's upserts. */
export class CreatedLeads {
  private readonly batcher: MicroBatcher<LeadCreate, LeadCreateResult>;

  constructor(deps: CreatedLeadsDependencies) {
    const { connector } = deps;
    this.batcher = new MicroBatcher({
      maxSize: connector.limits.writeBatchSize,
      maxWaitMs: deps.maxWaitMs,
      flush: (items) =>
        deps.guarded(() => {
          if (!connector.createLeads)
            throw new Error(`the ${connector.vendor} connector cannot create leads (inbound create-lead)`);
          return connector.createLeads(items);
        }),
    });
  }

  /**
   * The job with its lead's CRM id: as queued, or, for a `create-lead` inbound call, once the lead is
   * created. The upsert names the lead by an id derived from the outcomeId, so a retry (the job's, or
   * after a worker crashed before recording the id) finds the same lead; the id is kept in the job
   * so later attempts skip the upsert.
   */
  async withLead(job: Job<WritebackJob>, data: OutcomeJob): Promise<LeadReady> {
    if (!data.createLead) return { ok: true, job: data };
    if (data.lead.crmId !== "") return { ok: true, job: data, created: true };
    const { createId, idField, fields } = data.createLead;
    const result = await this.batcher.submit({ createId, idField, fields, objectType: data.lead.objectType });
    if (!result.ok) return result;
    const next: OutcomeJob = { ...data, lead: { ...data.lead, crmId: result.crmId } };
    await job.updateData(next);
    return { ok: true, job: next, created: true };
  }

  drain(): Promise<void> {
    return this.batcher.drain();
  }
}
