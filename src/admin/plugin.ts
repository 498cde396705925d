import { readFile } from "node:fs/promises";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import fastifyCookie from "@fastify/cookie";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Redis } from "../queues/connection.js";
import { AdminData, type AdminDependencies } from "./admin-data.js";
import { AdminSessions, adminCookie, adminSessionTtlMs } from "./admin-session.js";

export interface AdminPluginDependencies extends AdminDependencies {
  redis: Redis;
  prefix: string;
  /** The name of the API key if it may administer (admin scope), else undefined. */
  adminKeyName(presentedKey: string): string | undefined;
  /** Every BullMQ queue of this deployment, for the bundled queue dashboard. */
  queues(): Queue[];
}

/** Paths the API's bearer-key hook leaves to this plugin (it checks sessions and keys itself). */
export const adminPaths = [/^\/admin(\/|$)/, /^\/v1\/admin\//];

const publicDir = new URL("./public/", import.meta.url);
const assets: Record<string, string> = {
  "app.js": "text/javascript; charset=utf-8",
  "dom.js": "text/javascript; charset=utf-8",
  "over-time.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};
/** Header a cookie-authenticated change must carry: a cross-site form cannot set it (CSRF). */
const changeHeader = "x-telesync-admin";

const sourceParams = z.strictObject({ source: z.string().min(1).max(64) });
const campaignParams = z.strictObject({ campaign: z.string().min(1).max(64) });
const leadParams = z.strictObject({ leadKey: z.string().min(3).max(400) });
const deadLetterParams = z.strictObject({ id: z.string().min(1).max(300) });
const previewQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(20) });

function notFound(reply: FastifyReply, what: string) {
  return reply.code(404).send({ error: "not_found", message: `unknown ${what}` });
}

/**
 * The admin page at `/admin` (static, no build step at run time), its JSON under `/v1/admin/`, and
 * bull-board under `/admin/queues`. Admin-scoped API keys only: by bearer header, or by a session
 * cookie the page gets in exchange for one.
 */
export function adminPlugin(deps: AdminPluginDependencies) {
  const data = new AdminData(deps);
  const sessions = new AdminSessions(deps.redis, deps.prefix);

  async function holder(request: FastifyRequest): Promise<{ name: string; byCookie: boolean } | undefined> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (bearer) {
      const name = deps.adminKeyName(bearer);
      return name ? { name, byCookie: false } : undefined;
    }
    const name = await sessions.holder(request.cookies[adminCookie]);
    return name ? { name, byCookie: true } : undefined;
  }

  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      await scope.register(fastifyCookie);
      const api = scope.withTypeProvider<ZodTypeProvider>();
      const open = new Set(["/admin", "/admin/", "/admin/session"]);
      scope.addHook("onRequest", async (request, reply) => {
        const path = request.url.split("?")[0] ?? "";
        if (open.has(path) || path.startsWith("/admin/assets/")) return;
        const who = await holder(request);
        if (!who) {
          return reply
            .code(401)
            .send({ error: "unauthorized", message: "an admin API key or an admin session is required" });
        }
        if (who.byCookie && request.method !== "GET" && request.headers[changeHeader] !== "1") {
          return reply.code(403).send({
            error: "admin_change_header_missing",
            message: `changes need the ${changeHeader}: 1 header`,
          });
        }
      });

      scope.get("/admin", async (_request, reply) =>
        reply.type("text/html; charset=utf-8").send(await readFile(new URL("index.html", publicDir))),
      );
      scope.get("/admin/", async (_request, reply) => reply.redirect("/admin"));
      api.get(
        "/admin/assets/:file",
        { schema: { params: z.strictObject({ file: z.string().max(32) }) } },
        async (request, reply) => {
          const type = Object.hasOwn(assets, request.params.file) ? assets[request.params.file] : undefined;
          if (!type) return notFound(reply, "asset");
          return reply.type(type).send(await readFile(new URL(request.params.file, publicDir)));
        },
      );

      api.post(
        "/admin/session",
        { schema: { body: z.strictObject({ key: z.string().min(1).max(512) }) } },
        async (request, reply) => {
          const name = deps.adminKeyName(request.body.key);
          if (!name) {
            return reply.code(401).send({ error: "unauthorized", message: "not an admin API key" });
          }
          const sessionId = await sessions.open(name);
          return reply
            .setCookie(adminCookie, sessionId, {
              path: "/",
              httpOnly: true,
              sameSite: "strict",
              secure: request.protocol === "https",
              maxAge: adminSessionTtlMs / 1000,
            })
            .send({ ok: true, keyName: name });
        },
      );
      scope.delete("/admin/session", async (request, reply) => {
        await sessions.close(request.cookies[adminCookie]);
        return reply.clearCookie(adminCookie, { path: "/" }).send({ ok: true });
      });

      api.get("/v1/admin/overview", async () => data.overview());
      api.get(
        "/v1/admin/sources/:source/preview",
        { schema: { params: sourceParams, querystring: previewQuery } },
        async (request, reply) => {
          const preview = await data.preview(request.params.source, request.query.limit);
          return preview ?? notFound(reply, `source "${request.params.source}"`);
        },
      );
      api.post(
        "/v1/admin/sources/:source/sync",
        { schema: { params: sourceParams } },
        async (request, reply) => {
          if (!deps.config.sources.some((s) => s.id === request.params.source))
            return notFound(reply, `source "${request.params.source}"`);
          await deps.triggerSync(request.params.source);
          return reply.code(202).send({ accepted: true, source: request.params.source });
        },
      );
      api.get(
        "/v1/admin/campaigns/:campaign",
        { schema: { params: campaignParams } },
        async (request, reply) => {
          const report = Object.hasOwn(deps.config.campaigns, request.params.campaign)
            ? await data.campaign(request.params.campaign)
            : undefined;
          return report ?? notFound(reply, `campaign "${request.params.campaign}"`);
        },
      );
      api.get("/v1/admin/leads/:leadKey", { schema: { params: leadParams } }, async (request) =>
        data.lead(request.params.leadKey),
      );
      api.get("/v1/admin/dead-letters", async () => data.deadLetters());
      api.post(
        "/v1/admin/dead-letters/:id/replay",
        { schema: { params: deadLetterParams } },
        async (request, reply) =>
          (await deps.deadLetters.replay(request.params.id))
            ? reply.code(202).send({ replayed: true })
            : notFound(reply, "dead letter"),
      );
      api.delete(
        "/v1/admin/dead-letters/:id",
        { schema: { params: deadLetterParams } },
        async (request, reply) =>
          (await deps.deadLetters.discard(request.params.id))
            ? reply.send({ discarded: true })
            : notFound(reply, "dead letter"),
      );

      const board = new FastifyAdapter();
      createBullBoard({
        queues: deps.queues().map((queue) => new BullMQAdapter(queue)),
        serverAdapter: board,
      });
      board.setBasePath("/admin/queues");
      await scope.register(board.registerPlugin(), { prefix: "/admin/queues" });
    });
  };
}
