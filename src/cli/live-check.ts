import { sourceObjectTypes, updatesOnlyExistingFields } from "../../connectors/index.js";
import type { FieldDescription, LiveCheckRow } from "../../connectors/types.js";
import { ownEntry } from "../config/lookup.js";
import type { TelesyncConfig } from "../config/schema.js";
import { fieldsRead, phoneFieldsRead } from "../mapping/map-record.js";
import { checkAgainstSchema } from "../mapping/schema-check.js";
import type { Telesync } from "../runtime/telesync.js";

export type { LiveCheckRow };

const text = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Each integration's own live checks (a fresh token, its scopes, vendor settings, one-record probes
 * of its sources); a connector without them proves its credentials with one call.
 */
async function integrationRows(
  telesync: Telesync,
  config: TelesyncConfig,
  id: string,
): Promise<LiveCheckRow[]> {
  const connector = telesync.connector(id);
  const subject = `integration ${id}`;
  if (connector.liveCheck) {
    const sources = config.sources
      .filter((s) => s.integration === id)
      .map((s) => {
        const mapping = ownEntry(config.mappings, s.mapping);
        return { id: s.id, select: s.select, fields: mapping ? fieldsRead(mapping) : [] };
      });
    return connector.liveCheck(sources);
  }
  try {
    await connector.verifyCredentials();
    return [{ subject, check: "credentials", status: "ok", detail: "a call with the credentials succeeded" }];
  } catch (error) {
    return [
      { subject, check: "credentials", status: "error", detail: text(error), fix: "check the credentials" },
    ];
  }
}

/** Every source's mapping, disposition updates and answer fields against the CRM's schema. */
async function mappingRows(telesync: Telesync, config: TelesyncConfig): Promise<LiveCheckRow[]> {
  const rows: LiveCheckRow[] = [];
  for (const source of config.sources) {
    const integration = ownEntry(config.integrations, source.integration);
    const mapping = ownEntry(config.mappings, source.mapping);
    if (!integration || !mapping) continue;
    const subject = `source ${source.id}`;
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
        updatesOnlyExistingFields: updatesOnlyExistingFields(integration, source.select),
      });
      // The connector's own checks of the selection (object readable, phone-typed fields, activities allowed).
      const phoneFields = phoneFieldsRead(mapping);
      const connector = telesync.connector(source.integration);
      for (const message of (await connector.checkSource?.(source.select, phoneFields)) ?? [])
        problems.push({ where: "select", message });
      if (problems.every((p) => p.severity === "warn")) {
        rows.push({
          subject,
          check: "mapping",
          status: "ok",
          detail: `mapping "${source.mapping}" fits ${objects.join("/")}`,
        });
      }
      for (const p of problems)
        rows.push({ subject, check: `mapping ${p.where}`, status: p.severity ?? "error", detail: p.message });
    } catch (error) {
      rows.push({
        subject,
        check: "mapping",
        status: "error",
        detail: `could not read the ${objects.join("/")} schema: ${text(error)}`,
      });
    }
  }
  return rows;
}

/** Every integration's appointment id field/property exists on its appointment object. */
async function appointmentRows(telesync: Telesync, config: TelesyncConfig): Promise<LiveCheckRow[]> {
  const rows: LiveCheckRow[] = [];
  for (const id of Object.keys(config.integrations)) {
    const target = telesync.connector(id).appointments;
    if (!target) continue;
    const subject = `integration ${id}`;
    const check = `appointments ${target.objectType}.${target.idField}`;
    try {
      const fields = await telesync.connector(id).describe(target.objectType);
      rows.push(
        fields.some((field) => field.name === target.idField)
          ? { subject, check, status: "ok", detail: `appointments go to ${target.objectType}` }
          : {
              subject,
              check,
              status: "error",
              detail: `${target.objectType} has no field ${target.idField}`,
              fix: "create it (text) before outcomes carry appointments",
            },
      );
    } catch (error) {
      rows.push({
        subject,
        check,
        status: "error",
        detail: `could not read the ${target.objectType} schema: ${text(error)}`,
      });
    }
  }
  return rows;
}

/**
 * `inbound.createLead` against the object's describe / properties: the id field exists and is
 * unique (an upsert can name records by it), every mapped field exists and can be written.
 */
