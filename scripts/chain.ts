// npm run chain: only the embedded local chain (state kept under data/chain), for developers' own tools.

import { LOCAL_CHAIN_ID } from "../lib/chain/devKeys.ts";
import { onStopSignal, parseFlags, runCli } from "./lib/cli.ts";
import { startLocalChain } from "./lib/localChain.ts";
import { dataDir } from "./lib/paths.ts";

runCli(async () => {
  const flags = parseFlags({ port: { type: "string" } }, "npm run chain -- [--port 8545]");
  const port = Number(flags.port ?? process.env.CHAIN_PORT ?? 8545);
  const chain = await startLocalChain({
    dataDir: dataDir(),
    port,
    onExit: (code) => {
      console.error(`the local chain exited (code ${code})`);
      process.exit(1);
    },
  });
  console.log(`local chain ${LOCAL_CHAIN_ID} at ${chain.rpcUrl}, state in ${dataDir()}/chain (Ctrl-C to stop)`);
  const stop = async () => {
    await chain.stop();
    process.exit(0);
  };
  onStopSignal(stop);
});
