import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { LeaseError } from "../dialer/errors.js";
import { OutcomeConflictError } from "../outcomes/errors.js";
import { bearerKeyChecker } from "./auth.js";
import type { ApiDependencies } from "./dependencies.js";
import { registerDecisionRoutes } from "./routes/decisions.js";
import { registerDialerRoutes } from "./routes/dialer.js";
import { registerOpsRoutes } from "./routes/ops.js";

export type { ApiDependencies } from "./dependencies.js";

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
  const authorized = bearerKeyChecker(deps.config.api.keys);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (openPaths.some((open) => open.test(path))) return;
    if (!authorized(request.headers.authorization)) {
      return reply.code(401).send({ error: "unauthorized", message: "missing or wrong bearer API key" });
    }
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof LeaseError)
      return reply.code(error.status).send({ error: "lease", message: error.message });
    if (error instanceof OutcomeConflictError)
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
    deps.log.error({ err: error }, "API error");
    return reply.code(500).send({ error: "internal", message: "internal error; see the server log" });
  });
  registerDialerRoutes(app, deps);
  registerOpsRoutes(app, deps);
  registerDecisionRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
