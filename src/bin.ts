import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  streams: { stdout: process.stdout, stderr: process.stderr },
});
