// The CPU's SIMD features and the names of the page-loop backends.
import { Backend, CpuFeature } from "./ffi/abi.ts";
import { TruenoError } from "./ffi/errors.ts";
import { native } from "./ffi/load.ts";

/** A page-loop backend: AVX-512 or AVX2 (x86-64), NEON (arm64), or portable scalar code. */
export type SimdBackend = "avx512" | "avx2" | "neon" | "scalar";

const CODES: Record<SimdBackend, number> = {
  avx512: Backend.Avx512,
  avx2: Backend.Avx2,
  neon: Backend.Neon,
  scalar: Backend.Scalar,
};

/** The TZ_BACKEND_* number of a backend name; InvalidInput for a name that is no backend. */
export function backendCode(name: SimdBackend): number {
  if (typeof name !== "string" || !Object.hasOwn(CODES, name)) {
    throw new TruenoError("InvalidInput", `unknown SIMD backend ${String(name)}; use one of ${Object.keys(CODES)}`);
  }
  return CODES[name];
}

export function backendName(code: number): SimdBackend {
  const entry = Object.entries(CODES).find(([, c]) => c === code);
  if (entry === undefined) throw new TruenoError("AbiMismatch", `the library reported unknown backend ${code}`);
  return entry[0] as SimdBackend;
}

/** Whether this CPU can run `name` (InvalidInput for a name that is no backend). */
export function backendSupported(name: SimdBackend): boolean {
  return native().tz_backend_supported(backendCode(name)) === 1;
}

/** The backend the page helpers use on this CPU. */
export function bestBackend(): SimdBackend {
  return backendName(native().tz_backend_best());
}

/** The SIMD instruction sets this CPU offers, as the library detected them. */
export function simdFeatures(): { avx512: boolean; avx2: boolean; sse42: boolean; neon: boolean } {
  const bits = native().tz_cpu_features();
  return {
    avx512: (bits & CpuFeature.Avx512) !== 0,
    avx2: (bits & CpuFeature.Avx2) !== 0,
    sse42: (bits & CpuFeature.Sse42) !== 0,
    neon: (bits & CpuFeature.Neon) !== 0,
  };
}