async function createLeadRows(telesync: Telesync, config: TelesyncConfig): Promise<LiveCheckRow[]> {
  const createLead = config.inbound.createLead;
  if (!createLead || !ownEntry(config.integrations, createLead.integration)) return [];
  const { integration, object, idField } = createLead;
  const subject = `inbound.createLead (${integration} ${object})`;
  let fields: FieldDescription[];
  try {
    fields = await telesync.connector(integration).describe(object);
  } catch (error) {
    return [
      { subject, check: "schema", status: "error", detail: `could not read the schema: ${text(error)}` },
    ];
  }
  const rows: LiveCheckRow[] = [];
  const id = fields.find((f) => f.name === idField);
  if (!id)
    rows.push({
      subject,
      check: `id field ${idField}`,
      status: "error",
      detail: `no field ${idField}`,
      fix: "create it (unique text; Salesforce: External ID)",
    });
  else if (!id.unique)
    rows.push({
      subject,
      check: `id field ${idField}`,
      status: "error",
      detail: `${idField} is not unique`,
      fix: "make it an External ID (Salesforce) or a unique-value property (HubSpot), so a retried call creates its lead once",
    });
  for (const name of Object.keys(createLead.fields)) {
    const field = fields.find((f) => f.name === name);
    if (!field) rows.push({ subject, check: `field ${name}`, status: "error", detail: `no field ${name}` });
    else if (!field.updateable)
      rows.push({ subject, check: `field ${name}`, status: "error", detail: `${name} cannot be written` });
  }
  if (rows.length === 0)
    rows.push({
      subject,
      check: "fields",
      status: "ok",
      detail: `${idField} and ${Object.keys(createLead.fields).join(", ")} ok`,
    });
  return rows;
}

/**
 * `telesync check --live`: the integrations first (a failed token skips that integration's schema
 * checks: they would only repeat it), then mappings, then appointment fields.
 */
export async function liveCheckRows(telesync: Telesync, config: TelesyncConfig): Promise<LiveCheckRow[]> {
  const rows: LiveCheckRow[] = [];
  const broken = new Set<string>();
  for (const id of Object.keys(config.integrations)) {
    const found = await integrationRows(telesync, config, id);
    if (
      found.some(
        (r) =>
          r.subject === `integration ${id}` && r.status === "error" && /^(token|credentials)$/.test(r.check),
      )
    )
      broken.add(id);
    rows.push(...found);
  }
  const reachable: TelesyncConfig = {
    ...config,
    sources: config.sources.filter((s) => !broken.has(s.integration)),
    integrations: Object.fromEntries(Object.entries(config.integrations).filter(([id]) => !broken.has(id))),
  };
  rows.push(...(await mappingRows(telesync, reachable)));
  rows.push(...(await appointmentRows(telesync, reachable)));
  rows.push(...(await createLeadRows(telesync, reachable)));
  return rows;
}

const marks = { ok: "ok", warn: "WARN", error: "ERROR" } as const;

/** The rows as a table: status, subject, check, detail, and the fix under a row that has one. */
export function formatLiveTable(rows: readonly LiveCheckRow[]): string[] {
  const width = (pick: (r: LiveCheckRow) => string, title: string) =>
    Math.max(title.length, ...rows.map((r) => pick(r).length));
  const w = [
    width((r) => marks[r.status], "STATUS"),
    width((r) => r.subject, "SUBJECT"),
    width((r) => r.check, "CHECK"),
  ];
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < w.length ? cell.padEnd(w[i] ?? 0) : cell))
      .join("  ")
      .trimEnd();
  const out = [line(["STATUS", "SUBJECT", "CHECK", "DETAIL"])];
  for (const row of rows) {
    out.push(line([marks[row.status], row.subject, row.check, row.detail]));
    if (row.fix && row.status !== "ok") out.push(`${" ".repeat((w[0] ?? 0) + 2)}fix: ${row.fix}`);
  }
  const count = (s: LiveCheckRow["status"]) => rows.filter((r) => r.status === s).length;
  out.push(`${count("ok")} ok, ${count("warn")} warnings, ${count("error")} errors`);
  return out;
}
