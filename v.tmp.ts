import { main } from "./reconciler/cli/main.js";
process.exitCode = await main(process.argv);
