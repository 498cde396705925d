import { validationError } from "./errors.js";
import type { ObjectType } from "./properties.js";
import type { HubspotStore } from "./store.js";
import { ReplyError } from "./wire.js";

interface PropertyProblem {
  name: string;
  error: string;
  message: string;
}

function problem(
  store: HubspotStore,
  type: ObjectType,
  name: string,
  value: string,
): PropertyProblem | undefined {
  const definition = store.property(type, name);
  if (!definition)
    return { name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` };
  if (definition.readOnly)
    return { name, error: "READ_ONLY_VALUE", message: `"${name}" is a read only property` };
  if (value === "") return undefined;
  switch (definition.type) {
    case "number":
      return Number.isFinite(Number(value))
        ? undefined
        : { name, error: "INVALID_LONG", message: `${value} was not a valid long.` };
    case "datetime":
    case "date":
      return /^\d+$/.test(value) || Number.isFinite(Date.parse(value))
        ? undefined
        : { name, error: "INVALID_DATE", message: `${value} was not a valid date.` };
    case "bool":
    case "enumeration":
      return definition.options?.includes(value)
        ? undefined
        : { name, error: "INVALID_OPTION", message: `${value} was not one of the allowed options` };
    default:
      return undefined;
  }
}

/**
 * Check property values before a write. Like HubSpot, one bad value rejects the whole request with
 * 400 "Property values were not valid".
 */
export function assertValidProperties(
  store: HubspotStore,
  type: ObjectType,
  inputs: readonly Record<string, string>[],
): void {
  const problems = inputs.flatMap((properties) =>
    Object.entries(properties).flatMap(([name, value]) => problem(store, type, name, value) ?? []),
  );
  if (problems.length === 0) return;
  const detail = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name }));
  throw new ReplyError(
    validationError(
      `Property values were not valid: ${JSON.stringify(detail)}`,
      problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
    ),
  );
}
