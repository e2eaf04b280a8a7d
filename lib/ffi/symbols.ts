// The ONE table of the library's exported functions, in a neutral vocabulary that each loader maps to
// its runtime's FFI types. "buffer" is a TypedArray passed zero-copy for the duration of the call.

export type NeutralType = "i32" | "f64" | "buffer";

export interface SymbolSpec {
  readonly parameters: readonly NeutralType[];
  readonly result: "i32" | "f64";
}

export const symbols = {
  tz_abi_version: { parameters: [], result: "i32" },
  tz_cpu_features: { parameters: [], result: "i32" },
  tz_backend_best: { parameters: [], result: "i32" },
  tz_backend_supported: { parameters: ["i32"], result: "i32" },
  tz_default_threads: { parameters: [], result: "i32" },

  tz_same_fill_word: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  tz_same_fill_byte: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  tz_is_zero: { parameters: ["buffer", "i32"], result: "i32" },
  tz_histogram: { parameters: ["buffer", "i32", "i32", "buffer"], result: "i32" },
  tz_entropy: { parameters: ["buffer", "i32", "i32"], result: "f64" },

  tz_compressor_new: { parameters: ["i32", "i32", "i32", "i32"], result: "i32" },
  tz_compressor_free: { parameters: ["i32"], result: "i32" },
  tz_compressor_backend: { parameters: ["i32"], result: "i32" },
  tz_compressor_threads: { parameters: ["i32"], result: "i32" },

  // (handle, page, raw_threshold, entropy_limit, out, out_cap, meta_out)
  tz_compress_page: {
    parameters: ["i32", "buffer", "i32", "f64", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // (handle, kind, src, src_len, pattern, out)
  tz_decompress_page: { parameters: ["i32", "i32", "buffer", "i32", "buffer", "buffer"], result: "i32" },
  // (handle, pages, n, raw_threshold, entropy_limit, arena, arena_cap, offsets, sizes, kinds, patterns)
  tz_compress_batch: {
    parameters: ["i32", "buffer", "i32", "i32", "f64", "buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // (handle, arena, arena_len, offsets, sizes, kinds, patterns, n, out, out_cap, status)
  tz_decompress_batch: {
    parameters: ["i32", "buffer", "i32", "buffer", "buffer", "buffer", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  tz_compress_batch_async: {
    parameters: ["i32", "buffer", "i32", "i32", "f64", "buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  tz_decompress_batch_async: {
    parameters: ["i32", "buffer", "i32", "buffer", "buffer", "buffer", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // (job, result_out[1])
  tz_job_poll: { parameters: ["i32", "buffer"], result: "i32" },
  tz_job_wait: { parameters: ["i32"], result: "i32" },

  tz_gpu_available: { parameters: [], result: "i32" },
  tz_gpu_built: { parameters: [], result: "i32" },
  tz_gpu_device_count: { parameters: [], result: "i32" },
  // (index, name_out, name_cap, props_out[8 doubles])
  tz_gpu_device_info: { parameters: ["i32", "buffer", "i32", "buffer"], result: "i32" },
  // (device, batch_pages, ring_slots, async_dma)
  tz_gpu_context_new: { parameters: ["i32", "i32", "i32", "i32"], result: "i32" },
  tz_gpu_context_free: { parameters: ["i32"], result: "i32" },
  // (handle, pages, n, raw_threshold, arena, arena_cap, offsets, sizes, kinds, patterns, times_out)
  tz_gpu_compress_batch: {
    parameters: ["i32", "buffer", "i32", "i32", "buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // (handle, arena, arena_len, offsets, sizes, kinds, patterns, n, out, out_cap, status, times_out)
  tz_gpu_decompress_batch: {
    parameters: [
      "i32",
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (page, out, out_cap)
  tz_gpu_codec_compress_page_host: { parameters: ["buffer", "buffer", "i32"], result: "i32" },

  // Batch tuning (issue 9): (mode) 1 = pre-fault batch output in bulk, 0 = off, -1 = query
  tz_batch_prefault: { parameters: ["i32"], result: "i32" },

  // ---- The page store over a zsmalloc-exact pool (csrc/store) ----
  tz_store_new: { parameters: ["i32"], result: "i32" },
  tz_store_free: { parameters: ["i32"], result: "i32" },
  // (store, limit_pages)
  tz_store_set_limit: { parameters: ["i32", "f64"], result: "i32" },
  tz_store_reset_max: { parameters: ["i32"], result: "i32" },
  // (store, stats_out[8 doubles])
  tz_store_stats: { parameters: ["i32", "buffer"], result: "i32" },
  tz_store_compact: { parameters: ["i32"], result: "i32" },
  // (store, first_page, n)
  tz_store_discard: { parameters: ["i32", "i32", "i32"], result: "i32" },
  // (store, first_page, n, states_out)
  tz_store_page_states: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // (store, compressor, first_page, pages, n, level, entropy_limit, arena, arena_cap, offsets, sizes, kinds,
  //  patterns, reasons, outcome_out[8])
  tz_store_write: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "buffer",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (compressor, pages, n, level, entropy_limit, arena, arena_cap, offsets, sizes, kinds, patterns, reasons)
  tz_store_compress_async: {
    parameters: [
      "i32",
      "buffer",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (job, result_out[1])
  tz_store_job_poll: { parameters: ["i32", "buffer"], result: "i32" },
  // (store, first_page, n, arena, arena_len, offsets, sizes, kinds, patterns, reasons, skip, outcome_out[8])
  tz_store_commit: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (store, compressor, first_page, n, out, out_cap)
  tz_store_read: { parameters: ["i32", "i32", "i32", "i32", "buffer", "i32"], result: "i32" },
  // (store, first_page, n, arena, arena_cap, offsets, sizes, kinds, patterns)
  tz_store_gather: {
    parameters: ["i32", "i32", "i32", "buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },

  // Zstandard dictionaries (issue 12): (algorithm, level, threads, backend, dict, dict_len)
  tz_compressor_new_dict: { parameters: ["i32", "i32", "i32", "i32", "buffer", "i32"], result: "i32" },
  // (pages, n, dict_out, dict_cap)
  tz_zstd_train_dictionary: { parameters: ["buffer", "i32", "buffer", "i32"], result: "i32" },
  // Idle tracking and recompression of the page store (issue 12): (store, seconds; < 0 = system clock)
  tz_store_set_clock: { parameters: ["i32", "f64"], result: "i32" },
  // (store, age_seconds; < 0 = all)
  tz_store_mark_idle: { parameters: ["i32", "f64"], result: "i32" },
  // (store, first_page, n, flags_out)
  tz_store_page_flags: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // (store, primary, compressors[4], prio, prio_max, num_active, mode, threshold, max_pages, out[4 doubles])
  tz_store_recompress: {
    parameters: ["i32", "i32", "buffer", "i32", "i32", "i32", "i32", "i32", "f64", "buffer"],
    result: "i32",
  },
  // Writeback to a backing file: (store, path, path_len, errno_out[1])
  tz_store_set_backing: { parameters: ["i32", "buffer", "i32", "buffer"], result: "i32" },
  // (store, primary, scans[3 per scan], scan_count, limit_enabled, limit_pages[1 double], out[4 doubles])
  tz_store_writeback: { parameters: ["i32", "i32", "buffer", "i32", "i32", "buffer", "buffer"], result: "i32" },
  // (store, out[4 doubles])
  tz_store_backing_stats: { parameters: ["i32", "buffer"], result: "i32" },
} as const satisfies Record<string, SymbolSpec>;

export type SymbolName = keyof typeof symbols;

/** Any TypedArray or DataView: what a "buffer" parameter accepts. */
export type NativeBuffer = ArrayBufferView;

type JsType<T extends NeutralType> = T extends "buffer" ? NativeBuffer : number;
type JsParameters<P extends readonly NeutralType[]> = {
  [K in keyof P]: P[K] extends NeutralType ? JsType<P[K]> : never;
};

/** The JS signatures of the table's functions, as both loaders expose them. */
export type NativeSymbols = {
  [N in SymbolName]: (...args: JsParameters<(typeof symbols)[N]["parameters"]>) => number;
};

/** What a loader returns: the bound functions and the runtime's way of awaiting an async batch job. */
export interface NativeLibrary {
  readonly path: string;
  readonly symbols: NativeSymbols;
  /** Resolves with the job's result (tz_job_wait's value) without blocking the JS thread. */
  waitJob(job: number): Promise<number>;
}
