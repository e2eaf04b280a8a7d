/**
 * What choosing a SIMD backend changes, stated once for bench's output (csrc/simd: tz_scan_ops). The
 * codecs are the same reference liblz4 and libzstd in every backend.
 */
export const BACKEND_LOOPS = {
  /** Page loops with a vector form per backend. */
  vectorised: ["same-fill check (kernel rule, all 512 words equal)", "zero check"],
  /** Page loops that run the same scalar code whatever the backend. */
  sameInEveryBackend: ["byte histogram (entropy)", "LZ4 and Zstandard (liblz4, libzstd)"],
} as const;

export const BACKEND_NOTE = `backends differ only in: ${BACKEND_LOOPS.vectorised.join(", ")}; ` +
  `the same code in every backend: ${BACKEND_LOOPS.sameInEveryBackend.join(", ")}`;
