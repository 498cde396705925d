import type { Command } from "commander";
import { runDemo } from "../../demo/run-demo.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the whole loop on the built-in CRM sandbox and a local Redis (what `npm start` runs)")
    .option("--leads <n>", "how many Salesforce leads to seed", "500")
    .action(async (options: { leads: string }) => {
      await runDemo({ leads: Number(options.leads), print: (line) => console.log(line) });
    });
}
