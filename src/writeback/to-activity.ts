import type { ActivityWrite } from "../../connectors/types.js";
import type { IntegrationConfig } from "../config/schema.js";
import type { OutcomeJob } from "./jobs.js";

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function agentOwner(
  integration: IntegrationConfig,
  agent: OutcomeJob["outcome"]["agent"],
): string | undefined {
  const owners =
    integration.vendor === "salesforce"
      ? integration.writeback.agentUsers
      : integration.writeback.agentOwners;
  return (agent?.id && owners[agent.id]) || (agent?.email && owners[agent.email]) || undefined;
}

/** `no_answer` → `No answer`: a canonical disposition as people read it. */
export function dispositionLabel(disposition: string): string {
  const words = disposition.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What `{disposition}` means in a subject/title template: the words a person reads. Salesforce's
 * CallDisposition value is text ("Left Voicemail"), so the mapped value is kept; HubSpot's
 * `hs_call_disposition` is an outcome GUID, so the title gets the canonical disposition's label.
 */
function titleDisposition(integration: IntegrationConfig, disposition: string, mapped?: string): string {
  if (integration.vendor === "salesforce" && mapped) return mapped;
  return dispositionLabel(disposition);
}

/** Outcome → the activity write a connector understands, via the integration's mappings. Pure. */
export function toActivityWrite(job: OutcomeJob, integration: IntegrationConfig): ActivityWrite {
  const { outcome, lead } = job;
  const mapped = integration.dispositions[outcome.disposition];
  const template =
    integration.vendor === "salesforce" ? integration.writeback.subject : integration.writeback.title;
  const label = titleDisposition(integration, outcome.disposition, mapped?.value);
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
      subject: fill(template, { disposition: label, campaign: outcome.campaign }),
      ...(mapped ? { disposition: mapped.value } : {}),
      ...(mapped?.callStatus ? { status: mapped.callStatus } : {}),
      ...(outcome.notes ? { notes: outcome.notes } : {}),
      ...(outcome.recordingUrl ? { recordingUrl: outcome.recordingUrl } : {}),
      ...(lead.phone ? { toNumber: lead.phone } : {}),
    },
  };
  const owner = agentOwner(integration, outcome.agent);
  if (owner) write.call.ownerId = owner;
  if (mapped?.leadUpdates) write.leadUpdates = mapped.leadUpdates;
  if (mapped?.memberStatus && lead.membershipId) write.membershipStatus = mapped.memberStatus;
  if (outcome.consentRevoked) write.doNotCall = true;
  return write;
}
