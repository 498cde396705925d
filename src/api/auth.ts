import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Bearer-key check in constant time (per key); an empty key list refuses everything. */
export function bearerKeyChecker(keys: readonly string[]): (authorization: string | undefined) => boolean {
  const digests = keys.map(digest);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return false;
    const presented = digest(match[1] as string);
    let ok = false;
    for (const key of digests) ok = timingSafeEqual(key, presented) || ok;
    return ok;
  };
}
