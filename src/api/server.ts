import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { adminPaths } from "../admin/plugin.js";
import type { ApiScope } from "../config/api-keys.js";
import { ApiKeyStore, isAdmin, type Principal } from "./auth.js";
import type { ApiDependencies } from "./dependencies.js";
import { toErrorReply } from "./errors.js";
import { isRedisUnavailable, redisReady, sendRedisUnavailable } from "./redis-unavailable.js";
import { registerAnswerRoutes } from "./routes/answers.js";
import { registerAppointmentRoutes } from "./routes/appointments.js";
import { registerDecisionRoutes } from "./routes/decisions.js";
import { registerDialerRoutes } from "./routes/dialer.js";
import { registerInboundRoutes } from "./routes/inbound.js";
import { registerLookupRoutes } from "./routes/lookup.js";
import { registerOpsRoutes } from "./routes/ops.js";
import { serializerCompiler } from "./serializer.js";

export type { ApiDependencies } from "./dependencies.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller, set by the authentication hook (undefined on open paths). */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs (any one of a list); routes that declare none are admin-only. */
    scope?: ApiScope | readonly ApiScope[];
  }
}

/**
 * Paths that answer without an API key: health for orchestrators, webhooks (signature-checked), the
 * API's own description, the admin page (its plugin checks admin keys and sessions itself). Under
 * /v1/ only /v1/admin/ is: the hook tests these for no other /v1/ path.
 */
const openPaths = [/^\/healthz$/, /^\/webhooks\//, /^\/openapi\.json$/, /^\/docs(\/|$)/, ...adminPaths];

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
  // The OpenAPI 3.1 document is generated from the routes' zod schemas: one source of truth.
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "telesync HTTP API",
        version: "1",
        description:
          "Lease callable leads, report call outcomes and consent changes; every error is { error, message, details? } with a stable code.",
      },
      components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
    hideUntagged: false,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  const keys = new ApiKeyStore(deps.config.api.keys);
  deps.log.info({ keys: ApiKeyStore.describe(deps.config.api.keys) }, "API keys");
  // Every request passes here: a callback hook (no promise per request), the scope list of a route
  // worked out once per route (its config object is the same for each of its requests).
  const scopesOf = new WeakMap<object, readonly ApiScope[]>();
  const redisConnections = [deps.redis];
  app.addHook("onRequest", (request, reply, done) => {
    // The API's own paths (/v1/…, bar /v1/admin/…) are never open: no regex run for them.
    const url = request.url;
    if (!url.startsWith("/v1/") || url.startsWith("/v1/admin/")) {
      const query = url.indexOf("?");
      const path = query < 0 ? url : url.slice(0, query);
      if (openPaths.some((open) => open.test(path))) return done();
    }
    const principal = keys.authenticate(request.headers.authorization);
    if (!principal) {
      reply.code(401).send({ error: "unauthorized", message: "missing or wrong bearer API key" });
      return;
    }
    request.principal = principal;
    const config = request.routeOptions.config;
    let scopes = scopesOf.get(config);
    if (!scopes) {
      scopes = [config.scope ?? "admin"].flat();
      scopesOf.set(config, scopes);
    }
    if (!scopes.some((scope) => principal.scopes.has(scope)) && !isAdmin(principal)) {
      reply.code(403).send({
        error: "forbidden_scope",
        message: `key "${principal.keyName}" lacks the ${scopes.join(" or ")} scope`,
      });
      return;
    }
    // Redis away: answer at once rather than let the request wait for a reconnect.
    if (!redisReady(redisConnections)) {
      sendRedisUnavailable(reply);
      return;
    }
    done();
  });
  app.setErrorHandler((error, _request, reply) => {
    if (isRedisUnavailable(error)) return sendRedisUnavailable(reply);
    const refused = toErrorReply(error);
    if (refused) return reply.code(refused.status).send(refused.body);
    deps.log.error({ err: error }, "API error");
    return reply.code(500).send({ error: "internal", message: "internal error; see the server log" });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: "route_not_found",
      message: `no route ${request.method} ${request.url.split("?")[0]} (see /openapi.json)`,
    }),
  );
  registerDialerRoutes(app, deps);
  registerOpsRoutes(app, deps);
  registerDecisionRoutes(app, deps);
  registerAnswerRoutes(app, deps);
  registerInboundRoutes(app, deps);
  registerLookupRoutes(app, deps);
  registerAppointmentRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
