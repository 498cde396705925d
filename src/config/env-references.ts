/** Keys whose values are secrets: they must be `${VAR}` references, never written inline. */
const secretKeys = new Set([
  "clientSecret",
  "refreshToken",
  "accessToken",
  "webhookSecret",
  "keys",
  "apiKey",
  "password",
]);

/** Whether a config path lies under a secret key, whose value must never be printed. */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((segment) => typeof segment === "string" && secretKeys.has(segment));
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
      out[key] = resolveEnvReferences(item, env, [...path, key], problems).value;
    }
    return { value: out, problems };
  }
  return { value, problems };
}
