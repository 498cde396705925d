import { type ObjectDef, objectOfId, type SfRecord, type SfValue } from "./schema.js";
import { type FieldPath, follow, type Hop } from "./soql-paths.js";
import type { SalesforceStore } from "./store.js";
import { renderValue } from "./values.js";

export type JsonObject = { [key: string]: unknown };
/** The records a row's lookups pointed at when the query ran, one per distinct lookup chain. */
export type Related = readonly (SfRecord | null)[];

function attributes(def: ObjectDef, id: SfValue | undefined, version: string): JsonObject {
  return { type: def.name, url: `/services/data/${version}/sobjects/${def.name}/${String(id)}` };
}

/**
 * Turns stored rows into REST result rows: fields in SELECT order, lookups nested as
 * `{"Lead": {"attributes": …, "Phone": …}}` or null. Rows render lazily, page by page, so a 100,000-row
 * snapshot holds references rather than JSON; lookups are captured at query time to keep the snapshot exact.
 */
export class Projection {
  private readonly chains: { parent: number; hop: Hop }[] = [];
  private readonly columns: { chain: number[]; path: FieldPath }[];

  constructor(
    private readonly store: SalesforceStore,
    private readonly root: ObjectDef,
    paths: readonly FieldPath[],
  ) {
    const index = new Map<string, number>();
    this.columns = paths.map((path) => {
      let parent = -1;
      const chain = path.hops.map((hop) => {
        const key = `${parent}/${hop.name}`;
        let at = index.get(key);
        if (at === undefined) {
          at = this.chains.push({ parent, hop }) - 1;
          index.set(key, at);
        }
        parent = at;
        return at;
      });
      return { chain, path };
    });
  }

  get hasLookups(): boolean {
    return this.chains.length > 0;
  }

  capture(row: SfRecord): Related {
    const related: (SfRecord | null)[] = [];
    for (const { parent, hop } of this.chains) {
      related.push(follow(this.store, parent < 0 ? row : (related[parent] ?? null), hop));
    }
    return related;
  }

  render(row: SfRecord, related: Related | undefined, version: string): JsonObject {
    const out: JsonObject = { attributes: attributes(this.root, row.Id, version) };
    const lookups = related ?? (this.hasLookups ? this.capture(row) : []);
    for (const { chain, path } of this.columns) {
      let target: JsonObject | null = out;
      let source: SfRecord | null = row;
      for (let i = 0; i < chain.length && target; i++) {
        const name = path.hops[i]!.name;
        source = lookups[chain[i]!] ?? null;
        const existing: unknown = target[name];
        if (!source) {
          if (existing === undefined) target[name] = null;
          target = null;
        } else {
          if (existing === undefined) {
            target[name] = {
              attributes: attributes(objectOfId(String(source.Id)) ?? this.root, source.Id, version),
            };
          }
          target = target[name] as JsonObject;
        }
      }
      if (target && source) target[path.name] = renderValue(path.field, source[path.field.name]);
    }
    return out;
  }
}
