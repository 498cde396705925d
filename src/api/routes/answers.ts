import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { TelesyncConfig } from "../../config/schema.js";
import { questionTypeSchema } from "../../config/script-schema.js";
import { decodeLeaseId } from "../../dialer/lease-id.js";
import { validateAnswers } from "../../scripts/validate-answers.js";
import type { ApiDependencies } from "../dependencies.js";
import { ApiError } from "../errors.js";
import { campaignParams } from "../schemas.js";

const answerDistributionSchema = z
  .object({
    campaign: z.string(),
    outcomes: z.number().int().describe("accepted outcomes that carried answers"),
    questions: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        type: questionTypeSchema,
        answered: z.number().int(),
        counts: z
          .record(z.string(), z.number().int())
          .optional()
          .describe("choice: answers per option; yes-no: yes and no"),
        numbers: z
          .object({
            min: z.number(),
            max: z.number(),
            mean: z.number(),
            histogram: z.array(
              z.object({
                from: z.number().optional().describe("inclusive; absent: unbounded"),
                to: z.number().optional().describe("exclusive; absent: unbounded"),
                count: z.number().int(),
              }),
            ),
          })
          .optional()
          .describe("number questions with answers"),
      }),
    ),
  })
  .meta({ id: "AnswerDistribution" });

/**
 * Why an outcome's answers are refused (400 `invalid_request`, a detail per question at
 * `body.answers.<id>`), if they are. A lease id that does not decode is left to the outcome (404).
 */
export function answersProblem(
  config: Pick<TelesyncConfig, "campaigns">,
  leaseId: string,
  answers: Record<string, unknown> | undefined,
): ApiError | undefined {
  // Most outcomes carry no answers: then no second decode of the lease id.
  if (answers === undefined) return undefined;
  const campaign = decodeLeaseId(leaseId)?.campaign;
  if (campaign === undefined) return undefined;
  const script = Object.hasOwn(config.campaigns, campaign) ? config.campaigns[campaign]?.script : undefined;
  const details = script
    ? validateAnswers(script, answers).map((p) => ({
        path: `body.answers.${p.questionId}`,
        message: p.message,
      }))
    : [{ path: "body.answers", message: `campaign "${campaign}" has no script to answer` }];
  if (details.length === 0) return undefined;
  return new ApiError(
    400,
    "invalid_request",
    details.map((d) => `${d.path}: ${d.message}`).join("; "),
    details,
  );
}

/** A scripted campaign's answers per question: how surveys and outreach are judged. */
export function registerAnswerRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    "/v1/campaigns/:campaign/answers",
    { schema: { params: campaignParams, response: { 200: answerDistributionSchema } } },
    async (request) => {
      const { campaign } = request.params;
      const config = Object.hasOwn(deps.config.campaigns, campaign)
        ? deps.config.campaigns[campaign]
        : undefined;
      if (!config) throw new ApiError(404, "not_found", `unknown campaign "${campaign}"`);
      if (!config.script) throw new ApiError(404, "not_found", `campaign "${campaign}" has no script`);
      return { campaign, ...(await deps.outcomes.answerDistribution(campaign, config.script)) };
    },
  );
}
