import type { FastifyInstance, FastifyRequest } from "fastify";
import { noSuchColumn, notFound } from "./errors.js";
import type { SalesforceSandbox } from "./sandbox.js";
import type { FieldDef, ObjectDef } from "./schema.js";
import type { RequestKind } from "./stats.js";

/** What every route file gets: the org, and whether an injected fault marked this request. */
export interface RouteContext {
  readonly app: FastifyInstance;
  readonly sandbox: SalesforceSandbox;
  readonly isLocked: (request: FastifyRequest) => boolean;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set on Salesforce sandbox routes: what stats count and faults match. */
    salesforceKind?: RequestKind;
  }
}

/** Route options naming the request kind that stats count and faults match. */
export function kind(k: RequestKind): { config: { salesforceKind: RequestKind } } {
  return { config: { salesforceKind: k } };
}

export function kindOf(request: FastifyRequest): RequestKind | undefined {
  return request.routeOptions.config.salesforceKind;
}

export function apiVersion(request: FastifyRequest): string {
  const version = (request.params as { version?: string }).version ?? "";
  if (!/^v\d{2,3}\.0$/.test(version)) throw notFound();
  return version;
}

export function fieldNamed(def: ObjectDef, name: string): FieldDef {
  const field = def.byName.get(name.trim().toLowerCase());
  if (!field) throw noSuchColumn(name.trim(), def.name);
  return field;
}
