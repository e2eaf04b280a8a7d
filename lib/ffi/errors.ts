import { Status } from "./abi.ts";

/**
 * What went wrong, for code to branch on: bad input or data, a missing GPU or library, a limit, a closed object, or a
 * library of another ABI.
 */
export type TruenoErrorCode =
  | "BufferTooSmall"
  | "CorruptedData"
  | "InvalidInput"
  | "Unsupported"
  | "GpuNotAvailable"
  | "GpuError"
  | "OutOfMemory"
  | "LimitExceeded"
  | "DictionaryMismatch"
  | "Closed"
  | "LibraryNotFound"
  | "AbiMismatch";

/** Every failure of this module: a code to branch on and a message for people. */
export class TruenoError extends Error {
  /** Which failure this is. */
  readonly code: TruenoErrorCode;

  /** An error of `code`; the message reads `code: message`. */
  constructor(code: TruenoErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "TruenoError";
    this.code = code;
  }
}

/** The one mapping of the library's negative status codes to error codes; anything else (undefined too:
 * no status where one was expected) is an ABI mismatch. */
export function codeOfStatus(status: number | undefined): TruenoErrorCode {
  switch (status) {
    case Status.BufferTooSmall:
      return "BufferTooSmall";
    case Status.Corrupted:
      return "CorruptedData";
    case Status.Invalid:
      return "InvalidInput";
    case Status.Unsupported:
      return "Unsupported";
    case Status.GpuNotAvailable:
      return "GpuNotAvailable";
    case Status.NoMemory:
      return "OutOfMemory";
    case Status.Limit:
      return "LimitExceeded";
    case Status.Closed:
      return "Closed";
    case Status.GpuFailed:
      return "GpuError";
    case Status.Dictionary:
      return "DictionaryMismatch";
    default:
      throw new TruenoError("AbiMismatch", `the library returned the unknown status ${status}`);
  }
}

/** What a status means where its code alone does not say it. */
const EXPLANATIONS: Partial<Record<number, string>> = {
  [Status.Dictionary]: "a Zstandard page names a dictionary (by its ID) that this compressor does not hold",
};

/** Returns a non-negative status as is; throws the matching TruenoError for a negative one. */
export function checkStatus(status: number, what: string): number {
  if (status >= 0) return status;
  const why = EXPLANATIONS[status];
  throw new TruenoError(
    codeOfStatus(status),
    `${what} failed (status ${status}${why === undefined ? "" : `: ${why}`})`,
  );
}
