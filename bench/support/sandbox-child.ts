/**
 * The CRM sandbox as its own process, for benchmarks where its CPU and memory would otherwise be
 * counted against telesync. Like `telesync sandbox`, plus `GET /_bench/state`: cheap counts of what
 * the writeback stored (read from the store, O(1)), when the last Task/call arrived, request stats
 * and the process's own CPU time; `GET /_bench/create-sizes?from=N`: the record count of each
 * Salesforce collections create request from the N-th on, in the order they were served.
 *
 *   node build/bench/support/sandbox-child.js [--seed-leads N] [--seed-contacts N] [--hubspot-burst N]
 *     [--phone-leads N] [--hubspot-search N]
 *
 * `--phone-leads N` adds N Leads whose Phone is +1415555 followed by 0000…N−1 (the numbers the lookup
 * benchmark asks for, as `seedContacts` writes them on HubSpot contacts); `--hubspot-search N` sets
 * HubSpot's search limit to N requests/s (5 documented).
 *
 * Prints `READY {"url":…,"hubspotBasePath":…}` on stdout once it listens; SIGTERM closes it.
 */
import { parseArgs } from "node:util";
import { startSandbox } from "@telesync/sandbox";

const { values } = parseArgs({
  options: {
    "seed-leads": { type: "string", default: "0" },
    "seed-contacts": { type: "string", default: "0" },
    "hubspot-burst": { type: "string" },
    "phone-leads": { type: "string", default: "0" },
    "hubspot-search": { type: "string" },
  },
});

let tasks = 0;
let lastTaskAt: number | null = null;
/** [CallObject (telesync's outcomeId), when the Task was first seen stored (epoch ms, 5 ms ticks)]. */
const taskTimes: Array<[string, number]> = [];
let calls = 0;
let lastCallAt: number | null = null;

const sandbox = await startSandbox({
  port: 0,
  plugins: [
    (app) => {
      app.get("/_bench/state", async () => ({
        tasks,
        lastTaskAt,
        calls,
        lastCallAt,
        salesforce: sandbox.salesforce.stats(),
        hubspot: sandbox.hubspot.stats(),
        cpu: process.cpuUsage(),
        rss: process.memoryUsage.rss(),
      }));
      app.get<{ Querystring: { from?: string } }>("/_bench/task-times", async (request) =>
        taskTimes.slice(Number(request.query.from ?? 0)),
      );
      app.get<{ Querystring: { from?: string } }>("/_bench/create-sizes", async (request) =>
        sandbox.salesforce.requests.createSizes.slice(Number(request.query.from ?? 0)),
      );
    },
  ],
});
if (values["hubspot-burst"] !== undefined)
  sandbox.hubspot.configureLimits({ burstLimit: Number(values["hubspot-burst"]), burstWindowMs: 10_000 });
if (values["hubspot-search"] !== undefined)
  sandbox.hubspot.configureLimits({ searchPerSecond: Number(values["hubspot-search"]) });
for (let i = 0; i < Number(values["phone-leads"]); i++)
  sandbox.salesforce.insert("Lead", {
    LastName: `Lead${i}`,
    Company: "Bench",
    Phone: `+1415555${String(i % 10_000).padStart(4, "0")}`,
  });
const leads = Number(values["seed-leads"]);
if (leads > 0) sandbox.salesforce.seedLeads(leads);
const contacts = Number(values["seed-contacts"]);
if (contacts > 0) sandbox.hubspot.seedContacts(contacts);

// When the last Task / call was stored, to 5 ms (the rows array only grows: no deletes in benchmarks).
const taskRows = sandbox.salesforce.store.rows("Task");
const callMap = sandbox.hubspot.store.objects.calls;
setInterval(() => {
  if (taskRows.length !== tasks) {
    const now = Date.now();
    for (let i = tasks; i < taskRows.length; i++)
      taskTimes.push([String((taskRows[i] as Record<string, unknown>).CallObject ?? ""), now]);
    tasks = taskRows.length;
    lastTaskAt = now;
  }
  if (callMap.size !== calls) {
    calls = callMap.size;
    lastCallAt = Date.now();
  }
}, 5).unref();

process.stdout.write(
  `READY ${JSON.stringify({ url: sandbox.url, hubspotBasePath: sandbox.hubspotBasePath, leads, contacts })}\n`,
);
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => {
    void sandbox.close().finally(() => process.exit(0));
  });
