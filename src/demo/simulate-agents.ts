import { randomUUID } from "node:crypto";
import { nextQuestionId } from "../config/script-branching.js";
import type { Answers, AnswerValue, Question, Script } from "../config/script-schema.js";

const dispositions = ["connected", "no_answer", "voicemail", "busy", "not_interested", "no_answer"] as const;
const notes = ["Asked for pricing", "Call back next quarter", "Wrong department", "Interested in a demo", ""];

export interface AgentRun {
  leases: number;
  outcomes: number;
  byDisposition: Map<string, number>;
  /** Leases per campaign, in the order the campaigns were given. */
  byCampaign: Map<string, number>;
  revokedPhone?: string;
}

/** A plausible answer to a question, varied by the call's number. */
function answerFor(question: Question, n: number): AnswerValue {
  switch (question.type) {
    case "choice":
      return question.options?.[n % question.options.length] ?? "";
    case "yes-no":
      return n % 3 !== 0;
    case "number":
      return Math.min(question.max ?? 40, (question.min ?? 0) + ((n * 7) % 25));
    case "text":
      return "lower taxes";
    case "date":
      return "2026-12-15";
  }
}

/** The answers of a respondent who answers every question the branching reaches. */
function surveyAnswers(script: Script, n: number): Answers {
  const answers: Answers = {};
  const indexOf = new Map(script.questions.map((q, i) => [q.id, i]));
  for (let i: number | undefined = 0; i !== undefined; ) {
    const question = script.questions[i] as Question;
    answers[question.id] = answerFor(question, n);
    i = indexOf.get(nextQuestionId(script.questions, i, answers[question.id]));
  }
  return answers;
}

/** Agents on the HTTP API: lease, "talk", report a mix of outcomes; one caller revokes consent. */
export async function simulateAgents(options: {
  url: string;
  apiKey: string;
  campaigns: string[];
  agents: number;
  callsPerCampaign: number;
}): Promise<AgentRun> {
  const run: AgentRun = { leases: 0, outcomes: 0, byDisposition: new Map(), byCampaign: new Map() };
  const headers = { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" };
  for (const campaign of options.campaigns) {
    run.byCampaign.set(campaign, 0);
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
          const lease = (await leased.json()) as {
            leaseId: string;
            lead: { phone: string };
            script?: Script;
          };
          run.leases++;
          run.byCampaign.set(campaign, (run.byCampaign.get(campaign) ?? 0) + 1);
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
              // A connected call on a scripted campaign went through the survey.
              ...(lease.script && disposition === "connected"
                ? { answers: surveyAnswers(lease.script, Math.floor(n / dispositions.length)) }
                : {}),
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
