/**
 * A config record's entry for a name that may come from outside (URL, lead id, webhook path):
 * own properties only, so `__proto__`, `constructor` or `toString` are unknown names, not
 * `Object.prototype` members.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
