// Whether a process recorded by its id (a build lock's holder, a running npm start) still runs.

/** True while a process with this id exists, ours or another user's (EPERM: it exists, we may not signal it). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
