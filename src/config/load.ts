import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { crossCheckConfig } from "./cross-check.js";
import { isSecretPath, resolveEnvReferences } from "./env-references.js";
import { salvageConfig } from "./salvage.js";
import { configSchema, type TelesyncConfig } from "./schema.js";
import { nearestKey } from "./suggest.js";

export const defaultConfigFile = "telesync.config.yaml";

/** `--config`, else TELESYNC_CONFIG, else telesync.config.yaml. */
export function configPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  return flag ?? env.TELESYNC_CONFIG ?? defaultConfigFile;
}

type Path = (string | number)[];

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function quoteKey(key: string): string {
  return /^[\w.-]+$/.test(key) ? `\`${key}\`` : JSON.stringify(key);
}

/** "unknown key `wehre`; did you mean `where`?", else the keys allowed there. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const nearest = nearestKey(key, allowed);
  if (nearest) return `unknown key ${quoteKey(key)}; did you mean ${quoteKey(nearest)}?`;
  const listed = allowed.length > 0 ? allowed.map(quoteKey).join(", ") : "none";
  return `unknown key ${quoteKey(key)}; expected one of ${listed}`;
}

/**
 * Words zod's issues for people editing the file. An unknown key is refused (every config object is
 * strict, so a misspelled `where` is not silently dropped) and named with the nearest allowed key.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "unrecognized_keys") return undefined;
  const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  const allowed = shape ? Object.keys(shape) : [];
  return issue.keys.map((key) => unknownKeyMessage(key, allowed)).join("; ");
};

/** Parse and validate config text. `file` is only used in messages. Throws `ConfigError`. */
export function parseConfig(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
): TelesyncConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      // Only the first line: the rest is a frame of the source text, which may hold an inline secret.
      document.errors.map((error) => ({
        path: "",
        message: `YAML syntax: ${(error.message.split("\n")[0] ?? "").replace(/:$/, "")}`,
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): string => {
    let node: unknown = document.contents;
    let keyNode: unknown;
    for (const segment of path) {
      keyNode = undefined;
      if (isMap(node)) {
        // The key's own line: a block value starts on the next one, an unknown key has no value to show.
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
        keyNode = pair?.key;
        node = pair?.value;
      } else if (isSeq(node) && typeof segment === "number") node = node.get(segment, true);
      else break;
    }
    const range = ((keyNode ?? node) as Node | undefined)?.range;
    return range ? ` (line ${lineCounter.linePos(range[0]).line})` : "";
  };
  const raw = document.toJS();
  const resolved = resolveEnvReferences(raw, env);
  const problems = resolved.problems.map((p) => ({
    path: `${formatPath(p.path)}${lineOf(p.path)}`,
    message: p.message,
  }));
  const parsed = configSchema.safeParse(resolved.value, { error: configErrorMap });
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, resolved.value, lineOf)));
  }
  // Cross-section checks run on whatever parts are valid, so one run reports every mistake.
  const crossProblems = crossCheckConfig(
    parsed.success ? parsed.data : salvageConfig(resolved.value),
    configErrorMap,
  );
  problems.push(
    ...crossProblems.map((p) => ({ path: `${formatPath(p.path)}${lineOf(p.path)}`, message: p.message })),
  );
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, byLine(problems));
  return parsed.data;
}

/** Problems in the order of the file, so they read top to bottom beside it. */
function byLine<P extends { path: string }>(problems: P[]): P[] {
  const line = (p: P) => Number(/\(line (\d+)\)$/.exec(p.path)?.[1] ?? 0);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => line(a.p) - line(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  lineOf: (path: readonly PropertyKey[]) => string,
): { path: string; message: string } {
  if (issue.code === "unrecognized_keys") {
    // One unknown key (the usual typo): point at the key itself, whose line is the one to fix.
    const path = issue.keys.length === 1 ? [...issue.path, issue.keys[0] as string] : issue.path;
    return { path: `${formatPath(path)}${lineOf(path)}`, message: issue.message };
  }
  const found = valueAt(root, issue.path);
  const expected = issue.message.replace(/^Invalid input: /, "");
  // A secret's value is never printed, not even a wrong one.
  const shown =
    isSecretPath(issue.path) && found !== undefined ? "a secret value (not shown)" : describeFound(found);
  const message =
    issue.code === "invalid_type" && found === undefined
      ? `required: ${expected}`
      : expected.includes("found")
        ? expected
        : `${expected}; found ${shown}`;
  return { path: `${formatPath(issue.path)}${lineOf(issue.path)}`, message };
}

/** Read, resolve `${VAR}` references and validate a config file. Throws `ConfigError`. */
export function loadConfig(
  file: string,
  env: Record<string, string | undefined> = process.env,
): TelesyncConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError(file, [
      {
        path: "",
        message: `${reason}: pass --config <file>, set TELESYNC_CONFIG, or copy telesync.config.example.yaml`,
      },
    ]);
  }
  return parseConfig(text, file, env);
}

export type { Path };
