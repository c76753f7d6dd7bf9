// What the benchmarks read of the machine's processes: a free loopback port, and CPU time from /proc (Linux).
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's times: USER_HZ, 100 on Linux. */
const TICKS = 100;

/** A free loopback port: the same helper the process tests use. */
export { freePort } from "../../test/scripts/processes.ts";

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** CPU seconds the whole machine has been busy (every state but idle and iowait), summed over its cores. */
export function machineBusySeconds(): number {
  const [, ...times] = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/) ?? [];
  const ticks = times.map(Number);
  const all = ticks.reduce((sum, t) => sum + t, 0);
  return (all - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / TICKS;
}

/** The processes whose command line contains `fragment` (e.g. the anvil node of one data directory). */
export function pidsWithCommandLine(fragment: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(fragment);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}
