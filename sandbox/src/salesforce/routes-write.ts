import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { notFound, SalesforceApiError } from "./errors.js";
import { apiVersion, fieldNamed, kind, type RouteContext } from "./http.js";
import { toId18 } from "./ids.js";
import { objectDef } from "./schema.js";
import { renderValue } from "./values.js";
import { createOne, deleteOne, saveAll, updateOne, upsertAll } from "./writes.js";

const MAX_RECORDS = 200;

const collectionBody = z.object({
  allOrNone: z.boolean().optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});
const deleteQuery = z.object({ ids: z.string().optional(), allOrNone: z.string().optional() });
const retrieveBody = z.object({ ids: z.array(z.string()), fields: z.array(z.string()) });

function tooMany(): SalesforceApiError {
  return new SalesforceApiError(
    400,
    "EXCEEDED_ID_LIMIT",
    `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`,
  );
}

/** sObject Collections: create, update, delete and retrieve up to 200 records per call, results in input order. */
export function writeRoutes({ app, sandbox, isLocked }: RouteContext): void {
  const parse = (request: FastifyRequest) => {
    apiVersion(request);
    const body = collectionBody.parse(request.body);
    if (body.records.length > MAX_RECORDS) throw tooMany();
    return { ...body, ctx: sandbox.writeContext(true, isLocked(request)) };
  };

  app.post("/data/:version/composite/sobjects", kind("composite-create"), async (request) => {
    const { records, allOrNone, ctx } = parse(request);
    sandbox.requests.recordCreateSize(records.length);
    return saveAll(ctx, records, allOrNone ?? false, (r) => createOne(ctx, r), false);
  });

  app.patch("/data/:version/composite/sobjects", kind("composite-update"), async (request) => {
    const { records, allOrNone, ctx } = parse(request);
    return saveAll(ctx, records, allOrNone ?? false, (r) => updateOne(ctx, r), true);
  });

  app.delete("/data/:version/composite/sobjects", kind("composite-delete"), async (request) => {
    apiVersion(request);
    const query = deleteQuery.parse(request.query);
    const ids = (query.ids ?? "").split(",").filter((id) => id !== "");
    if (ids.length > MAX_RECORDS) throw tooMany();
    const ctx = sandbox.writeContext(true, isLocked(request));
    return saveAll(ctx, ids, query.allOrNone === "true", (id) => deleteOne(ctx, id), true);
  });

  app.patch("/data/:version/composite/sobjects/:type/:field", kind("composite-upsert"), async (request) => {
    const { records, allOrNone, ctx } = parse(request);
    const params = request.params as { type: string; field: string };
    const def = objectDef(params.type);
    if (!def) throw notFound();
    const field = def.byName.get(params.field.toLowerCase());
    if (!field?.externalId) {
      throw new SalesforceApiError(
        400,
        "INVALID_FIELD",
        `Field ${params.field} is not an External ID or Id field on ${def.name}`,
      );
    }
    // Each record is checked before it changes anything, so allOrNone only needs the undo.
    if (!allOrNone) return upsertAll(ctx, def, field.name, records);
    let results: ReturnType<typeof upsertAll> = [];
    ctx.store.atomically(() => {
      results = upsertAll(ctx, def, field.name, records);
      return results.every((r) => r.success);
    });
    return results;
  });

  app.post("/data/:version/composite/sobjects/:type", kind("composite-retrieve"), async (request) => {
    const version = apiVersion(request);
    const def = objectDef((request.params as { type: string }).type);
    if (!def) throw notFound();
    const { ids, fields } = retrieveBody.parse(request.body);
    if (ids.length > 2000) throw tooMany();
    const defs = fields.map((name) => fieldNamed(def, name));
    return ids.map((raw) => {
      const id = toId18(raw);
      const record = id ? sandbox.store.get(id, def.name) : undefined;
      if (!record || record.IsDeleted) return null;
      const out: Record<string, unknown> = {
        attributes: {
          type: def.name,
          url: `/services/data/${version}/sobjects/${def.name}/${String(record.Id)}`,
        },
      };
      for (const field of defs) out[field.name] = renderValue(field, record[field.name]);
      return out;
    });
  });
}
