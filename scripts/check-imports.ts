/**
 * The import rules of telesync's layout (docs/architecture.md), checked on the TypeScript sources of
 * the product (`src/`, `connectors/`). Prints one line per violation, `file:line rule: detail`, and
 * exits 1 when there is any.
 *
 *   npx tsx scripts/check-imports.ts [root]      (npm run check:imports)
 *
 * Every import counts, type-only ones included: a type import ties two folders together as much as a
 * value import does when one of them is edited.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export type Rule =
  | "core-imports-vendor-sdk"
  | "core-imports-vendor-folder"
  | "connector-imports-connector"
  | "pure-stage-imports-io"
  | "pure-stage-reads-clock"
  | "product-imports-dev-code"
  | "folder-cycle";

export interface Violation {
  /** Path relative to the root, with `/`. */
  file: string;
  line: number;
  rule: Rule;
  detail: string;
}

const vendorSdks = ["jsforce", "@hubspot/api-client"];
/** The only files of `connectors/` the core may import: the interface and the lookup by vendor. */
/** A file at the top of connectors/ that is no entry point (index, registry): code every connector shares. */
function sharedByConnectors(node: string): boolean {
  return (
    /^connectors\/[^/]+\.ts$/.test(node) &&
    node !== "connectors/index.ts" &&
    node !== "connectors/registry.ts"
  );
}

const connectorsEntryPoints = new Set([
  "connectors/index.ts",
  "connectors/types.ts",
  "connectors/registry.ts",
]);
/** Folders whose code must be pure functions of their inputs: no queue, Redis, HTTP, clock. */
const pureFolders = ["src/mapping", "src/compliance"];
const ioPackages = [
  "bullmq",
  "ioredis",
  "fastify",
  "undici",
  "http",
  "https",
  "http2",
  "net",
  "node:http",
  "node:https",
  "node:http2",
  "node:net",
];
/** Core folders that do I/O (queues, Redis, HTTP, workers): off limits to the pure folders. */
const ioFolders = [
  "src/queues",
  "src/runtime",
  "src/api",
  "src/cli",
  "src/sync",
  "src/writeback",
  "src/dialer",
  "src/consent",
  "src/compliance-gate",
  "src/demo",
];
/** Development code that must never be a static dependency of the product. */
const devFolders = ["sandbox", "bench", "test"];
const sandboxPackage = "@telesync/sandbox";
/** The demo loads the sandbox on demand (`await import(...)`), so the package never ships it. */
const sandboxLoader = "src/demo/load-sandbox.ts";

interface ImportSite {
  specifier: string;
  line: number;
  /** `import("x")` as an expression or a type (`typeof import("x")`): not loaded at start-up. */
  onDemand: boolean;
}

interface SourceFacts {
  imports: ImportSite[];
  clockReads: { line: number; expression: string }[];
}

function readFacts(fileName: string, text: string): SourceFacts {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const facts: SourceFacts = { imports: [], clockReads: [] };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      facts.imports.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), onDemand: false });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      facts.imports.push({
        specifier: node.moduleReference.expression.text,
        line: lineOf(node),
        onDemand: false,
      });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument))
        facts.imports.push({ specifier: argument.text, line: lineOf(node), onDemand: true });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      facts.imports.push({ specifier: node.argument.literal.text, line: lineOf(node), onDemand: true });
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression.getText(source);
      if (callee === "Date.now" || callee === "performance.now")
        facts.clockReads.push({ line: lineOf(node), expression: `${callee}()` });
    } else if (
      ts.isNewExpression(node) &&
      node.expression.getText(source) === "Date" &&
      (node.arguments === undefined || node.arguments.length === 0)
    ) {
      facts.clockReads.push({ line: lineOf(node), expression: "new Date()" });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return facts;
}

/** A relative specifier → the repository file it names (`.js` → `.ts`, folder → index.ts). */
function resolveRelative(fromFile: string, specifier: string, exists: (path: string) => boolean): string {
  const base = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
  const candidates = [
    base.replace(/\.(m|c)?js$/, ".$1ts"),
    base,
    `${base}.ts`,
    `${base}/index.ts`,
    base.replace(/\.(m|c)?js$/, ".d.$1ts"),
  ];
  return candidates.find(exists) ?? base;
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `node:http` stays. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const isUnder = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);

/**
 * The unit of the folder graph: the top-level folder of a stage or connector (`src/sync`,
 * `connectors/hubspot`), or the file itself for files at the top of `src/` or `connectors/`
 * (`src/errors.ts`, `connectors/types.ts`) so shared leaf files do not fuse everything into one node.
 */
export function folderOf(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : file;
}

