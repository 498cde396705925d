import { z } from "zod";
import { notFound, validationError } from "./errors.js";
import type { RouteSpec } from "./route.js";
import type { HubspotSandbox } from "./sandbox.js";
import {
  batchReply,
  objectTypeOr404,
  parseOr400,
  propertyListSchema,
  ReplyError,
  serialize,
} from "./wire.js";

const typeParams = z.object({ objectType: z.string() });
const objectParams = z.object({ objectType: z.string(), objectId: z.string() });

const pageQuery = z.object({
  limit: z.coerce.number().int().positive().optional(),
  after: z.string().regex(/^\d+$/).optional(),
  properties: propertyListSchema,
  archived: z.enum(["true", "false"]).optional(),
});

const batchReadBody = z.object({
  inputs: z.array(z.object({ id: z.string() })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});

/** `GET /crm/v3/objects/{type}`, `GET …/{type}/{id}`, `POST …/{type}/batch/read`. */
export function readRoutes(sandbox: HubspotSandbox): RouteSpec[] {
  const { store } = sandbox;
  return [
    {
      method: "GET",
      url: "/crm/v3/objects/:objectType",
      kind: "{type}.list",
      handler: ({ params, query }) => {
        const type = objectTypeOr404(store, parseOr400(typeParams, params).objectType);
        const q = parseOr400(pageQuery, query);
        const limit = q.limit ?? 10;
        if (limit > 100) throw new ReplyError(validationError("limit must be at most 100"));
        const all = q.archived === "true" ? store.listArchived(type) : store.listLive(type);
        const start = q.after === undefined ? 0 : Number(q.after);
        const from = all.filter((o) => o.num >= start);
        const page = from.slice(0, limit);
        const next = from[limit];
        const body: Record<string, unknown> = { results: page.map((o) => serialize(o, q.properties)) };
        if (next) body.paging = { next: { after: next.id, link: `?after=${next.id}` } };
        return { status: 200, body };
      },
    },
    {
      method: "GET",
      url: "/crm/v3/objects/:objectType/:objectId",
      kind: "{type}.get",
      handler: ({ params, query }) => {
        const p = parseOr400(objectParams, params);
        const type = objectTypeOr404(store, p.objectType);
        const object = store.live(type, p.objectId);
        if (!object) throw new ReplyError(notFound(`Object not found.  objectId are usually numeric.`));
        return { status: 200, body: serialize(object, parseOr400(pageQuery, query).properties) };
      },
    },
    {
      method: "POST",
      url: "/crm/v3/objects/:objectType/batch/read",
      kind: "{type}.batchRead",
      handler: ({ params, body }) => {
        const type = objectTypeOr404(store, parseOr400(typeParams, params).objectType);
        const input = parseOr400(batchReadBody, body);
        if (input.inputs.length > 100)
          throw new ReplyError(validationError("Batch size must be at most 100"));
        const startedAt = Date.now();
        const results = new Map<string, Record<string, unknown>>();
        const missing: string[] = [];
        for (const { id } of input.inputs) {
          // A merged-away id answers with its survivor.
          const object = store.live(type, id);
          if (object) results.set(object.id, serialize(object, input.properties));
          else missing.push(id);
        }
        const errors =
          missing.length === 0
            ? []
            : [
                {
                  status: "error",
                  category: "OBJECT_NOT_FOUND",
                  message: `Could not get some ${type.slice(0, -1).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
                  context: { ids: missing },
                },
              ];
        return batchReply(200, [...results.values()], errors, startedAt);
      },
    },
  ];
}
