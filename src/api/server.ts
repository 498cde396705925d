import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { ConsentService } from "../consent/consent-service.js";
import { LeaseError } from "../dialer/errors.js";
import type { LeaseService } from "../dialer/lease-service.js";
import type { Metrics } from "../observability/metrics.js";
import type { Telesync } from "../runtime/telesync.js";
import type { SyncTrigger } from "../sync/trigger.js";
import type { DeadLetterQueue } from "../writeback/dead-letter.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import { bearerKeyChecker } from "./auth.js";
import type { HealthOptions } from "./health.js";
import { isRedisUnavailable, redisReady, sendRedisUnavailable } from "./redis-unavailable.js";
import { registerDecisionRoutes } from "./routes/decisions.js";
import { registerDialerRoutes } from "./routes/dialer.js";
import { registerOpsRoutes } from "./routes/ops.js";

export interface ApiDependencies {
  telesync: Telesync;
  leases: LeaseService;
  consent: ConsentService;
  intake: WritebackIntake;
  deadLetters: DeadLetterQueue;
  metrics: Metrics;
  trigger: SyncTrigger;
  health?: HealthOptions;
  /** Extra routes that bring their own authentication (webhook receivers verify signatures). */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

/** Paths that answer without an API key: health for orchestrators, webhooks (signature-checked). */
const openPaths = [/^\/healthz$/, /^\/webhooks\//];

export async function buildApi(deps: ApiDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
    // Lease ids carry campaign, lead key and lock token: longer than the default 100.
    routerOptions: { maxParamLength: 600 },
  }).withTypeProvider<ZodTypeProvider>();
  // Dialers often POST with a JSON content type and no body (leases, extend, release): that is {}.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    if (body === "") return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(
        Object.assign(new Error("body is not valid JSON"), { statusCode: 400, code: "invalid_json" }),
        undefined,
      );
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const authorized = bearerKeyChecker(deps.telesync.config.api.keys);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (openPaths.some((open) => open.test(path))) return;
    if (!authorized(request.headers.authorization)) {
      return reply.code(401).send({ error: "unauthorized", message: "missing or wrong bearer API key" });
    }
    // Redis away: answer at once rather than let the request wait for a reconnect.
    if (!redisReady([deps.telesync.redis])) return sendRedisUnavailable(reply);
  });
  app.setErrorHandler((error, _request, reply) => {
    if (isRedisUnavailable(error)) return sendRedisUnavailable(reply);
    if (error instanceof LeaseError)
      return reply.code(error.status).send({ error: "lease", message: error.message });
    const fastifyError = error as {
      validation?: unknown;
      statusCode?: number;
      message: string;
      code?: string;
    };
    if (fastifyError.validation) {
      return reply.code(400).send({ error: "invalid_request", message: fastifyError.message });
    }
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      return reply
        .code(fastifyError.statusCode)
        .send({ error: fastifyError.code ?? "bad_request", message: fastifyError.message });
    }
    deps.telesync.log.error({ err: error }, "API error");
    return reply.code(500).send({ error: "internal", message: "internal error; see the server log" });
  });
  registerDialerRoutes(app, deps);
  registerOpsRoutes(app, deps);
  registerDecisionRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
