// What a long-running command started, to stop in reverse order on Ctrl-C or on a failure: npm start, npm run cluster.
import { onStopSignal } from "./cli.ts";
import { dataDir } from "./paths.ts";

export interface StopList {
  add(stop: () => Promise<void> | void): void;
  /** Stops everything once (later calls wait for nothing) and exits with `code`. */
  shutdown(code: number): Promise<never>;
  /** Whether shutdown has begun: what ends then was asked to. */
  readonly stopping: boolean;
}

/** A stop list whose shutdown also runs on the first SIGINT or SIGTERM. */
export function stopList(): StopList {
  const stops: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const list: StopList = {
    get stopping() {
      return stopping;
    },
    add: (stop) => {
      stops.push(stop);
    },
    async shutdown(code) {
      if (!stopping) {
        stopping = true;
        if (stops.length > 0) console.log("stopping…");
        for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
        if (code === 0)
          console.log(`stopped; the chain and the gateways' data stay in ${dataDir()} for the next start`);
      }
      process.exit(code);
    },
  };
  onStopSignal(() => list.shutdown(0));
  return list;
}
