// The constants of csrc/include/trueno_zram.h, mirrored once. Keep in step with the header.

/** The header's TZ_ABI_VERSION this module was written against; checked when the library loads. */
export const ABI_VERSION = 3;

/** Bytes in a page: every page compressed, stored or read is this long. */
export const PAGE_SIZE = 4096;
/** Largest batch: the arena (n * 4096 bytes) must fit an int32 length. */
export const MAX_BATCH_PAGES = 524287;
/** TZ_MAX_THREADS: most batch worker threads one compressor may own. */
export const MAX_THREADS = 256;
/** Bytes per same-fill pattern in the pattern buffers (one little-endian 64-bit word). */
export const PATTERN_BYTES = 8;
/** Bytes of tz_compress_page's meta_out: [0] kind, [8..16) pattern. */
export const PAGE_META_BYTES = 16;

export const Status = {
  Ok: 0,
  BufferTooSmall: -1,
  Corrupted: -2,
  Invalid: -3,
  Unsupported: -4,
  GpuNotAvailable: -5,
  NoMemory: -6,
  Closed: -7,
  GpuFailed: -8,
  /** TZ_E_LIMIT: a process-wide limit (open compressors, outstanding async jobs, GPU contexts). */
  Limit: -9,
  /** TZ_E_DICTIONARY: a Zstandard page names a dictionary the decoding compressor does not hold. */
  Dictionary: -10,
} as const;

/** Requested algorithms (compressor configuration). */
export const Algo = {
  None: 0,
  Lz4: 1,
  Lz4hc: 2,
  Zstd: 3,
  Adaptive: 4,
} as const;

/** Stored page kinds: the one authoritative kind per page. */
export const Kind = {
  Same: 1,
  Lz4: 2,
  Zstd: 3,
  Raw: 4,
  GpuLz4: 5,
} as const;
export type KindCode = (typeof Kind)[keyof typeof Kind];

export const Backend = {
  Auto: -1,
  Scalar: 0,
  Avx2: 1,
  Avx512: 2,
  Neon: 3,
} as const;

export const CpuFeature = {
  Sse42: 1,
  Avx2: 2,
  Avx512: 4,
  Neon: 8,
} as const;

/** TZ_MAX_HANDLES: most compressors open at once, and most async jobs outstanding at once. */
export const MAX_HANDLES = 65535;
/** TZ_MAX_GPU_CONTEXTS: most GPU batch contexts open at once. */
export const MAX_GPU_CONTEXTS = 64;
/** Largest length an int32 FFI argument carries; longer buffers are only ever passed clamped to it. */
export const MAX_FFI_LENGTH = 0x7fffffff;

/** TZ_DICT_MIN_BYTES: the smallest dictionary capacity the trainer accepts. */
export const DICT_MIN_BYTES = 256;