function listSources(root: string, folder: string): string[] {
  const absolute = join(root, folder);
  let entries: string[];
  try {
    entries = readdirSync(absolute);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry === "node_modules" || entry === "dist") continue;
    const path = posix.join(folder, entry);
    if (statSync(join(root, path)).isDirectory()) files.push(...listSources(root, path));
    else if (/\.(m|c)?ts$/.test(entry) && !entry.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

/** Check every rule on the product sources under `root`; violations sorted by file and line. */
export function checkImports(root: string): Violation[] {
  const files = [...listSources(root, "src"), ...listSources(root, "connectors")];
  const known = new Set(files);
  const exists = (path: string) => {
    if (known.has(path)) return true;
    try {
      return statSync(join(root, path)).isFile();
    } catch {
      return false;
    }
  };
  const violations: Violation[] = [];
  /** folder → folder → the first import site that makes the edge. */
  const edges = new Map<string, Map<string, { file: string; line: number }>>();

  for (const file of files) {
    const facts = readFacts(file, readFileSync(join(root, file), "utf8"));
    const inCore = isUnder(file, "src");
    const pureFolder = pureFolders.find((folder) => isUnder(file, folder));
    const ownConnector = isUnder(file, "connectors") ? folderOf(file) : undefined;
    const report = (line: number, rule: Rule, detail: string) =>
      violations.push({ file, line, rule, detail });

    for (const site of facts.imports) {
      const relativeImport = site.specifier.startsWith(".");
      const target = relativeImport ? resolveRelative(file, site.specifier, exists) : undefined;
      const pkg = relativeImport ? undefined : packageOf(site.specifier);

      if (inCore && pkg && vendorSdks.includes(pkg))
        report(
          site.line,
          "core-imports-vendor-sdk",
          `${site.specifier} (vendor SDKs live in connectors/<vendor>/)`,
        );
      if (inCore && target && isUnder(target, "connectors") && !connectorsEntryPoints.has(target))
        report(
          site.line,
          "core-imports-vendor-folder",
          `${target} (the core reaches connectors only through ${[...connectorsEntryPoints].join(", ")})`,
        );
      if (ownConnector && target && isUnder(target, "connectors")) {
        const targetFolder = folderOf(target);
        if (
          targetFolder !== ownConnector &&
          !connectorsEntryPoints.has(targetFolder) &&
          !sharedByConnectors(targetFolder) &&
          ownConnector !== file
        )
          report(site.line, "connector-imports-connector", `${ownConnector} imports ${target}`);
      }
      if (pureFolder) {
        if (pkg && ioPackages.includes(pkg))
          report(site.line, "pure-stage-imports-io", `${pureFolder} imports ${site.specifier}`);
        const ioFolder = target && ioFolders.find((folder) => isUnder(target, folder));
        if (ioFolder)
          report(site.line, "pure-stage-imports-io", `${pureFolder} imports ${target} (${ioFolder})`);
      }
      const devTarget = target && devFolders.find((folder) => isUnder(target, folder));
      const sandboxByName = pkg === sandboxPackage;
      if (devTarget || sandboxByName) {
        const allowed = sandboxByName && site.onDemand && file === sandboxLoader;
        if (!allowed)
          report(
            site.line,
            "product-imports-dev-code",
            `${target ?? site.specifier} (${devTarget ?? "sandbox"}/ is development code; only ${sandboxLoader} loads ${sandboxPackage}, on demand)`,
          );
      }
      if (target && known.has(target)) {
        const from = folderOf(file);
        const to = folderOf(target);
        if (from !== to) {
          const out = edges.get(from) ?? new Map<string, { file: string; line: number }>();
          if (!out.has(to)) out.set(to, { file, line: site.line });
          edges.set(from, out);
        }
      }
    }
    if (pureFolder)
      for (const read of facts.clockReads)
        violations.push({
          file,
          line: read.line,
          rule: "pure-stage-reads-clock",
          detail: `${read.expression} in ${pureFolder} (take the time as an input)`,
        });
  }

  for (const cycle of folderCycles(edges)) {
    const members = new Set(cycle);
    for (const from of cycle)
      for (const [to, site] of edges.get(from) ?? [])
        if (members.has(to))
          violations.push({
            file: site.file,
            line: site.line,
            rule: "folder-cycle",
            detail: `${from} → ${to} (circle: ${cycle.join(", ")})`,
          });
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Strongly connected components of more than one folder (Tarjan), each sorted by name. */
function folderCycles(edges: Map<string, Map<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const nodes = new Set<string>([...edges.keys(), ...[...edges.values()].flatMap((out) => [...out.keys()])]);
  const connect = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) connect(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line} ${violation.rule}: ${violation.detail}`;
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const violations = checkImports(root);
  for (const violation of violations) console.log(formatViolation(violation));
  const where = relative(process.cwd(), root).split(sep).join("/") || ".";
  console.log(
    violations.length === 0
      ? `check-imports: ${where}: no violations`
      : `check-imports: ${where}: ${violations.length} violation(s)`,
  );
  process.exitCode = violations.length === 0 ? 0 : 1;
}
