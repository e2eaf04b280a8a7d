// Deno loader: Deno.dlopen. An async batch job is awaited through a `nonblocking` binding of
// tz_job_wait, which blocks one of Deno's worker threads instead of the JS thread.
import { type NativeLibrary, type NativeSymbols, type NeutralType, symbols } from "./symbols.ts";

const denoType: Record<NeutralType, Deno.NativeType> = { i32: "i32", f64: "f64", buffer: "buffer" };

const JOB_WAIT_NONBLOCKING = "tz_job_wait_nonblocking";

export function openLibrary(path: string): NativeLibrary {
  const defs: Record<string, Deno.ForeignFunction> = {};
  for (const [name, spec] of Object.entries(symbols)) {
    defs[name] = {
      parameters: spec.parameters.map((p) => denoType[p]),
      result: denoType[spec.result] as Deno.NativeResultType,
    };
  }
  defs[JOB_WAIT_NONBLOCKING] = { name: "tz_job_wait", parameters: ["i32"], result: "i32", nonblocking: true };
  const bound = Deno.dlopen(path, defs).symbols as unknown as Record<string, (...args: unknown[]) => unknown>;
  const waitNonblocking = bound[JOB_WAIT_NONBLOCKING] as (job: number) => Promise<number>;

  return {
    path,
    symbols: bound as unknown as NativeSymbols,
    waitJob: (job: number) => waitNonblocking(job),
  };
}
