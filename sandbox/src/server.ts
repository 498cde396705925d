import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { HubspotSandbox, type HubspotSandboxOptions, hubspotSandboxPlugin } from "./hubspot/index.js";
import {
  cometdPlugin,
  faultSpecSchema,
  SalesforceApiError,
  SalesforceSandbox,
  type SalesforceSandboxOptions,
  salesforceControlRoutes,
  salesforcePlugin,
} from "./salesforce/index.js";

/** Mounts another vendor's routes on the sandbox server (e.g. HubSpot under `/hubspot`), in its own scope. */
export type SandboxPlugin = (app: FastifyInstance) => void | Promise<void>;

/** How `POST /_sandbox/faults {vendor, ...}` and `DELETE /_sandbox/faults?vendor=` reach a vendor. */
export interface FaultTarget {
  inject(spec: unknown): void;
  clear(): void;
}

export interface StartSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  plugins?: SandboxPlugin[];
  /** An org to serve, or options for a new one. */
  salesforce?: SalesforceSandbox | SalesforceSandboxOptions;
  /** A HubSpot portal to serve under `/hubspot`, or options for a new one. */
  hubspot?: HubspotSandbox | HubspotSandboxOptions;
  /** Fault targets of other vendors, by vendor name; `salesforce` is built in. */
  faultTargets?: Record<string, FaultTarget>;
  /** Fastify request logging (default off). */
  logger?: boolean;
}

/**
 * A running CRM sandbox: point jsforce's `instanceUrl` (and `loginUrl`) at `url`, and the HubSpot
 * client's `basePath` at `hubspotBasePath`.
 */
export interface CrmSandbox {
  url: string;
  hubspotBasePath: string;
  salesforce: SalesforceSandbox;
  hubspot: HubspotSandbox;
  close(): Promise<void>;
}

const faultBody = z.looseObject({ vendor: z.string() });
const vendorQuery = z.object({ vendor: z.string() });

/** Starts the HTTP server for the built-in CRM sandbox: Salesforce under `/services`, control API under `/_sandbox`. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<CrmSandbox> {
  const salesforce =
    options.salesforce instanceof SalesforceSandbox
      ? options.salesforce
      : new SalesforceSandbox(options.salesforce);
  const hubspot =
    options.hubspot instanceof HubspotSandbox ? options.hubspot : new HubspotSandbox(options.hubspot);
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const targets: Record<string, FaultTarget> = {
    salesforce: {
      inject: (spec) => salesforce.injectFault(faultSpecSchema.parse(spec)),
      clear: () => salesforce.clearFaults(),
    },
    hubspot: hubspot.faultTarget(),
    ...options.faultTargets,
  };

  await app.register(salesforcePlugin(salesforce), { prefix: "/services" });
  // The identity URL of a Salesforce token response lives beside /services: https://<host>/id/<org>/<user>.
  app.get("/id/:orgId/:userId", async (request, reply) => {
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const identity = salesforce.identity(orgId, userId, token);
    if (!identity) return reply.code(403).send("Bad_OAuth_Token");
    return reply.code(200).send(identity);
  });
  // Salesforce serves the Streaming API beside the REST API: https://<instance>/cometd/<version>.
  await app.register(cometdPlugin(salesforce));
  await app.register(hubspotSandboxPlugin(hubspot), { prefix: "/hubspot" });
  await app.register(async (scope) => {
    scope.setErrorHandler((error: Error, _request, reply) => {
      const status =
        error instanceof z.ZodError
          ? 400
          : error instanceof SalesforceApiError
            ? error.status
            : ((error as { statusCode?: number }).statusCode ?? 500);
      return reply.code(status).send({ error: error.message });
    });
    salesforceControlRoutes(scope, salesforce);
    scope.post("/_sandbox/faults", async (request, reply) => {
      const { vendor, ...spec } = faultBody.parse(request.body);
      const target = targets[vendor];
      if (!target) return reply.code(404).send({ error: `unknown vendor '${vendor}'` });
      target.inject(spec);
      return reply.code(204).send();
    });
    scope.delete("/_sandbox/faults", async (request, reply) => {
      const { vendor } = vendorQuery.parse(request.query);
      const target = targets[vendor];
      if (!target) return reply.code(404).send({ error: `unknown vendor '${vendor}'` });
      target.clear();
      return reply.code(204).send();
    });
  });
  for (const plugin of options.plugins ?? []) {
    await app.register(async (scope) => {
      await plugin(scope);
    });
  }

  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const shownHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const url = `http://${shownHost}:${port}`;
  return {
    url,
    hubspotBasePath: `${url}/hubspot`,
    salesforce,
    hubspot,
    close: () => {
      closing ??= (async () => {
        salesforce.faults.releaseAll();
        await app.close();
        salesforce.cursors.clear();
      })();
      return closing;
    },
  };
}
