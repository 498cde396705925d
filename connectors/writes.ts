import type { ErrorClass } from "../src/errors.js";

/** What the core hands a connector to write, and what each write answers, record by record. */

/** A call outcome as the connector writes it: every value already mapped to the CRM's vocabulary. */
export interface ActivityWrite {
  /** Idempotency key; stored on the activity (Task.CallObject, a HubSpot call property). */
  outcomeId: string;
  lead: { objectType: string; crmId: string; membershipId?: string };
  call: {
    direction: "outbound" | "inbound";
    startedAt: string;
    durationSec: number;
    /** CRM disposition value (Salesforce CallDisposition text, HubSpot outcome GUID). */
    disposition?: string;
    /** CRM call status (HubSpot hs_call_status / Salesforce Task.Status). */
    status?: string;
    subject: string;
    notes?: string;
    recordingUrl?: string;
    toNumber?: string;
    fromNumber?: string;
    /** CRM user/owner id of the agent. */
    ownerId?: string;
  };
  /** Field updates on the lead record (e.g. Salesforce Lead.Status, HubSpot hs_lead_status). */
  leadUpdates?: Record<string, string | number | boolean | null>;
  /** New status of the membership (CampaignMember.Status). */
  membershipStatus?: string;
  /** Do-not-call change to write to the lead record. */
  doNotCall?: boolean;
  /**
   * The call broke a compliance rule telesync enforces (e.g. started after its lease's `notAfter`):
   * written, because it happened, with this line first in the activity's notes.
   */
  complianceFlag?: string;
  /** An appointment set on the call (Salesforce Event, HubSpot meeting), written with it. */
  appointment?: AppointmentWrite;
}

/** An appointment as the connector writes it; `appointmentId` is stored on it so a retry finds it. */
export interface AppointmentWrite {
  /** Derived from the outcomeId: the same outcome always names the same appointment. */
  appointmentId: string;
  /** ISO 8601 in UTC. */
  startsAt: string;
  endsAt: string;
  title: string;
  notes?: string;
  location?: string;
  /** CRM user/owner id. */
  ownerId?: string;
}

export type WriteResult =
  | {
      outcomeId: string;
      ok: true;
      activityId: string;
      alreadyExisted: boolean;
      /** The Event / meeting of the write's appointment, when it had one. */
      appointmentRecordId?: string;
    }
  | { outcomeId: string; ok: false; error: ErrorClass };

/**
 * A lead record telesync creates for a caller no record matched (`inbound.policy: create-lead`).
 * Written as an upsert on `idField`, a unique / External ID field the admin creates holding
 * `createId`: the same call always names the same record, so retries and lost answers create it once.
 */
export interface LeadCreate {
  /** Derived from the outcomeId. */
  createId: string;
  /** Salesforce `Lead`, HubSpot `contacts`. */
  objectType: string;
  idField: string;
  /** Field values, already in the CRM's names (the config's mapping applied). */
  fields: Record<string, string>;
}

export type LeadCreateResult =
  | { createId: string; ok: true; crmId: string; created: boolean }
  | { createId: string; ok: false; error: ErrorClass };

/**
 * A change of an appointment already in the CRM, by its record id (from the outcome's receipt):
 * a new time, or a cancellation. Both are idempotent writes: the same change twice is one change.
 */
export interface AppointmentChange {
  /** The dialer's id for this change (idempotency key). */
  changeId: string;
  /** The Event / meeting (as in `appointments.objectType`). */
  recordId: string;
  change:
    | {
        action: "reschedule";
        /** ISO 8601 in UTC. */
        startsAt: string;
        endsAt: string;
        title?: string;
        notes?: string;
        location?: string;
      }
    | { action: "cancel" };
}

export type AppointmentChangeResult =
  | { changeId: string; ok: true }
  | { changeId: string; ok: false; error: ErrorClass };

/** A do-not-call change written without a call (from /v1/consent or CRM-side events). */
export interface ConsentWrite {
  id: string;
  lead: { objectType: string; crmId: string };
  doNotCall: boolean;
}

export type ConsentResult = { id: string; ok: true } | { id: string; ok: false; error: ErrorClass };
