import { randomUUID } from "node:crypto";

const dispositions = ["connected", "no_answer", "voicemail", "busy", "not_interested", "no_answer"] as const;
const notes = ["Asked for pricing", "Call back next quarter", "Wrong department", "Interested in a demo", ""];

export interface AgentRun {
  leases: number;
  outcomes: number;
  byDisposition: Map<string, number>;
  revokedPhone?: string;
}

/** Agents on the HTTP API: lease, "talk", report a mix of outcomes; one caller revokes consent. */
export async function simulateAgents(options: {
  url: string;
  apiKey: string;
  campaigns: string[];
  agents: number;
  callsPerCampaign: number;
}): Promise<AgentRun> {
  const run: AgentRun = { leases: 0, outcomes: 0, byDisposition: new Map() };
  const headers = { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" };
  for (const campaign of options.campaigns) {
    let remaining = options.callsPerCampaign;
    await Promise.all(
      Array.from({ length: options.agents }, async (_v, agent) => {
        while (remaining-- > 0) {
          const leased = await fetch(`${options.url}/v1/campaigns/${campaign}/leases`, {
            method: "POST",
            headers,
          });
          if (leased.status === 204) return;
          if (leased.status !== 200)
            throw new Error(`lease on ${campaign}: HTTP ${leased.status} ${await leased.text()}`);
          const lease = (await leased.json()) as { leaseId: string; lead: { phone: string } };
          run.leases++;
          const n = run.leases;
          const disposition = dispositions[n % dispositions.length] as string;
          const revoke = run.revokedPhone === undefined && disposition === "connected" && n > 10;
          if (revoke) run.revokedPhone = lease.lead.phone;
          const response = await fetch(`${options.url}/v1/leases/${lease.leaseId}/outcome`, {
            method: "POST",
            headers,
            body: JSON.stringify({
              outcomeId: randomUUID(),
              disposition,
              startedAt: new Date().toISOString(),
              durationSec: disposition === "connected" ? 60 + (n % 240) : 0,
              direction: "outbound",
              agent: { id: `agent-${agent + 1}` },
              notes: notes[n % notes.length] || undefined,
              ...(revoke ? { consent: { phone: "revoked" } } : {}),
            }),
          });
          if (response.status !== 202)
            throw new Error(`outcome on ${campaign}: HTTP ${response.status} ${await response.text()}`);
          run.outcomes++;
          run.byDisposition.set(disposition, (run.byDisposition.get(disposition) ?? 0) + 1);
        }
      }),
    );
  }
  return run;
}
