import type { Command } from "commander";
import { loadSandbox } from "../../demo/load-sandbox.js";
import { seedSandbox } from "../../demo/seed-sandbox.js";
import { untilSignal } from "../context.js";

/** The list id the HubSpot example config (telesync.config.hubspot.example.yaml) pulls. */
const defaultHubspotList = "1001";

export function registerSandbox(program: Command): void {
  program
    .command("sandbox")
    .description(
      "run the built-in CRM sandbox (Salesforce and HubSpot) on its own, to try a config without a CRM account",
    )
    .option("--port <port>", "port to listen on", "4010")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option(
      "--seed <n>",
      "Salesforce Leads and HubSpot contacts to create at start (each), and a tenth as many HubSpot companies and donors (custom object)",
      "1000",
    )
    .option("--campaign <id>", "also make the seeded Leads members of this Salesforce Campaign id")
    .option("--hubspot-list <id>", "the HubSpot list the seeded contacts join", defaultHubspotList)
    .action(
      async (options: {
        port: string;
        host: string;
        seed: string;
        campaign?: string;
        hubspotList: string;
      }) => {
        const { startSandbox } = await loadSandbox();
        const sandbox = await startSandbox({ port: Number(options.port), host: options.host });
        const { leads, contacts, companies, donors } = seedSandbox(sandbox, {
          count: Number(options.seed),
          campaignId: options.campaign,
          hubspotList: options.hubspotList,
        });
        console.log(`CRM sandbox listening at ${sandbox.url}`);
        console.log(
          `  Salesforce: instanceUrl/loginUrl ${sandbox.url}, clientId sandbox-client, clientSecret sandbox-secret, refreshToken sandbox-refresh`,
        );
        console.log(
          `  ${leads.length} Leads seeded${options.campaign ? ` in Campaign ${options.campaign}` : ""} (telesync.config.example.yaml)`,
        );
        console.log(`  HubSpot: basePath ${sandbox.hubspotBasePath}, private app token sandbox-token`);
        console.log(
          `  ${contacts.length} contacts seeded in list ${options.hubspotList} (telesync.config.hubspot.example.yaml)`,
        );
        console.log(
          `  ${companies.length} companies (industry NON_PROFIT_ORGANIZATION_MANAGEMENT) and ${donors.length} records of the custom object donors (${sandbox.hubspot.customObject.objectTypeId}, ${sandbox.hubspot.customObject.fullyQualifiedName}) seeded`,
        );
        await untilSignal();
        await sandbox.close();
      },
    );
}
