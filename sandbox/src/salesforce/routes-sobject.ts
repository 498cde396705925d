import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { describeGlobal, describeObject } from "./describe.js";
import { notFound, SalesforceApiError } from "./errors.js";
import { apiVersion, fieldNamed, kind, type RouteContext } from "./http.js";
import { toId18 } from "./ids.js";
import { type ObjectDef, objectDef } from "./schema.js";
import { renderValue } from "./values.js";
import { createOne, deleteOne, type SaveResult, updateOne } from "./writes.js";

const typeParams = z.object({ type: z.string() });
const recordParams = z.object({ type: z.string(), id: z.string() });
const deletedQuery = z.object({ start: z.string().optional(), end: z.string().optional() });
const fieldsQuery = z.object({ fields: z.string().optional() });
const recordBody = z.record(z.string(), z.unknown());

function objectOf(request: FastifyRequest): ObjectDef {
  const def = objectDef(typeParams.parse(request.params).type);
  if (!def) throw notFound();
  return def;
}

/** A single-record failure as Salesforce answers it: 404 for a missing or deleted record, else 400. */
function failed(result: SaveResult): SalesforceApiError {
  const first = result.errors[0];
  const missing = first?.statusCode === "INVALID_CROSS_REFERENCE_KEY" && !first.fields.length;
  if (missing) return notFound();
  const status = first?.statusCode === "ENTITY_IS_DELETED" ? 404 : 400;
  return new SalesforceApiError(
    status,
    first?.statusCode ?? "UNKNOWN_EXCEPTION",
    first?.message ?? "",
    first?.fields,
  );
}

/** describe, describeGlobal, getDeleted, limits and single-record create/read/update/delete. */
export function sobjectRoutes({ app, sandbox, isLocked }: RouteContext): void {
  app.get("/data/:version/sobjects", kind("describeGlobal"), async (request) =>
    describeGlobal(apiVersion(request)),
  );

  app.get("/data/:version/sobjects/:type/describe", kind("describe"), async (request) =>
    describeObject(objectOf(request), apiVersion(request)),
  );

  app.get("/data/:version/sobjects/:type/deleted", kind("deleted"), async (request) => {
    const { start, end } = deletedQuery.parse(request.query);
    return sandbox.deleted(objectOf(request).name, start, end);
  });

  app.get("/data/:version/limits", kind("limits"), async () => ({
    DailyApiRequests: {
      Max: sandbox.apiLimit,
      Remaining: Math.max(0, sandbox.apiLimit - sandbox.requests.apiUsage),
    },
  }));

  app.post("/data/:version/sobjects/:type", kind("sobject-create"), async (request, reply: FastifyReply) => {
    const def = objectOf(request);
    const result = createOne(
      sandbox.writeContext(true, isLocked(request)),
      recordBody.parse(request.body),
      def.name,
    );
    if (!result.success) throw failed(result);
    return reply.code(201).send(result);
  });

  app.get("/data/:version/sobjects/:type/:id", kind("sobject-get"), async (request) => {
    const version = apiVersion(request);
    const def = objectOf(request);
    const id = toId18(recordParams.parse(request.params).id);
    const record = id ? sandbox.store.get(id, def.name) : undefined;
    if (!record || record.IsDeleted) throw notFound();
    const names = fieldsQuery.parse(request.query).fields?.split(",");
    const fields = names ? names.map((n) => fieldNamed(def, n)) : def.fields;
    const out: Record<string, unknown> = {
      attributes: {
        type: def.name,
        url: `/services/data/${version}/sobjects/${def.name}/${String(record.Id)}`,
      },
    };
    for (const field of fields) out[field.name] = renderValue(field, record[field.name]);
    return out;
  });

  app.patch("/data/:version/sobjects/:type/:id", kind("sobject-update"), async (request, reply) => {
    const def = objectOf(request);
    const { id } = recordParams.parse(request.params);
    const ctx = sandbox.writeContext(true, isLocked(request));
    const result = updateOne(ctx, { ...recordBody.parse(request.body), Id: id }, def.name);
    if (!result.success) throw failed(result);
    return reply.code(204).send();
  });

  app.delete("/data/:version/sobjects/:type/:id", kind("sobject-delete"), async (request, reply) => {
    const def = objectOf(request);
    const { id } = recordParams.parse(request.params);
    const result = deleteOne(sandbox.writeContext(true, isLocked(request)), id, def.name);
    if (!result.success) throw failed(result);
    return reply.code(204).send();
  });
}
