import { type FieldDef, type FieldType, OBJECTS, type ObjectDef } from "./schema.js";

const SOAP_TYPES: Record<FieldType, string> = {
  id: "tns:ID",
  reference: "tns:ID",
  string: "xsd:string",
  textarea: "xsd:string",
  phone: "xsd:string",
  email: "xsd:string",
  picklist: "xsd:string",
  boolean: "xsd:boolean",
  int: "xsd:int",
  double: "xsd:double",
  date: "xsd:date",
  datetime: "xsd:dateTime",
};

function describeField(field: FieldDef) {
  const text = ["string", "textarea", "phone", "email", "picklist", "id", "reference"].includes(field.type);
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: SOAP_TYPES[field.type],
    length: text ? field.length : 0,
    byteLength: text ? field.length * 3 : 0,
    digits: field.type === "int" ? 9 : 0,
    precision: field.type === "double" ? 18 : 0,
    scale: 0,
    custom: field.name.endsWith("__c"),
    calculated: false,
    nameField: field.name === "Name",
    idLookup: field.name === "Id" || field.externalId === true,
    externalId: field.externalId === true,
    unique: field.externalId === true,
    createable: field.createable,
    updateable: field.updateable,
    nillable: field.nillable,
    defaultedOnCreate: field.defaultValue !== undefined || field.name === "OwnerId" || !field.createable,
    defaultValue: field.defaultValue ?? null,
    filterable: field.type !== "textarea" || field.length <= 255,
    sortable: field.type !== "textarea" || field.length <= 255,
    restrictedPicklist: field.restricted ?? false,
    picklistValues: (field.picklist ?? []).map((value) => ({
      value,
      label: value,
      active: true,
      defaultValue: value === field.defaultValue,
      validFor: null,
    })),
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.relationshipName ?? null,
  };
}

function urls(def: ObjectDef, version: string) {
  const base = `/services/data/${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function summary(def: ObjectDef, version: string) {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.name.endsWith("__c"),
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    replicateable: true,
    urls: urls(def, version),
  };
}

/** `GET /sobjects/{T}/describe` for one object. */
export function describeObject(def: ObjectDef, version: string) {
  return { ...summary(def, version), fields: def.fields.map(describeField) };
}

/** `GET /sobjects`: the describeGlobal listing. */
export function describeGlobal(version: string) {
  return { encoding: "UTF-8", maxBatchSize: 200, sobjects: OBJECTS.map((def) => summary(def, version)) };
}
