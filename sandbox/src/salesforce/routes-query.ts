import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { batchSizeFrom } from "./cursors.js";
import { malformedQuery } from "./errors.js";
import { apiVersion, kind, type RouteContext } from "./http.js";
import { executeQuery } from "./soql-eval.js";

const queryString = z.object({ q: z.string().optional() });
const locatorParams = z.object({ locator: z.string() });

function batchSize(request: FastifyRequest): number | undefined {
  const header = request.headers["sforce-query-options"];
  return batchSizeFrom(Array.isArray(header) ? header[0] : header);
}

/** `/query`, `/queryAll` and `/query/<locator>-<offset>` paging over a snapshot taken at query time. */
export function queryRoutes({ app, sandbox }: RouteContext): void {
  const run = (includeDeleted: boolean) => async (request: FastifyRequest) => {
    const version = apiVersion(request);
    const { q } = queryString.parse(request.query);
    if (!q) throw malformedQuery("A query string has to be specified");
    const snapshot = executeQuery(sandbox.store, q, { includeDeleted });
    return sandbox.cursors.open(snapshot, batchSize(request), version);
  };
  const more = async (request: FastifyRequest) => {
    const version = apiVersion(request);
    const { locator } = locatorParams.parse(request.params);
    return sandbox.cursors.more(locator, batchSize(request), version);
  };
  app.get("/data/:version/query", kind("query"), run(false));
  app.get("/data/:version/queryAll", kind("queryAll"), run(true));
  app.get("/data/:version/query/:locator", kind("queryMore"), more);
  app.get("/data/:version/queryAll/:locator", kind("queryMore"), more);
}
