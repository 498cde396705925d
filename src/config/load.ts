import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { crossCheckConfig } from "./cross-check.js";
import { resolveEnvReferences } from "./env-references.js";
import { configSchema, type TelesyncConfig } from "./schema.js";

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
      document.errors.map((error) => ({ path: "", message: `YAML syntax: ${error.message}` })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): string => {
    let node: unknown = document.contents;
    for (const segment of path) {
      if (isMap(node)) node = node.get(segment, true);
      else if (isSeq(node) && typeof segment === "number") node = node.get(segment, true);
      else break;
    }
    const range = (node as Node | undefined)?.range;
    return range ? ` (line ${lineCounter.linePos(range[0]).line})` : "";
  };
  const raw = document.toJS();
  const resolved = resolveEnvReferences(raw, env);
  const problems = resolved.problems.map((p) => ({
    path: `${formatPath(p.path)}${lineOf(p.path)}`,
    message: p.message,
  }));
  const parsed = configSchema.safeParse(resolved.value);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, resolved.value, lineOf)));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);
  const crossProblems = crossCheckConfig(parsed.data);
  if (crossProblems.length > 0) {
    throw new ConfigError(
      file,
      crossProblems.map((p) => ({ path: `${formatPath(p.path)}${lineOf(p.path)}`, message: p.message })),
    );
  }
  return parsed.data;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  lineOf: (path: readonly PropertyKey[]) => string,
): { path: string; message: string } {
  const found = valueAt(root, issue.path);
  const expected = issue.message.replace(/^Invalid input: /, "");
  const message =
    issue.code === "invalid_type" && found === undefined
      ? `required: ${expected}`
      : expected.includes("found")
        ? expected
        : `${expected}; found ${describeFound(found)}`;
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
