import { z } from "zod";
import { CrmError } from "../../src/errors.js";
import { describeObject } from "./describe.js";
import {
  type AssociationType,
  type CustomObjectSchema,
  definedAssociationTypes,
  isCustomObject,
  schemaMatches,
} from "./objects.js";
import type { HubspotTransport } from "./transport.js";

/** `GET /crm/v4/associations/{from}/{to}/labels`: every association type between the two objects. */
const labelsSchema = z.object({
  results: z.array(
    z.object({
      category: z.enum(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]),
      typeId: z.number().int(),
      label: z.string().nullable().optional(),
    }),
  ),
});

/** `GET /crm-object-schemas/v3/schemas`: the account's custom objects. */
const schemasSchema = z.object({
  results: z.array(
    z.looseObject({ objectTypeId: z.string(), fullyQualifiedName: z.string(), name: z.string() }),
  ),
});

/** Properties and schemas change rarely; re-read them this often at most. */
const ttlMs = 10 * 60_000;

/**
 * What the connector must learn from the account about the objects it writes to, asked once and
 * cached: the association type of a call or meeting to each object (constants for contacts and
 * companies; the unlabeled type from the labels API for a custom object), the object's property
 * names (lead updates go only to properties it has), and the custom object schemas (type id of a
 * fully qualified name, for record links and webhooks).
 */
export class ObjectCatalog {
  private readonly associations = new Map<string, Promise<AssociationType>>();
  private readonly properties = new Map<string, { at: number; names: Promise<ReadonlySet<string>> }>();
  private schemas: { at: number; list: Promise<CustomObjectSchema[]> } | undefined;
  /** Schemas already read, for the synchronous uses (record URLs, webhook events). */
  private known: CustomObjectSchema[] = [];

  constructor(
    private readonly transport: HubspotTransport,
    private readonly now: () => number,
  ) {}

  /** The unlabeled association type from a call or meeting to a record of `objectType`. */
  associationType(from: "calls" | "meetings", objectType: string): Promise<AssociationType> {
    const defined = definedAssociationTypes[from][objectType];
    if (defined !== undefined) return Promise.resolve({ category: "HUBSPOT_DEFINED", typeId: defined });
    const key = `${from}/${objectType}`;
    let found = this.associations.get(key);
    if (!found) {
      found = this.readAssociationType(from, objectType);
      this.associations.set(key, found);
      // A failure (an outage, a scope missing) is asked again next time.
      found.catch(() => this.associations.delete(key));
    }
    return found;
  }

  private async readAssociationType(from: string, objectType: string): Promise<AssociationType> {
    const answer = labelsSchema.parse(
      await this.transport.call(
        "associations.labels",
        (client, options) =>
          client.crm.associations.v4.schema.definitionsApi.getAll(from, objectType, options),
        { idempotent: true },
      ),
    );
    // The unlabeled type (label null) is the one every association has; labels are extra.
    const unlabeled =
      answer.results.find((t) => !t.label && t.category === "HUBSPOT_DEFINED") ??
      answer.results.find((t) => !t.label) ??
      answer.results[0];
    if (!unlabeled)
      throw new CrmError({
        kind: "permanent",
        reason: `HubSpot has no association from ${from} to ${objectType}: associate the object with ${from} in its schema`,
        code: "NO_ASSOCIATION_TYPE",
      });
    return { category: unlabeled.category, typeId: unlabeled.typeId };
  }

  /** The object's property names (lower-cased), from the properties API. */
  propertyNames(objectType: string): Promise<ReadonlySet<string>> {
    const cached = this.properties.get(objectType);
    if (cached && this.now() - cached.at < ttlMs) return cached.names;
    const names = describeObject(this.transport, objectType).then(
      (fields) => new Set(fields.map((f) => f.name.toLowerCase())),
    );
    this.properties.set(objectType, { at: this.now(), names });
    names.catch(() => this.properties.delete(objectType));
    return names;
  }

  /** The account's custom object schemas. */
  customSchemas(): Promise<CustomObjectSchema[]> {
    if (this.schemas && this.now() - this.schemas.at < ttlMs) return this.schemas.list;
    const list = this.transport
      .call("schemas.getAll", (client, options) => client.crm.schemas.coreApi.getAll(false, options), {
        idempotent: true,
      })
      .then((answer) => {
        const schemas = schemasSchema
          .parse(answer)
          .results.map(({ objectTypeId, fullyQualifiedName, name }) => ({
            objectTypeId,
            fullyQualifiedName,
            name,
          }));
        this.known = schemas;
        return schemas;
      });
    this.schemas = { at: this.now(), list };
    list.catch(() => {
      this.schemas = undefined;
    });
    return list;
  }

  /** The schema a custom object name means, if the account has it. */
  async customSchema(name: string): Promise<CustomObjectSchema | undefined> {
    if (!isCustomObject(name)) return undefined;
    return (await this.customSchemas()).find((schema) => schemaMatches(schema, name));
  }

  /** The schema of a custom object name if it was read already (synchronous callers). */
  knownSchema(name: string): CustomObjectSchema | undefined {
    return this.known.find((schema) => schemaMatches(schema, name));
  }
}
