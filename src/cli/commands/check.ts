import type { Command } from "commander";
import { sourceObjectTypes } from "../../../connectors/index.js";
import type { FieldDescription } from "../../../connectors/types.js";
import { nanpAreaCodesMeta } from "../../compliance/data/nanp-area-codes.js";
import { tzVersion } from "../../compliance/index.js";
import { ownEntry } from "../../config/lookup.js";
import { unscreenedRegistryWarnings } from "../../config/registry-coverage.js";
import type { TelesyncConfig } from "../../config/schema.js";
import { checkAgainstSchema } from "../../mapping/schema-check.js";
import { createTelesync, type Telesync } from "../../runtime/telesync.js";
import { configFrom } from "../context.js";

/** Every integration's appointment id field/property exists on its appointment object. */
async function checkAppointmentFields(telesync: Telesync, config: TelesyncConfig): Promise<boolean> {
  let ok = true;
  for (const id of Object.keys(config.integrations)) {
    const target = telesync.connector(id).appointments;
    if (!target) continue;
    try {
      const fields = await telesync.connector(id).describe(target.objectType);
      if (fields.some((field) => field.name === target.idField)) {
        console.log(`integration ${id}: appointments go to ${target.objectType}; ${target.idField} ok`);
      } else {
        ok = false;
        console.log(
          `integration ${id}: ${target.objectType} has no field ${target.idField}: create it (text) before outcomes carry appointments`,
        );
      }
    } catch (error) {
      ok = false;
      console.log(
        `integration ${id}: could not read the ${target.objectType} schema: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  return ok;
}

/**
 * `inbound.createLead` against the object's describe / properties: the id field exists and is
 * unique (an upsert can name records by it), every mapped field exists and can be written.
 */
async function checkCreateLead(telesync: Telesync, config: TelesyncConfig): Promise<boolean> {
  const createLead = config.inbound.createLead;
  if (!createLead) return true;
  const { integration, object, idField } = createLead;
  const where = `inbound.createLead (${integration} ${object})`;
  let fields: FieldDescription[];
  try {
    fields = await telesync.connector(integration).describe(object);
  } catch (error) {
    console.log(`${where}: could not read the schema: ${error instanceof Error ? error.message : error}`);
    return false;
  }
  const problems: string[] = [];
  const id = fields.find((f) => f.name === idField);
  if (!id) problems.push(`no field ${idField}: create it (unique text; Salesforce: External ID)`);
  else if (!id.unique)
    problems.push(
      `${idField} is not unique: make it an External ID (Salesforce) or a unique-value property (HubSpot), so a retried call creates its lead once`,
    );
  for (const name of Object.keys(createLead.fields)) {
    const field = fields.find((f) => f.name === name);
    if (!field) problems.push(`no field ${name}`);
    else if (!field.updateable) problems.push(`${name} cannot be written`);
  }
  for (const problem of problems) console.log(`${where}: ${problem}`);
  if (problems.length === 0)
    console.log(`${where}: ${idField} and ${Object.keys(createLead.fields).join(", ")} ok`);
  return problems.length === 0;
}

/**
 * Credentials, then every source's mapping and its integration's disposition updates and answer
 * fields, then the appointment id fields, against the CRM.
 */
export async function checkLive(telesync: Telesync, config: TelesyncConfig): Promise<boolean> {
  let ok = true;
  const say = (line: string) => console.log(line);
  for (const id of Object.keys(config.integrations)) {
    try {
      await telesync.connector(id).verifyCredentials();
      say(`integration ${id}: credentials ok`);
    } catch (error) {
      ok = false;
      say(`integration ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const source of config.sources) {
    const integration = ownEntry(config.integrations, source.integration);
    const mapping = ownEntry(config.mappings, source.mapping);
    if (!integration || !mapping) continue;
    const objects = sourceObjectTypes(integration, source.select);
    try {
      const fields: FieldDescription[] = [];
      for (const object of objects)
        fields.push(...(await telesync.connector(source.integration).describe(object)));
      const leadUpdates = Object.fromEntries(
        Object.entries(integration.dispositions).flatMap(([d, m]) =>
          m.leadUpdates ? [[d, m.leadUpdates]] : [],
        ),
      );
      const problems = checkAgainstSchema({
        objectType: objects.join("/"),
        fields,
        mapping,
        leadUpdates,
        answerFields: integration.answerFields,
      });
      if (problems.length === 0)
        say(`source ${source.id}: mapping "${source.mapping}" fits ${objects.join("/")}`);
      for (const p of problems) {
        ok = false;
        say(`source ${source.id}: ${p.where}: ${p.message}`);
      }
    } catch (error) {
      ok = false;
      say(
        `source ${source.id}: could not read the ${objects.join("/")} schema: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  if (!(await checkAppointmentFields(telesync, config))) ok = false;
  if (!(await checkCreateLead(telesync, config))) ok = false;
  return ok;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "validate the config; with --live, also credentials and mappings against the live CRM schema",
    )
    .option("--live", "connect to every integration: credentials, mapped fields, disposition field values")
    .action(async (options: { live?: boolean }, command: Command) => {
      const { file, config } = configFrom(command);
      console.log(
        `${file}: valid (${Object.keys(config.integrations).length} integrations, ${config.sources.length} sources, ${Object.keys(config.campaigns).length} campaigns)`,
      );
      console.log(
        `compliance data: IANA tz ${tzVersion} (shipped, not the runtime's ${process.versions.tz ?? "unknown"}), NANP area codes ${nanpAreaCodesMeta.version}`,
      );
      for (const warning of unscreenedRegistryWarnings(config)) console.warn(`WARNING ${warning}`);
      if (!options.live) return;
      const telesync = createTelesync({ config });
      try {
        if (!(await checkLive(telesync, config))) process.exitCode = 1;
      } finally {
        await telesync.close();
      }
    });
}
