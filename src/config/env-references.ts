/** Keys whose values are secrets: they must be `${VAR}` references, never written inline. */
const secretKeys = new Set([
  "clientSecret",
  "refreshToken",
  "accessToken",
  "webhookSecret",
  "keys",
  "key",
  "apiKey",
  "password",
]);

/** Under `api.keys`, an entry's name, scopes and campaigns are not secret: only its `key`. */
const publicUnderKeys = new Set(["name", "scopes", "campaigns"]);

/** Whether a config path lies under a secret key, whose value must never be printed. */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some(
    (segment, i) =>
      typeof segment === "string" &&
      secretKeys.has(segment) &&
      !(segment === "keys" && path.slice(i + 1).some((s) => typeof s === "string" && publicUnderKeys.has(s))),
  );
}

const referencePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const wholeReference = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Replace `${VAR}` (and `${VAR:-default}`) in every string of a parsed config with the environment's
 * value. Returns the resolved document and a problem per missing variable or inline secret.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Record<string, string | undefined>,
  path: (string | number)[] = [],
  problems: ReferenceProblem[] = [],
): { value: unknown; problems: ReferenceProblem[] } {
  const underSecret = isSecretPath(path);
  if (typeof value === "string") {
    if (underSecret && !wholeReference.test(value.trim())) {
      problems.push({
        path,
        message: "secrets must come from the environment: write a reference such as ${MY_SECRET}",
      });
    }
    const resolved = value.replace(referencePattern, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      problems.push({
        path,
        message: `environment variable ${name} is not set (export it or add it to .env)`,
      });
      return "";
    });
    return { value: resolved, problems };
  }
  if (Array.isArray(value)) {
    return {
      value: value.map((item, i) => resolveEnvReferences(item, env, [...path, i], problems).value),
      problems,
    };
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a `__proto__` key stays a plain key (refused by the schema), never a prototype.
      Object.defineProperty(out, key, {
        value: resolveEnvReferences(item, env, [...path, key], problems).value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { value: out, problems };
  }
  return { value, problems };
}
