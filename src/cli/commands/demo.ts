import type { Command } from "commander";
import { runDemo } from "../../demo/run-demo.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the whole loop on the built-in CRM sandbox and a local Redis (what `npm start` runs)")
    .option("--leads <n>", "how many leads to seed", "2000")
    .action(async (options: { leads: string }) => {
      await runDemo({ leads: Number(options.leads), print: (line) => console.log(line) });
    });
}
