import type { Command } from "commander";
import { loadSandbox } from "../../demo/load-sandbox.js";
import { untilSignal } from "../context.js";

export function registerSandbox(program: Command): void {
  program
    .command("sandbox")
    .description("run the built-in CRM sandbox on its own, to try a real config without a CRM account")
    .option("--port <port>", "port to listen on", "4010")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--seed <n>", "Leads to create at start", "1000")
    .option("--campaign <id>", "also make the seeded leads members of this Campaign id")
    .action(async (options: { port: string; host: string; seed: string; campaign?: string }) => {
      const { startSandbox } = await loadSandbox();
      const sandbox = await startSandbox({ port: Number(options.port), host: options.host });
      const seeded = sandbox.salesforce.seedLeads(Number(options.seed), { campaignId: options.campaign });
      console.log(`CRM sandbox listening at ${sandbox.url}`);
      console.log(
        `  Salesforce: instanceUrl/loginUrl ${sandbox.url}, clientId sandbox-client, clientSecret sandbox-secret, refreshToken sandbox-refresh`,
      );
      console.log(
        `  ${seeded.length} Leads seeded${options.campaign ? ` in Campaign ${options.campaign}` : ""}`,
      );
      await untilSignal();
      await sandbox.close();
    });
}
