// What a long-running command started, to stop in reverse order on Ctrl-C or on a failure: npm start, npm run cluster.
import { onStopSignal } from "./cli.ts";
import { dataDir } from "./paths.ts";

export interface StopList {
  add(stop: () => Promise<void> | void): void;
  /** Stops everything once and exits with the first call's `code`; a later call waits for that. */
  shutdown(code: number): Promise<never>;
  /** Whether shutdown has begun: what ends then was asked to. */
  readonly stopping: boolean;
}

/** A stop list whose shutdown also runs on the first SIGINT or SIGTERM. */
export function stopList(): StopList {
  const stops: (() => Promise<void> | void)[] = [];
  let stopped: Promise<never> | undefined;
  const list: StopList = {
    get stopping() {
      return stopped !== undefined;
    },
    add: (stop) => {
      stops.push(stop);
    },
    // A second call (the chain, signalled by the same Ctrl-C, ending while the gateways stop) waits for the first
    // instead of exiting halfway through it.
    shutdown(code) {
      stopped ??= (async () => {
        if (stops.length > 0) console.log("stopping…");
        for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
        if (code === 0)
          console.log(`stopped; the chain and the gateways' data stay in ${dataDir()} for the next start`);
        process.exit(code);
      })();
      return stopped;
    },
  };
  onStopSignal(() => list.shutdown(0));
  return list;
}
