// Bun loader: bun:ffi dlopen. Bun has no non-blocking FFI call, so an async batch job is awaited by
// polling tz_job_poll on a timer with a short, growing back-off; the JS thread stays free meanwhile.
import { type NativeLibrary, type NativeSymbols, type NeutralType, symbols } from "./symbols.ts";

interface BunFfi {
  dlopen(
    path: string,
    defs: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => number> };
}

// Imported through a variable so that Deno's type checker does not try to resolve the bun: scheme.
const bunFfiSpecifier = "bun:ffi";
const ffi: BunFfi = await import(bunFfiSpecifier);

const bunType: Record<NeutralType, string> = { i32: "i32", f64: "f64", buffer: "buffer" };

/** Polls stay 0 ms apart for the first few tries, then back off by 1 ms every 4 tries up to this. */
const MAX_POLL_DELAY_MS = 4;

export function openLibrary(path: string): NativeLibrary {
  const defs: Record<string, { args: string[]; returns: string }> = {};
  for (const [name, spec] of Object.entries(symbols)) {
    defs[name] = { args: spec.parameters.map((p) => bunType[p]), returns: bunType[spec.result] };
  }
  const bound = ffi.dlopen(path, defs).symbols as unknown as NativeSymbols;

  function waitJob(job: number): Promise<number> {
    const resultOut = new Int32Array(1);
    return new Promise((resolve) => {
      let attempt = 0;
      const poll = () => {
        const done = bound.tz_job_poll(job, resultOut);
        if (done === 0) {
          attempt++;
          setTimeout(poll, Math.min(MAX_POLL_DELAY_MS, attempt >> 2));
        } else {
          // 1: finished, the batch's value is in resultOut; negative: the job is unknown.
          resolve(done === 1 ? resultOut[0]! : done);
        }
      };
      setTimeout(poll, 0);
    });
  }

  return { path, symbols: bound, waitJob };
}
