import type { FieldDescription } from "../types.js";
import { type HubspotIntegration, type HubspotSelect, selectObject } from "./config.js";
import { describeObject } from "./describe.js";
import type { ObjectCatalog } from "./object-catalog.js";
import { isCustomObject } from "./objects.js";
import type { HubspotTransport } from "./transport.js";

export interface CheckSourceDependencies {
  transport: HubspotTransport;
  config: Pick<HubspotIntegration, "objects">;
  catalog: ObjectCatalog;
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A property that holds a phone number: HubSpot stores phone numbers in `string` properties (field
 * type `phonenumber` for HubSpot's own phone properties and phone-number custom properties, `text`
 * for older custom ones); a number, date or enumeration cannot hold one.
 */
function phoneProblem(
  objectType: string,
  name: string,
  fields: readonly FieldDescription[],
): string | undefined {
  const field = fields.find((f) => f.name === name);
  if (!field) return `${objectType}.${name}: no such property (read as a phone number)`;
  if (field.type !== "string")
    return `${objectType}.${name} is a ${field.type} property, not a phone number (a string / phonenumber property)`;
  return undefined;
}

/**
 * `telesync check --live` for one source: a custom object exists in the account's schemas (by type
 * id or fully qualified name), the mapped phone properties and the `objects.<name>.phoneProperties`
 * are string properties, the do-not-call property exists, is writable and can hold its values, and
 * calls can be associated with the object (a custom object's association type from the labels API).
 * Contacts' do-not-call property has its own row (`property contacts.…`).
 */
export async function checkSource(
  deps: CheckSourceDependencies,
  select: HubspotSelect,
  phoneFields: readonly string[],
): Promise<string[]> {
  const objectType = selectObject(select);
  const problems: string[] = [];
  if (isCustomObject(objectType)) {
    try {
      const schema = await deps.catalog.customSchema(objectType);
      if (!schema) {
        const known = (await deps.catalog.customSchemas()).map(
          (s) => `${s.objectTypeId} (${s.fullyQualifiedName})`,
        );
        return [
          `${objectType}: no such custom object in the account (its custom objects: ${known.join(", ") || "none"})`,
        ];
      }
    } catch (error) {
      return [
        `${objectType}: the custom object schemas are not readable (${text(error)}); does the token have crm.schemas.custom.read?`,
      ];
    }
  }
  let fields: FieldDescription[];
  try {
    fields = await describeObject(deps.transport, objectType);
  } catch (error) {
    return [`${objectType}: properties not readable (${text(error)}); may the token read this object?`];
  }
  const settings = deps.config.objects[objectType];
  for (const name of new Set([...phoneFields, ...(settings?.phoneProperties ?? [])])) {
    const problem = phoneProblem(objectType, name, fields);
    if (problem) problems.push(problem);
  }
  const dnc = settings?.doNotCall;
  if (dnc) {
    const field = fields.find((f) => f.name === dnc.property);
    if (!field) problems.push(`${objectType}.${dnc.property}: no such property (the do-not-call property)`);
    else if (!field.updateable)
      problems.push(`${objectType}.${dnc.property} is read-only: opt-outs could not be written`);
    else if (field.type === "enumeration" && !(field.picklistValues ?? []).includes(dnc.value))
      problems.push(`${objectType}.${dnc.property} has no option "${dnc.value}" (the do-not-call value)`);
    else if (field.type !== "bool" && field.type !== "enumeration" && field.type !== "string")
      problems.push(`${objectType}.${dnc.property} is a ${field.type} property: use a single checkbox`);
  }
  try {
    await deps.catalog.associationType("calls", objectType);
  } catch (error) {
    problems.push(`calls cannot be associated with ${objectType}: ${text(error)}`);
  }
  return problems;
}
