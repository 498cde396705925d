import { z } from "zod";

/**
 * Cursors are JSON the core checkpoints after every page; each resumes right after its page.
 * All carry `v` so a future format can be told apart.
 */

/** Where the incremental search stands. See `search-query.ts` for how each position is queried. */
export const searchPositionSchema = z.union([
  /** Next query: `lastmodifieddate GTE t` (nothing at `t` is done yet) or `GT t` (all of `t` is done). */
  z.object({ t: z.number().int().nonnegative(), op: z.enum(["GTE", "GT"]) }),
  /** Inside one timestamp shared by more records than a page: `lastmodifieddate EQ t AND hs_object_id GT afterId`. */
  z.object({ t: z.number().int().nonnegative(), afterId: z.string().regex(/^\d+$/) }),
]);
export type SearchPosition = z.infer<typeof searchPositionSchema>;

/** The scan of archived (deleted) contacts that turns deletions into removals. */
export const archivedScanSchema = z.object({
  /** Report contacts archived at or after this epoch ms (the start of the previous scan, or of the first pull). */
  since: z.number().int(),
  /** Paging token of a scan in progress. */
  after: z.string().optional(),
  /** When the scan in progress started: the next scan's `since`. */
  startedAt: z.number().int().optional(),
});
export type ArchivedScan = z.infer<typeof archivedScanSchema>;

export const searchCursorSchema = z.object({
  v: z.literal(1),
  kind: z.literal("search"),
  pos: searchPositionSchema,
  archived: archivedScanSchema,
  /**
   * Contacts handed out inside the look-back window, by lastmodifieddate: epoch ms → their ids
   * ({@link encodeIdSet}). A contact seen again with the same date is not handed out again; absent
   * in cursors written before it.
   */
  recent: z.record(z.string().regex(/^\d+$/), z.string()).optional(),
  /** Incremental runs since the last membership reconcile (absent: none yet). */
  runs: z.number().int().nonnegative().optional(),
});
export type SearchCursor = z.infer<typeof searchCursorSchema>;

export const allContactsCursorSchema = z.object({
  v: z.literal(1),
  kind: z.literal("all"),
  phase: z.enum(["objects", "archived"]),
  /** Objects-API paging token inside a pass; absent = start of a pass. */
  after: z.string().optional(),
  archived: archivedScanSchema,
});
export type AllContactsCursor = z.infer<typeof allContactsCursorSchema>;

export const listCursorSchema = z.object({
  v: z.literal(1),
  kind: z.literal("list"),
  listId: z.string(),
  /** Members at the end of the last complete pass ({@link encodeIdSet}). */
  prev: z.string(),
  /** Members seen so far in the pass in progress. */
  seen: z.string(),
  /** Memberships paging token inside a pass; absent = start of a pass. */
  after: z.string().optional(),
});
export type ListCursor = z.infer<typeof listCursorSchema>;

/** Parse a cursor the core hands back, or `undefined` for a first pull. */
export function parseCursor<T>(schema: z.ZodType<T>, cursor: unknown, what: string): T | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const parsed = schema.safeParse(cursor);
  if (!parsed.success) throw new Error(`Invalid HubSpot ${what} cursor: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * A set of contact ids, compactly: sorted numeric ids as base64url varint deltas (`n:` prefix),
 * about 3-5 characters per id; any non-numeric id falls back to a JSON array (`j:` prefix).
 */
export function encodeIdSet(ids: Iterable<string>): string {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return "n:";
  if (!unique.every((id) => /^\d{1,15}$/.test(id))) return `j:${JSON.stringify(unique.sort())}`;
  const sorted = unique.map(Number).sort((a, b) => a - b);
  const bytes: number[] = [];
  let previous = 0;
  for (const id of sorted) {
    let delta = id - previous;
    previous = id;
    while (delta >= 0x80) {
      bytes.push((delta % 0x80) | 0x80);
      delta = Math.floor(delta / 0x80);
    }
    bytes.push(delta);
  }
  return `n:${Buffer.from(bytes).toString("base64url")}`;
}

export function decodeIdSet(encoded: string): Set<string> {
  if (encoded.startsWith("j:")) return new Set(z.array(z.string()).parse(JSON.parse(encoded.slice(2))));
  if (!encoded.startsWith("n:")) throw new Error("Invalid id set encoding");
  const bytes = Buffer.from(encoded.slice(2), "base64url");
  const ids = new Set<string>();
  let previous = 0;
  let delta = 0;
  let scale = 1;
  for (const byte of bytes) {
    delta += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 0x80;
      continue;
    }
    previous += delta;
    ids.add(String(previous));
    delta = 0;
    scale = 1;
  }
  return ids;
}
