/** Why the pages of a process could not be read: the CLI turns each reason into a message and an exit code. */
export type ProcMemReason =
  /** /proc/PID/mem refused us (another user's process, or ptrace restrictions). */
  | "permission"
  /** No such process, or it exited while we read it. */
  | "gone";

export class ProcMemError extends Error {
  constructor(readonly reason: ProcMemReason, message: string) {
    super(message);
    this.name = "ProcMemError";
  }
}

/** Maps an fs error from opening or reading /proc/PID/... to a ProcMemError, or returns it unchanged. */
export function procError(pid: number, what: string, e: unknown): unknown {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT" || code === "ESRCH") {
    return new ProcMemError("gone", `process ${pid} does not exist or has exited (${what}: ${code})`);
  }
  if (code === "EACCES" || code === "EPERM") {
    return new ProcMemError(
      "permission",
      `not permitted to read process ${pid} (${what}: ${code}); run as the process's user or as root, ` +
        "and check /proc/sys/kernel/yama/ptrace_scope",
    );
  }
  return e;
}
