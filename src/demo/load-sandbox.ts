/**
 * The CRM sandbox is a development tool kept in its own package (`sandbox/`, `@telesync/sandbox`):
 * the demo and `telesync sandbox` load it on demand so the product package never ships it.
 */
export type SandboxModule = typeof import("@telesync/sandbox");

export async function loadSandbox(): Promise<SandboxModule> {
  try {
    return await import("@telesync/sandbox");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error(
      "the CRM sandbox (@telesync/sandbox) is not installed: it is a development tool kept in the telesync repository, not in the npm package. Clone the repository and run `npm ci && npm run build`, then try again.",
      { cause: error },
    );
  }
}
