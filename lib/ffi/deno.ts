// Deno loader: Deno.dlopen. An async batch job is awaited through a `nonblocking` binding of
// tz_job_wait, which blocks one of Deno's worker threads instead of the JS thread.
import { type NativeLibrary, type NativeSymbols, type NeutralType, symbols } from "./symbols.ts";

/**
 * The part of Deno's FFI used here, declared locally so that the module type-checks without Deno's types
 * (in a Bun project, or under tsc). The neutral type names are Deno's own.
 */
interface ForeignFunction {
  name?: string;
  parameters: readonly NeutralType[];
  result: NeutralType;
  nonblocking?: boolean;
}
interface DenoFfi {
  dlopen(path: string, defs: Record<string, ForeignFunction>): { symbols: Record<string, unknown> };
}
const deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;

const JOB_WAIT_NONBLOCKING = "tz_job_wait_nonblocking";

export function openLibrary(path: string): NativeLibrary {
  const defs: Record<string, ForeignFunction> = {};
  for (const [name, spec] of Object.entries(symbols)) {
    defs[name] = { parameters: spec.parameters, result: spec.result };
  }
  defs[JOB_WAIT_NONBLOCKING] = { name: "tz_job_wait", parameters: ["i32"], result: "i32", nonblocking: true };
  const bound = deno.dlopen(path, defs).symbols as Record<string, (...args: unknown[]) => unknown>;
  const waitNonblocking = bound[JOB_WAIT_NONBLOCKING] as (job: number) => Promise<number>;

  return {
    path,
    symbols: bound as unknown as NativeSymbols,
    waitJob: (job: number) => waitNonblocking(job),
  };
}
