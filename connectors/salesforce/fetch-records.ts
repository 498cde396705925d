import type { CrmRecord, FetchRequest } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { salesforceIdPattern } from "./limits.js";
import { cursorRowSchema, flattenRecord, queryAll } from "./query-pages.js";
import { isSourceObject } from "./record-targets.js";
import { chunkForIn, SoqlBuildError, selectList, soqlString, toIso } from "./soql.js";

/**
 * Read some records of a source object (Lead, Contact, Account, `*__c`) by id (a change event said they changed), with the fields the mappings
 * read; ids Salesforce no longer has (deleted, or never valid) are left out. The record id is the
 * source ref, as for object sources.
 */
export async function fetchRecords(session: SalesforceSession, request: FetchRequest): Promise<CrmRecord[]> {
  if (!isSourceObject(request.objectType))
    throw new SoqlBuildError(`records of ${request.objectType} are not read one by one`);
  const object = request.objectType;
  const ids = request.ids.filter((id) => salesforceIdPattern.test(id));
  const select = selectList(["Id", "SystemModstamp"], request.fields).join(", ");
  const records: CrmRecord[] = [];
  for (const chunk of chunkForIn(ids)) {
    const soql = `SELECT ${select} FROM ${object} WHERE Id IN (${chunk.map(soqlString).join(", ")})`;
    for (const raw of await queryAll(session, soql)) {
      const row = cursorRowSchema.parse(raw);
      records.push({
        objectType: object,
        id: row.Id,
        modifiedAt: toIso(row.SystemModstamp),
        fields: flattenRecord(row),
        sourceRef: row.Id,
      });
    }
  }
  return records;
}
