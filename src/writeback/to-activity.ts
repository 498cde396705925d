import { vendorFor } from "../../connectors/registry.js";
import type { ActivitySettings, ActivityWrite } from "../../connectors/types.js";
import type { IntegrationConfig } from "../config/schema.js";
import type { OutcomeJob } from "./jobs.js";

/** What turning an outcome into a CRM activity needs of its integration, whatever the vendor. */
export interface WritebackSettings {
  /** Canonical disposition → the CRM's values. */
  dispositions: IntegrationConfig["dispositions"];
  /** Subject template and agent → CRM user, normalised by the integration's connector. */
  activity: ActivitySettings;
}

/** An integration's writeback settings; the vendor's own names for them stay in its connector. */
export function writebackSettings(integration: IntegrationConfig): WritebackSettings {
  return { dispositions: integration.dispositions, activity: vendorFor(integration).activitySettings() };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function agentOwner(
  owners: Record<string, string>,
  agent: OutcomeJob["outcome"]["agent"],
): string | undefined {
  return (agent?.id && owners[agent.id]) || (agent?.email && owners[agent.email]) || undefined;
}

/** The appointment id of an outcome: stable, so a retry names (and finds) the same appointment. */
export function appointmentIdOf(outcomeId: string): string {
  return `${outcomeId}#appointment`;
}

/** Outcome → the activity write a connector understands, via the integration's mappings. Pure. */
export function toActivityWrite(job: OutcomeJob, settings: WritebackSettings): ActivityWrite {
  const { outcome, lead } = job;
  const mapped = settings.dispositions[outcome.disposition];
  const label = mapped?.value ?? outcome.disposition;
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
      ...(outcome.notes ? { notes: outcome.notes } : {}),
      ...(outcome.recordingUrl ? { recordingUrl: outcome.recordingUrl } : {}),
      ...(lead.phone ? { toNumber: lead.phone } : {}),
    },
  };
  const owner = agentOwner(settings.activity.agentOwners, outcome.agent);
  if (owner) write.call.ownerId = owner;
  if (mapped?.leadUpdates) write.leadUpdates = mapped.leadUpdates;
  if (mapped?.memberStatus && lead.membershipId) write.membershipStatus = mapped.memberStatus;
  if (outcome.consentRevoked) write.doNotCall = true;
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
