// The CLI as a child process runs it from source: `node --import tsx test/support/cli-entry.ts …`.
import { main } from "../../src/cli/main.js";

await main(process.argv);
