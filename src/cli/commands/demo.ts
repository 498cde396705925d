import type { Command } from "commander";
import { parseAt } from "../clock-option.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the whole loop on the built-in CRM sandbox and a local Redis (what `npm start` runs)")
    .option("--leads <n>", "how many Salesforce leads to seed", "500")
    .option(
      "--at <time>",
      "the demo's clock, ISO 8601 with offset (e.g. 2026-12-02T03:00:00-05:00 to see the gate hold leads at night); default: next Wednesday 15:00 New York",
    )
    .action(async (options: { leads: string; at?: string }) => {
      const at = options.at === undefined ? undefined : parseAt(options.at);
      // Loaded here, not with the CLI: the demo brings the HTTP service and the sandbox (~7 MiB of
      // live heap) that every other command, `telesync sync` included, would otherwise carry.
      const { runDemo } = await import("../../demo/run-demo.js");
      await runDemo({
        leads: Number(options.leads),
        print: (line) => console.log(line),
        ...(at ? { at } : {}),
      });
    });
}
