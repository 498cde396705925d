import type { AppointmentChangeResult, CrmConnector } from "../../connectors/types.js";
import type { ErrorClass } from "../errors.js";
import { MicroBatcher } from "./batcher.js";
import type { AppointmentJob } from "./jobs.js";
import type { ReceiptRecord } from "./receipts.js";

export interface AppointmentChangeDependencies {
  connector: Pick<CrmConnector, "vendor" | "changeAppointments" | "recordUrl" | "limits">;
  /** One CRM call through the integration's circuit breaker. */
  guarded: <T>(call: () => Promise<T>) => Promise<T>;
  maxWaitMs: number;
  /** Whether this change is still its appointment's latest (an older one is skipped, not written). */
  isLatestChange: (appointmentId: string, changeId: string) => Promise<boolean>;
  /** The change's receipt: written with the Event / meeting it changed. */
  written: (changeId: string, records: ReceiptRecord[]) => Promise<void>;
}

/**
 * Reschedules and cancellations of appointments, micro-batched into the connector's batch writes
 * like outcomes. The writes are idempotent by record id, so a retry after a lost answer changes the
 * record to the same state again: one change. A change superseded by a later one of the same
 * appointment is not sent (a late retry never moves an appointment back).
 */
export class AppointmentChangeWriter {
  private readonly batcher: MicroBatcher<AppointmentJob, AppointmentChangeResult>;

  constructor(private readonly deps: AppointmentChangeDependencies) {
    const { connector } = deps;
    this.batcher = new MicroBatcher({
      maxSize: connector.limits.writeBatchSize,
      maxWaitMs: deps.maxWaitMs,
      flush: (jobs) =>
        deps.guarded(() => {
          if (!connector.changeAppointments)
            throw new Error(`the ${connector.vendor} connector cannot change appointments`);
          return connector.changeAppointments(
            jobs.map((job) => ({ changeId: job.id, recordId: job.record.crmId, change: job.change })),
          );
        }),
    });
  }

  async write(job: AppointmentJob): Promise<{ ok: true } | { ok: false; error: ErrorClass }> {
    const { objectType, crmId } = job.record;
    const url = this.deps.connector.recordUrl?.(objectType, crmId);
    const records: ReceiptRecord[] = [
      { role: "appointment", objectType, id: crmId, ...(url ? { url } : {}), fields: [job.change.action] },
    ];
    if (!(await this.deps.isLatestChange(job.appointmentId, job.id))) {
      await this.deps.written(job.id, []);
      return { ok: true };
    }
    const result = await this.batcher.submit(job);
    if (result.ok) await this.deps.written(job.id, records);
    return result;
  }

  drain(): Promise<void> {
    return this.batcher.drain();
  }
}
