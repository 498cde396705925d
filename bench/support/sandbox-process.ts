import type { SalesforceStats } from "@telesync/sandbox";
import { benchScript, spawnNode } from "./child.js";

/** `GET /_bench/state` of the sandbox child (see sandbox-child.ts). */
export interface SandboxState {
  tasks: number;
  lastTaskAt: number | null;
  calls: number;
  lastCallAt: number | null;
  salesforce: SalesforceStats;
  hubspot: {
    requests: number;
    byKind: Record<string, number>;
    byStatus: Record<string, number>;
    rateLimited: Record<string, number>;
  };
  cpu: { user: number; system: number };
  rss: number;
}

export interface SandboxProcess {
  url: string;
  hubspotBasePath: string;
  pid: number;
  state(): Promise<SandboxState>;
  /** [CallObject, stored at (epoch ms)] of every Task from the `from`-th on. */
  taskTimes(from?: number): Promise<Array<[string, number]>>;
  /** Records per Salesforce collections create request, in order, from the `from`-th request on. */
  createSizes(from?: number): Promise<number[]>;
  stop(): Promise<void>;
}

/** The CRM sandbox in a child process, seeded; resolves once it listens. */
export async function startSandboxProcess(
  options: {
    leads?: number;
    contacts?: number;
    hubspotBurst?: number;
    /** Leads with the lookup benchmark's numbers (see sandbox-child.ts). */
    phoneLeads?: number;
    /** HubSpot search requests/s the sandbox allows. */
    hubspotSearch?: number;
  } = {},
): Promise<SandboxProcess> {
  const args = ["--seed-leads", String(options.leads ?? 0), "--seed-contacts", String(options.contacts ?? 0)];
  if (options.hubspotBurst !== undefined) args.push("--hubspot-burst", String(options.hubspotBurst));
  if (options.phoneLeads !== undefined) args.push("--phone-leads", String(options.phoneLeads));
  if (options.hubspotSearch !== undefined) args.push("--hubspot-search", String(options.hubspotSearch));
  const child = spawnNode("sandbox", benchScript("support/sandbox-child.js"), args);
  try {
    const ready = await child.next<{ url: string; hubspotBasePath: string }>("READY", 180_000);
    return {
      url: ready.url,
      hubspotBasePath: ready.hubspotBasePath,
      pid: child.process.pid ?? 0,
      async state() {
        const response = await fetch(`${ready.url}/_bench/state`);
        if (!response.ok) throw new Error(`sandbox /_bench/state: HTTP ${response.status}`);
        return (await response.json()) as SandboxState;
      },
      async taskTimes(from = 0) {
        const response = await fetch(`${ready.url}/_bench/task-times?from=${from}`);
        if (!response.ok) throw new Error(`sandbox /_bench/task-times: HTTP ${response.status}`);
        return (await response.json()) as Array<[string, number]>;
      },
      async createSizes(from = 0) {
        const response = await fetch(`${ready.url}/_bench/create-sizes?from=${from}`);
        if (!response.ok) throw new Error(`sandbox /_bench/create-sizes: HTTP ${response.status}`);
        return (await response.json()) as number[];
      },
      async stop() {
        await child.stop(10_000);
      },
    };
  } catch (error) {
    await child.stop(1_000);
    throw error;
  }
}
