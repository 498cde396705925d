import { vendorFor } from "../../connectors/registry.js";
import type { ActivitySettings, ActivityWrite } from "../../connectors/types.js";
import { ownEntry } from "../config/lookup.js";
import type { CampaignConfig, IntegrationConfig } from "../config/schema.js";
import type { Script } from "../config/script-schema.js";
import { answerFieldUpdates, surveySummary } from "../scripts/answer-fields.js";
import type { OutcomeJob } from "./jobs.js";

/** What turning an outcome into a CRM activity needs of its integration, whatever the vendor. */
export interface WritebackSettings {
  /** Canonical disposition → the CRM's values. */
  dispositions: IntegrationConfig["dispositions"];
  /** Subject template and agent → CRM user, normalised by the integration's connector. */
  activity: ActivitySettings;
  /** Script question id → CRM field (`answerFields`); absent: answers only in the notes. */
  answerFields?: IntegrationConfig["answerFields"];
  /** Campaign → its script: question texts for the notes' survey summary, types for the fields. */
  scripts?: Readonly<Record<string, Script>>;
}

/** An integration's writeback settings; the vendor's own names for them stay in its connector. */
export function writebackSettings(
  integration: IntegrationConfig,
  scripts: Readonly<Record<string, Script>> = {},
): WritebackSettings {
  return {
    dispositions: integration.dispositions,
    activity: vendorFor(integration).activitySettings(),
    answerFields: integration.answerFields,
    scripts,
  };
}

/** The scripts of the campaigns that have one. */
export function campaignScripts(campaigns: Readonly<Record<string, CampaignConfig>>): Record<string, Script> {
  return Object.fromEntries(
    Object.entries(campaigns).flatMap(([name, c]) => (c.script ? [[name, c.script]] : [])),
  );
}

/** Salesforce Task.Description holds 32k characters; HubSpot's call body more. */
const notesLimit = 32_000;

/** The dialer's notes, then the survey summary, within the notes limit. */
function notesWithSurvey(notes: string | undefined, survey: string | undefined): string | undefined {
  const joined = [notes, survey].filter((part) => part !== undefined && part !== "").join("\n\n");
  if (joined === "") return undefined;
  return joined.length > notesLimit ? `${joined.slice(0, notesLimit - 1)}…` : joined;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function agentOwner(
  owners: Record<string, string>,
  agent: OutcomeJob["outcome"]["agent"],
): string | undefined {
  return (
    (agent?.id && ownEntry(owners, agent.id)) || (agent?.email && ownEntry(owners, agent.email)) || undefined
  );
}

/** `no_answer` → `No answer`: a canonical disposition as people read it. */
export function dispositionLabel(disposition: string): string {
  const words = disposition.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What `{disposition}` means in a subject/title template: the words a person reads. Where the CRM's
 * disposition value is text (Salesforce CallDisposition), the mapped value; where it is an id
 * (HubSpot's outcome GUIDs), the canonical disposition's label. The connector says which.
 */
function titleDisposition(activity: ActivitySettings, disposition: string, mapped?: string): string {
  if (activity.dispositionValueIsText && mapped) return mapped;
  return dispositionLabel(disposition);
}

/** The appointment id of an outcome: stable, so a retry names (and finds) the same appointment. */
export function appointmentIdOf(outcomeId: string): string {
  return `${outcomeId}#appointment`;
}

/** Outcome → the activity write a connector understands, via the integration's mappings. Pure. */
export function toActivityWrite(job: OutcomeJob, settings: WritebackSettings): ActivityWrite {
  const { outcome, lead } = job;
  const script = settings.scripts?.[outcome.campaign];
  const notes = notesWithSurvey(
    job.complianceFlag ? [job.complianceFlag, outcome.notes].filter(Boolean).join("\n\n") : outcome.notes,
    outcome.answers && surveySummary(outcome.answers, script),
  );
  const mapped = ownEntry(settings.dispositions, outcome.disposition);
  const label = titleDisposition(settings.activity, outcome.disposition, mapped?.value);
  const write: ActivityWrite = {
    outcomeId: outcome.outcomeId,
    lead: {
      objectType: lead.objectType,
      crmId: lead.crmId,
      ...(lead.membershipId ? { membershipId: lead.membershipId } : {}),
    },
    call: {
      direction: outcome.direction,
      startedAt: outcome.startedAt,
      durationSec: outcome.durationSec,
      subject: fill(settings.activity.subjectTemplate, { disposition: label, campaign: outcome.campaign }),
      ...(mapped ? { disposition: mapped.value } : {}),
      ...(mapped?.callStatus ? { status: mapped.callStatus } : {}),
      ...(notes ? { notes } : {}),
      ...(outcome.recordingUrl ? { recordingUrl: outcome.recordingUrl } : {}),
      ...(lead.phone ? { toNumber: lead.phone } : {}),
    },
  };
  const owner = agentOwner(settings.activity.agentOwners, outcome.agent);
  if (owner) write.call.ownerId = owner;
  // Answers ride in the same record update as the disposition's, so the outcomeId makes both exactly once.
  const answerUpdates =
    outcome.answers && settings.answerFields
      ? answerFieldUpdates(outcome.answers, settings.answerFields, script)
      : {};
  if (mapped?.leadUpdates || Object.keys(answerUpdates).length > 0)
    write.leadUpdates = { ...mapped?.leadUpdates, ...answerUpdates };
  if (mapped?.memberStatus && lead.membershipId) write.membershipStatus = mapped.memberStatus;
  if (outcome.consentRevoked) write.doNotCall = true;
  if (job.complianceFlag) write.complianceFlag = job.complianceFlag;
  const appointment = outcome.appointment;
  if (appointment) {
    const starts = Date.parse(appointment.startsAt);
    const appointmentOwner = agentOwner(settings.activity.agentOwners, appointment.owner ?? outcome.agent);
    write.appointment = {
      appointmentId: appointmentIdOf(outcome.outcomeId),
      startsAt: new Date(starts).toISOString(),
      endsAt: new Date(starts + appointment.durationMin * 60_000).toISOString(),
      title: appointment.title,
      ...(appointment.notes ? { notes: appointment.notes } : {}),
      ...(appointment.location ? { location: appointment.location } : {}),
      ...(appointmentOwner ? { ownerId: appointmentOwner } : {}),
    };
  }
  return write;
}
