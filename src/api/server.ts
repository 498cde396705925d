import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { ApiScope } from "../config/api-keys.js";
import { ConsentError } from "../consent/consent-error.js";
import type { ConsentService } from "../consent/consent-service.js";
import { LeaseError } from "../dialer/errors.js";
import type { LeaseService } from "../dialer/lease-service.js";
import type { Metrics } from "../observability/metrics.js";
import type { Telesync } from "../runtime/telesync.js";
import type { SyncTrigger } from "../sync/trigger.js";
import type { DeadLetterQueue } from "../writeback/dead-letter.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import { ApiKeyStore, isAdmin, type Principal } from "./auth.js";
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
  /** Extra routes that bring their own authentication (webhook receivers verify signatures). */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The caller, set by the authentication hook (undefined on open paths). */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; routes that declare none are admin-only. */
    scope?: ApiScope;
  }
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
  const keys = new ApiKeyStore(deps.telesync.config.api.keys);
  deps.telesync.log.info({ keys: ApiKeyStore.describe(deps.telesync.config.api.keys) }, "API keys");
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (openPaths.some((open) => open.test(path))) return;
    const principal = keys.authenticate(request.headers.authorization);
    if (!principal) {
      return reply.code(401).send({ error: "unauthorized", message: "missing or wrong bearer API key" });
    }
    request.principal = principal;
    const scope = request.routeOptions.config.scope ?? "admin";
    if (!principal.scopes.has(scope) && !isAdmin(principal)) {
      return reply
        .code(403)
        .send({ error: "forbidden_scope", message: `key "${principal.keyName}" lacks the ${scope} scope` });
    }
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof LeaseError)
      return reply.code(error.status).send({ error: "lease", message: error.message });
    if (error instanceof ConsentError)
      return reply.code(error.status).send({ error: error.code, message: error.message });
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
