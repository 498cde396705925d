import { z } from "zod";
import { notFound, validationError } from "./errors.js";
import { engagementAssociationTypes, type ObjectType } from "./properties.js";
import type { RouteSpec } from "./route.js";
import type { HubspotSandbox } from "./sandbox.js";
import { assertValidProperties } from "./validate.js";
import {
  batchReply,
  objectTypeOr404,
  parseOr400,
  propertyValuesSchema,
  ReplyError,
  serialize,
} from "./wire.js";

const typeParams = z.object({ objectType: z.string() });
const objectParams = z.object({ objectType: z.string(), objectId: z.string() });

const patchBody = z.object({ properties: propertyValuesSchema });
const batchUpdateBody = z.object({
  inputs: z.array(
    z.object({ id: z.string(), properties: propertyValuesSchema, idProperty: z.string().optional() }),
  ),
});
const batchCreateBody = z.object({
  inputs: z.array(
    z.object({
      properties: propertyValuesSchema,
      associations: z
        .array(
          z.object({
            to: z.object({ id: z.string() }),
            types: z.array(
              z.object({ associationCategory: z.string(), associationTypeId: z.number().int() }),
            ),
          }),
        )
        .optional(),
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});

const batchUpsertBody = z.object({
  inputs: z.array(
    z.object({
      id: z.string(),
      idProperty: z.string().optional(),
      properties: propertyValuesSchema,
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});

const BATCH_MAX = 100;

/** `PATCH …/{type}/{id}`, `POST …/{type}/batch/update`, `POST …/{calls|notes}/batch/create`. */
export function writeRoutes(sandbox: HubspotSandbox): RouteSpec[] {
  const { store } = sandbox;
  return [
    {
      method: "PATCH",
      url: "/crm/v3/objects/:objectType/:objectId",
      kind: "{type}.update",
      handler: ({ params, body }) => {
        const p = parseOr400(objectParams, params);
        const type = objectTypeOr404(store, p.objectType);
        const { properties } = parseOr400(patchBody, body);
        const object = store.live(type, p.objectId);
        if (!object) throw new ReplyError(notFound("Object not found.  objectId are usually numeric."));
        assertValidProperties(store, type, [properties]);
        store.update(object, properties);
        return { status: 200, body: serialize(object, "all") };
      },
    },
    {
      method: "POST",
      url: "/crm/v3/objects/:objectType/batch/update",
      kind: "{type}.batchUpdate",
      handler: ({ params, body }) => {
        const type = objectTypeOr404(store, parseOr400(typeParams, params).objectType);
        const { inputs } = parseOr400(batchUpdateBody, body);
        if (inputs.length > BATCH_MAX)
          throw new ReplyError(validationError(`Batch size must be at most ${BATCH_MAX}`));
        const ids = inputs.map((i) => i.id);
        const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
        if (duplicates.length > 0) {
          throw new ReplyError(
            validationError(
              `Duplicate IDs found in batch input: [${[...new Set(duplicates)].join(", ")}]. IDs must be unique`,
            ),
          );
        }
        assertValidProperties(
          store,
          type,
          inputs.map((i) => i.properties),
        );
        const startedAt = Date.now();
        const results: unknown[] = [];
        const missing: string[] = [];
        for (const input of inputs) {
          const object = store.live(type, input.id);
          if (!object) {
            missing.push(input.id);
            continue;
          }
          store.update(object, input.properties);
          results.push(serialize(object, Object.keys(input.properties)));
        }
        const errors =
          missing.length === 0
            ? []
            : [
                {
                  status: "error",
                  category: "OBJECT_NOT_FOUND",
                  message: `Could not get some ${type.slice(0, -1).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
                  context: { ids: missing },
                },
              ];
        return batchReply(200, results, errors, startedAt);
      },
    },
    {
      // Create or update by a unique-value property, each result with `new`:
      // https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
      method: "POST",
      url: "/crm/v3/objects/:objectType/batch/upsert",
      kind: "{type}.batchUpsert",
      handler: ({ params, body }) => {
        const type = objectTypeOr404(store, parseOr400(typeParams, params).objectType);
        const { inputs } = parseOr400(batchUpsertBody, body);
        if (inputs.length > BATCH_MAX)
          throw new ReplyError(validationError(`Batch size must be at most ${BATCH_MAX}`));
        for (const input of inputs) {
          const property = input.idProperty ? store.property(type, input.idProperty) : undefined;
          if (!property?.unique)
            throw new ReplyError(
              validationError(
                `${input.idProperty ?? "(no idProperty)"} is not a unique-value property of ${type}`,
              ),
            );
        }
        const ids = inputs.map((i) => `${i.idProperty}=${i.id}`);
        if (ids.some((id, i) => ids.indexOf(id) !== i))
          throw new ReplyError(validationError("Duplicate IDs found in batch input. IDs must be unique"));
        assertValidProperties(
          store,
          type,
          inputs.map((i) => i.properties),
        );
        const startedAt = Date.now();
        const results = inputs.map((input) => {
          const idProperty = input.idProperty as string;
          const properties = { ...input.properties, [idProperty]: input.id };
          const found = store.listLive(type).find((o) => o.properties[idProperty] === input.id);
          const trace =
            input.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: input.objectWriteTraceId };
          if (found) {
            store.update(found, properties);
            return { ...serialize(found, "all"), new: false, ...trace };
          }
          const created = store.create(type, properties, trace);
          return { ...serialize(created, "all"), new: true, ...trace };
        });
        return batchReply(200, results.reverse(), [], startedAt);
      },
    },
    {
      method: "POST",
      url: "/crm/v3/objects/:objectType/batch/create",
      kind: "{type}.batchCreate",
      handler: ({ params, body }) => {
        const type = objectTypeOr404(store, parseOr400(typeParams, params).objectType);
        if (type !== "calls" && type !== "notes" && type !== "meetings")
          throw new ReplyError(validationError("The sandbox creates calls, notes and meetings only"));
        const allowed = engagementAssociationTypes[type];
        const { inputs } = parseOr400(batchCreateBody, body);
        if (inputs.length > BATCH_MAX)
          throw new ReplyError(validationError(`Batch size must be at most ${BATCH_MAX}`));
        assertValidProperties(
          store,
          type,
          inputs.map((i) => i.properties),
        );
        const missingTimestamp = inputs.findIndex((i) => !i.properties.hs_timestamp);
        if (missingTimestamp >= 0) {
          throw new ReplyError(validationError(`inputs[${missingTimestamp}]: hs_timestamp is required`));
        }
        const startedAt = Date.now();
        const results: unknown[] = [];
        const errors: object[] = [];
        inputs.forEach((input, index) => {
          const trace = input.objectWriteTraceId ?? String(index);
          const association = input.associations?.[0];
          const spec = association?.types[0];
          const typeId = spec?.associationTypeId;
          // The association type names the target object (HubSpot infers `to`'s object from it).
          const target = (
            Object.entries(allowed) as [ObjectType, { category: string; typeId: number }][]
          ).find(([, t]) => t.typeId === typeId && t.category === spec?.associationCategory)?.[0];
          const record = association && target ? store.live(target, association.to.id) : undefined;
          if (association && (!target || !record)) {
            errors.push({
              status: "error",
              category: "VALIDATION_ERROR",
              message: !target
                ? `${spec?.associationCategory ?? "?"} association type ${typeId} is not valid from ${type}`
                : `Cannot associate to ${target === "contacts" ? "contact" : target} ${association.to.id}: it does not exist`,
              context: { objectWriteTraceId: [trace] },
            });
            return;
          }
          const created = store.create(
            type,
            input.properties,
            input.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: input.objectWriteTraceId },
          );
          if (record && target && typeId !== undefined) {
            created.associated = { objectType: target, id: record.id, typeId };
            if (target === "contacts") created.contact = { id: record.id, typeId };
          }
          results.push(serialize(created, "all"));
        });
        // HubSpot does not promise input order; answering in reverse keeps clients honest.
        return batchReply(201, results.reverse(), errors, startedAt);
      },
    },
  ];
}
