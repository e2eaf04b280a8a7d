/** The CLI's exit statuses, one per kind of outcome, so that scripts can tell them apart. */
import { ProcMemError } from "../procmem/errors.ts";
import { UsageError } from "./usage-error.ts";

export const EXIT = {
  ok: 0,
  /** A failure while running: no library, a failed round trip, a file that cannot be written. */
  failure: 1,
  /** A bad command line. */
  usage: 2,
  /** Not permitted to read the process (another user's, or ptrace restrictions). */
  permission: 3,
  /** No such process, or it exited while being read. */
  processGone: 4,
} as const;

export const EXIT_HELP = `Exit status: 0 done, 1 a failure while running, 2 a bad command line, 3 not permitted to read
the process, 4 no such process or it exited while being read.
`;

export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof ProcMemError) return e.reason === "permission" ? EXIT.permission : EXIT.processGone;
  return EXIT.failure;
}
