/*
 * trueno_zram.h: the whole C ABI of libtrueno_zram.
 *
 * Rules of the seam (see DESIGN.md):
 *  - Only integers, doubles and buffers cross it. Every function returns int32_t (or double for pure
 *    measurements): 0 or a positive count on success, a negative TZ_E_* code on failure.
 *  - No 64-bit integers in signatures: 64-bit values (same-fill patterns) travel in byte buffers,
 *    8 bytes little-endian per value.
 *  - Contexts are positive int32 handles, never pointers. A freed or unknown handle gives TZ_E_CLOSED.
 *  - No thread-local "last error". Every symbol exists in every build; without CUDA the GPU calls
 *    return TZ_E_UNSUPPORTED (build) or TZ_E_GPU_NOT_AVAILABLE (no driver/device at run time).
 *  - A failed call writes nothing the caller can observe as a result, unless stated (per-page status).
 */
#ifndef TRUENO_ZRAM_H
#define TRUENO_ZRAM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define TZ_API __declspec(dllexport)
#else
#define TZ_API __attribute__((visibility("default")))
#endif

/* Bumped on any change of a signature, a constant or a buffer layout below. */
#define TZ_ABI_VERSION 3

#define TZ_PAGE_SIZE 4096
#define TZ_PAGE_WORDS (TZ_PAGE_SIZE / 8)
/* Largest batch: the arena (n * 4096 bytes) must fit an int32 length. */
#define TZ_MAX_BATCH_PAGES 524287
/* Most batch worker threads one compressor may own. */
#define TZ_MAX_THREADS 256

/* ---- Status codes (mirrored once in lib/ffi/errors.ts) ---- */
#define TZ_OK 0
#define TZ_E_BUFFER_TOO_SMALL (-1)  /* an output buffer or arena is smaller than required */
#define TZ_E_CORRUPTED (-2)         /* compressed data does not decode to exactly one page */
#define TZ_E_INVALID (-3)           /* bad argument: length, algorithm, level, kind, offset, null */
#define TZ_E_UNSUPPORTED (-4)       /* backend missing on this CPU, or feature not built in */
#define TZ_E_GPU_NOT_AVAILABLE (-5) /* no CUDA driver or no such device */
#define TZ_E_NO_MEMORY (-6)         /* allocation failed (handle creation only; never per page) */
#define TZ_E_CLOSED (-7)            /* unknown or already freed handle */
#define TZ_E_GPU_FAILED (-8)        /* a CUDA call failed during a batch; no output was produced */

/* ---- Requested algorithms (compressor configuration) ---- */
#define TZ_ALGO_NONE 0     /* store every page RAW (still detects SAME) */
#define TZ_ALGO_LZ4 1      /* level = acceleration, 1..65537 (1 = LZ4_compress_default); 0 means 1 */
#define TZ_ALGO_LZ4HC 2    /* level 1..12 (1..LZ4HC_CLEVEL_MAX); 0 means the default, 9 */
#define TZ_ALGO_ZSTD 3     /* level 1..19; 0 means 1 */
#define TZ_ALGO_ADAPTIVE 4 /* per page, see csrc/codec/adaptive.c; level ignored */

/* ---- Stored page kinds: the one authoritative kind per page; decompression dispatches on it ---- */
#define TZ_KIND_SAME 1    /* size 0; the page is 512 copies of the 8-byte pattern */
#define TZ_KIND_LZ4 2     /* LZ4 block format (also LZ4-HC output) */
#define TZ_KIND_ZSTD 3    /* one Zstandard frame, content size 4096 */
#define TZ_KIND_RAW 4     /* the 4096 page bytes as they are */
#define TZ_KIND_GPU_LZ4 5 /* LZ4 block format produced by the GPU path; decoded by liblz4 */

/* ---- SIMD backends for the hot page loops ---- */
#define TZ_BACKEND_AUTO (-1) /* in a call: the compressor's / process's chosen backend */
#define TZ_BACKEND_SCALAR 0
#define TZ_BACKEND_AVX2 1
#define TZ_BACKEND_AVX512 2
#define TZ_BACKEND_NEON 3

/* ---- CPU feature bits (tz_cpu_features) ---- */
#define TZ_CPU_SSE42 1
#define TZ_CPU_AVX2 2
#define TZ_CPU_AVX512 4 /* AVX-512 F + BW, with OS support for the ZMM state */
#define TZ_CPU_NEON 8

/* ---- Library and CPU ---- */
TZ_API int32_t tz_abi_version(void);
TZ_API int32_t tz_cpu_features(void);
/* The best backend this CPU supports (chosen once per process). */
TZ_API int32_t tz_backend_best(void);
/* 1 if `backend` can run on this CPU, 0 if not, TZ_E_INVALID for an unknown number. */
TZ_API int32_t tz_backend_supported(int32_t backend);
/* Cores the library would use by default for batch threads. */
TZ_API int32_t tz_default_threads(void);

/* ---- Page helpers (stateless). `backend` is TZ_BACKEND_* or TZ_BACKEND_AUTO; an unsupported one
 * gives TZ_E_UNSUPPORTED. `page` is exactly TZ_PAGE_SIZE bytes unless a length is given. ---- */
/* Kernel rule: 1 and the 8-byte pattern in pattern_out[0..8] if all 512 words are equal, else 0. */
TZ_API int32_t tz_same_fill_word(const uint8_t *page, int32_t backend, uint8_t *pattern_out);
/* 1 and the byte in byte_out[0] if all 4096 bytes are equal, else 0. */
TZ_API int32_t tz_same_fill_byte(const uint8_t *page, int32_t backend, uint8_t *byte_out);
/* 1 if all bytes are zero, else 0. */
TZ_API int32_t tz_is_zero(const uint8_t *page, int32_t backend);
/* counts_out[256] = byte histogram of data[0..len). len >= 0. */
TZ_API int32_t tz_histogram(const uint8_t *data, int32_t len, int32_t backend, uint32_t *counts_out);
/* Shannon entropy in bits per byte (0..8) of data[0..len); negative (a TZ_E_* value) on bad input. */
TZ_API double tz_entropy(const uint8_t *data, int32_t len, int32_t backend);

/* ---- Compressor: a handle owning per-thread codec states and a thread pool ----
 * threads: batch workers, 0 = tz_default_threads(). backend: TZ_BACKEND_* or TZ_BACKEND_AUTO.
 * Returns a handle > 0 or TZ_E_INVALID / TZ_E_UNSUPPORTED / TZ_E_NO_MEMORY. */
TZ_API int32_t tz_compressor_new(int32_t algorithm, int32_t level, int32_t threads, int32_t backend);
/* Waits for the handle's running jobs, then frees it. Later use gives TZ_E_CLOSED. */
TZ_API int32_t tz_compressor_free(int32_t handle);
/* The backend the compressor runs its page loops with. */
TZ_API int32_t tz_compressor_backend(int32_t handle);
TZ_API int32_t tz_compressor_threads(int32_t handle);

/*
 * Page routing in every compress call, in this order:
 *  1. same-filled by the kernel rule -> SAME (size 0, pattern written);
 *  2. entropy (bits/byte) > entropy_limit -> RAW without a compression attempt
 *     (pass 8.0 or more to never skip; the entropy is only computed when entropy_limit < 8);
 *  3. the algorithm; a result of raw_threshold bytes or more -> RAW (4096 bytes).
 *     raw_threshold is 1..4096; 4096 means "RAW only when it does not shrink".
 */

/* One page. out_cap >= 4096. Returns the stored size (0 for SAME, 4096 for RAW).
 * meta_out[0] = kind, meta_out[8..16] = pattern (SAME only; zeros otherwise); meta_out is 16 bytes. */
TZ_API int32_t tz_compress_page(int32_t handle, const uint8_t *page, int32_t raw_threshold,
                                double entropy_limit, uint8_t *out, int32_t out_cap, uint8_t *meta_out);
/* One page back to 4096 bytes in out. pattern is 8 bytes (read for SAME only; may be NULL otherwise). */
TZ_API int32_t tz_decompress_page(int32_t handle, int32_t kind, const uint8_t *src, int32_t src_len,
                                  const uint8_t *pattern, uint8_t *out);

/*
 * Batch of n pages (pages = n * 4096 bytes) in one call, spread over the compressor's threads.
 * arena_cap >= n * 4096. Page i's bytes land at arena[offsets[i] .. offsets[i] + sizes[i]); pages are
 * packed per work chunk, so the arena may have gaps; offsets only ever point inside [0, n * 4096).
 * kinds[i] = TZ_KIND_*, patterns[8i .. 8i+8) = SAME pattern (zeros otherwise).
 * Returns the sum of sizes (>= 0) or a negative code, in which case the outputs are unspecified.
 */
TZ_API int32_t tz_compress_batch(int32_t handle, const uint8_t *pages, int32_t n, int32_t raw_threshold,
                                 double entropy_limit, uint8_t *arena, int32_t arena_cap, int32_t *offsets,
                                 int32_t *sizes, uint8_t *kinds, uint8_t *patterns);
/*
 * Inverse: page i is rebuilt into out[i*4096 ..) from arena[offsets[i] .. + sizes[i]) and kinds[i].
 * Every offset/size is bounds-checked against arena_len first (TZ_E_INVALID, nothing written).
 * status[i] = 0 or a negative code per page. Returns the number of failed pages (0 = all good),
 * or a negative code for a bad argument. Pages that fail are left zeroed in out.
 */
TZ_API int32_t tz_decompress_batch(int32_t handle, const uint8_t *arena, int32_t arena_len,
                                   const int32_t *offsets, const int32_t *sizes, const uint8_t *kinds,
                                   const uint8_t *patterns, int32_t n, uint8_t *out, int32_t out_cap,
                                   int32_t *status);

/*
 * Asynchronous batches: the same arguments; the call validates them, queues the batch on the
 * compressor's pool and returns a job id > 0 at once. The caller keeps every buffer alive and untouched
 * until the job is finished. tz_job_poll returns 0 while running, 1 when finished (the batch's return
 * value written to result_out[0], and the job released); tz_job_wait blocks until finished and returns
 * the batch's return value (and releases the job). An unknown job gives TZ_E_CLOSED.
 */
TZ_API int32_t tz_compress_batch_async(int32_t handle, const uint8_t *pages, int32_t n,
                                       int32_t raw_threshold, double entropy_limit, uint8_t *arena,
                                       int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                                       uint8_t *patterns);
TZ_API int32_t tz_decompress_batch_async(int32_t handle, const uint8_t *arena, int32_t arena_len,
                                         const int32_t *offsets, const int32_t *sizes,
                                         const uint8_t *kinds, const uint8_t *patterns, int32_t n,
                                         uint8_t *out, int32_t out_cap, int32_t *status);
TZ_API int32_t tz_job_poll(int32_t job, int32_t *result_out);
TZ_API int32_t tz_job_wait(int32_t job);

/* ---- GPU (CUDA, optional). The driver (libcuda.so.1) is opened at run time, never linked. ---- */
/* 1 if kernels are built in and a CUDA device is usable, else 0. Never fails. */
TZ_API int32_t tz_gpu_available(void);
/* 1 if this library was built with CUDA kernels embedded, else 0. */
TZ_API int32_t tz_gpu_built(void);
/* Number of CUDA devices, or TZ_E_UNSUPPORTED / TZ_E_GPU_NOT_AVAILABLE. */
TZ_API int32_t tz_gpu_device_count(void);
/* name_out: NUL-terminated name, at most name_cap bytes. props_out (doubles, 8 slots):
 * [0] total memory bytes, [1] L2 cache bytes, [2] compute capability major, [3] minor,
 * [4] multiprocessors, [5] shared memory per block (optin) bytes, [6] memory clock kHz, [7] bus width bits */
TZ_API int32_t tz_gpu_device_info(int32_t index, uint8_t *name_out, int32_t name_cap, double *props_out);
/* A GPU batch context: pinned host buffers and a ring of `ring_slots` (1..16) slots of `batch_pages`
 * (1..TZ_MAX_BATCH_PAGES) pages. async_dma: overlap upload/kernel/download of successive slots.
 * Returns a handle > 0. */
TZ_API int32_t tz_gpu_context_new(int32_t device, int32_t batch_pages, int32_t ring_slots,
                                  int32_t async_dma);
TZ_API int32_t tz_gpu_context_free(int32_t handle);
/* Same layout as tz_compress_batch (kinds: SAME, GPU_LZ4 or RAW). raw_threshold as above.
 * times_out (doubles, 4 slots): h2d, kernel, d2h, total nanoseconds (CUDA events; total is wall). */
TZ_API int32_t tz_gpu_compress_batch(int32_t handle, const uint8_t *pages, int32_t n,
                                     int32_t raw_threshold, uint8_t *arena, int32_t arena_cap,
                                     int32_t *offsets, int32_t *sizes, uint8_t *kinds, uint8_t *patterns,
                                     double *times_out);
/* Same layout as tz_decompress_batch; accepts SAME, LZ4, GPU_LZ4 and RAW pages (ZSTD -> per-page
 * TZ_E_UNSUPPORTED). times_out as above. */
TZ_API int32_t tz_gpu_decompress_batch(int32_t handle, const uint8_t *arena, int32_t arena_len,
                                       const int32_t *offsets, const int32_t *sizes,
                                       const uint8_t *kinds, const uint8_t *patterns, int32_t n,
                                       uint8_t *out, int32_t out_cap, int32_t *status, double *times_out);
/* The GPU's per-page LZ4 step compiled for the CPU (bit-identical to the kernel's output), for tests on
 * machines without a GPU. Returns the compressed size, or 0 when the page does not fit in out_cap
 * (the GPU path then stores it RAW). */
TZ_API int32_t tz_gpu_codec_compress_page_host(const uint8_t *page, uint8_t *out, int32_t out_cap);

/* ---- Process-wide limits ----
 * Opening one more handle past a limit reports TZ_E_LIMIT, not TZ_E_NO_MEMORY: at most TZ_MAX_HANDLES
 * compressors open at once, TZ_MAX_HANDLES async jobs not yet waited for or polled to the end, and
 * TZ_MAX_GPU_CONTEXTS GPU contexts. */
#define TZ_E_LIMIT (-9)
#define TZ_MAX_HANDLES 65535
#define TZ_MAX_GPU_CONTEXTS 64

/* ---- Batch tuning (issue 9): for benchmarks and tests ---- */
/* mode 1: batch compress asks the kernel to populate fresh output memory in bulk (MADV_POPULATE_WRITE)
 * ahead of writing, instead of taking one page fault per page; 0: plain first touch (the default);
 * -1: only query. Process-wide. Returns the previous mode, or TZ_E_UNSUPPORTED (kernel before 5.14) /
 * TZ_E_INVALID. */
TZ_API int32_t tz_batch_prefault(int32_t mode);

/* ---- zsmalloc-exact page pool (csrc/pool; ../shared/zsmalloc.md): Linux 6.18's classes, zspages,
 * fullness groups and compaction, for 4 KiB pages. Object handles are 8 bytes (little-endian) in
 * caller buffers. 64-bit counts travel as doubles (exact below 2^53). ---- */
#define TZ_ZS_CLASS_COUNT 255
#define TZ_ZS_GROUPS 12
/* info_out[4] = object size, pages per zspage, objects per zspage, the distinct class it merged into. */
TZ_API int32_t tz_zs_class_info(int32_t index, int32_t *info_out);
/* The distinct class zs_malloc(len) uses (len 1..4096; the 8 handle bytes are added inside). */
TZ_API int32_t tz_zs_class_of(int32_t len);
TZ_API int32_t tz_zs_pool_new(void);
TZ_API int32_t tz_zs_pool_free(int32_t pool);
/* zs_malloc(len), len 1..4096: the handle in handle_out[0..8). TZ_E_NO_MEMORY when the system has none. */
TZ_API int32_t tz_zs_malloc(int32_t pool, int32_t len, uint8_t *handle_out);
/* zs_free. A stale or forged handle gives TZ_E_INVALID and changes nothing. */
TZ_API int32_t tz_zs_free(int32_t pool, const uint8_t *handle);
/* Copy len bytes (at most the object size) into / out of a live object. */
TZ_API int32_t tz_zs_write(int32_t pool, const uint8_t *handle, const uint8_t *data, int32_t len);
TZ_API int32_t tz_zs_read(int32_t pool, const uint8_t *handle, uint8_t *out, int32_t len);
/* info_out[4] = distinct class, zspage serial (creation order, from 1), slot, the zspage's group. */
TZ_API int32_t tz_zs_object_info(int32_t pool, const uint8_t *handle, int32_t *info_out);
/* The zspages on one fullness list of a distinct class, head first, as serials (up to cap written).
 * Returns the list's length. */
TZ_API int32_t tz_zs_group_list(int32_t pool, int32_t class_index, int32_t group, int32_t *serials_out,
                                int32_t cap);
/* zs_compact: returns the pages it freed. */
TZ_API int32_t tz_zs_compact(int32_t pool);
/* out[3] = pages allocated, pages compacted (cumulative), objects in use. */
TZ_API int32_t tz_zs_stats(int32_t pool, double *out);

/* ---- Page store (csrc/store): a zram device's page table over a zsmalloc-exact pool, in zram's
 * write order. Requests use tz_compress_batch's layout (arena, offsets, sizes, kinds, patterns) plus
 * reasons[i] = TZ_STORE_RAW_* (why a page went RAW). ---- */
/* zsmalloc's huge class (3632) less zram's 7 handle bytes: compressed this long or longer -> RAW. */
#define TZ_STORE_HUGE_LEN 3625
/* Most pages of one store (page numbers are int32). */
#define TZ_STORE_MAX_PAGES 2147483647
#define TZ_STORE_RAW_NONE 0    /* not RAW (or SAME) */
#define TZ_STORE_RAW_ENTROPY 1 /* routed RAW by the sampled entropy, no compression attempt */
#define TZ_STORE_RAW_HUGE 2    /* compressed to TZ_STORE_HUGE_LEN bytes or more (or not at all) */
/* outcome_out[TZ_STORE_OUT_SLOTS] of a write/commit: [0] pages done before a refusal (n: all),
 * [1] refusal (0 none, TZ_STORE_REFUSED_*), [2] SAME pages stored, [3] RAW pages stored,
 * [4] bytes stored, [5] pages stored, [6] RAW pages routed by entropy. */
#define TZ_STORE_OUT_SLOTS 8
#define TZ_STORE_REFUSED_LIMIT 1     /* the pool would exceed the memory limit (zram's EIO) */
#define TZ_STORE_REFUSED_NO_MEMORY 2 /* the pool could not grow */
/* stats_out[TZ_STORE_STAT_SLOTS]: pages allocated, max used pages, pages compacted, compr_data_size,
 * pages stored, same pages, zero pages, huge pages. */
#define TZ_STORE_STAT_SLOTS 8
/* tz_store_page_states: one byte per page. */
#define TZ_PAGE_HOLE 0 /* never written, or discarded */
#define TZ_PAGE_ZERO 1 /* a same-filled page of pattern 0 */
#define TZ_PAGE_DATA 2 /* anything else */

TZ_API int32_t tz_store_new(int32_t page_count);
TZ_API int32_t tz_store_free(int32_t store);
/* The pool limit in pages (0 = none; a whole number below 2^53); later writes only. */
TZ_API int32_t tz_store_set_limit(int32_t store, double limit_pages);
/* max used pages <- pages allocated now (zram's mem_used_max <- 0). */
TZ_API int32_t tz_store_reset_max(int32_t store);
TZ_API int32_t tz_store_stats(int32_t store, double *stats_out);
/* zs_compact on the store's pool; returns the pages freed. */
TZ_API int32_t tz_store_compact(int32_t store);
/* Frees pages [first, first + n). */
TZ_API int32_t tz_store_discard(int32_t store, int32_t first_page, int32_t n);
TZ_API int32_t tz_store_page_states(int32_t store, int32_t first_page, int32_t n, uint8_t *states_out);
/*
 * One write request: the n pages are compressed on the compressor's threads into the request buffers
 * (arena_cap >= n * 4096; offsets[i] = i * 4096), then stored from first_page on in page order. level 0
 * = the compressor's own, else a level valid for its algorithm, used for this call only. entropy_limit:
 * for ZSTD and LZ4-HC, a page whose sampled entropy (bits/byte) exceeds it is stored RAW untried; LZ4
 * pages go RAW by their compressed length alone; 8 or more never routes. Returns TZ_OK (the refusal, if
 * any, is in outcome_out) or a negative code with nothing stored.
 */
TZ_API int32_t tz_store_write(int32_t store, int32_t compressor, int32_t first_page, const uint8_t *pages,
                              int32_t n, int32_t level, double entropy_limit, uint8_t *arena,
                              int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                              uint8_t *patterns, uint8_t *reasons, int32_t *outcome_out);
/* The compression half of tz_store_write off the caller's thread: returns a job > 0 for
 * tz_store_job_poll; every buffer stays alive and untouched until it reports the end. */
TZ_API int32_t tz_store_compress_async(int32_t compressor, const uint8_t *pages, int32_t n, int32_t level,
                                       double entropy_limit, uint8_t *arena, int32_t arena_cap,
                                       int32_t *offsets, int32_t *sizes, uint8_t *kinds, uint8_t *patterns,
                                       uint8_t *reasons);
/* 0 while running; 1 when done (result_out[0] = TZ_OK or a negative code; the job is released). */
TZ_API int32_t tz_store_job_poll(int32_t job, int32_t *result_out);
/* The storing half: a compressed request (any producer, the GPU's included; reasons may be all 0) stored
 * from first_page on, skipping page i where skip[i] != 0. Every offset, size and kind is checked first. */
TZ_API int32_t tz_store_commit(int32_t store, int32_t first_page, int32_t n, const uint8_t *arena,
                               int32_t arena_len, const int32_t *offsets, const int32_t *sizes,
                               const uint8_t *kinds, const uint8_t *patterns, const uint8_t *reasons,
                               const uint8_t *skip, int32_t *outcome_out);
/* Pages [first, first + n) decoded into out on the compressor's threads (holes read as zeros).
 * Returns the number of pages that failed to decode (left zeroed), or a negative code. */
TZ_API int32_t tz_store_read(int32_t store, int32_t compressor, int32_t first_page, int32_t n, uint8_t *out,
                             int32_t out_cap);
/* A copy of the stored pages in tz_compress_batch's layout (holes as SAME pattern 0), for decoding
 * elsewhere; returns the bytes used in the arena (arena_cap >= n * 4096). */
TZ_API int32_t tz_store_gather(int32_t store, int32_t first_page, int32_t n, uint8_t *arena, int32_t arena_cap,
                               int32_t *offsets, int32_t *sizes, uint8_t *kinds, uint8_t *patterns);

/* ---- Zstandard dictionaries (issue 12) ----
 * A dictionary is zstd-format bytes (magic 0xEC30A437, a nonzero ID, entropy tables, content), as
 * ZDICT_trainFromBuffer, tz_zstd_train_dictionary and `zstd --train` write them. Every frame compressed
 * with one carries its ID; raw-content dictionaries (no ID) are refused, since a page read with the wrong
 * one could not be told apart. */
/* A ZSTD page whose frame names a dictionary (by ID) other than the decoding compressor's, or a dictionary
 * when the compressor has none: the bytes are intact and decode with that dictionary. */
#define TZ_E_DICTIONARY (-10)
/* The smallest dictionary capacity the trainer accepts (libzstd's ZDICT_DICTSIZE_MIN). */
#define TZ_DICT_MIN_BYTES 256
/* tz_compressor_new for TZ_ALGO_ZSTD (any other algorithm: TZ_E_INVALID) whose ZSTD pages are compressed
 * and decompressed with the dictionary dict[0..dict_len): the bytes are copied and digested once (for
 * `level`, with libzstd's parameters for 4096-byte inputs, as Linux zram asks for them) and shared by
 * every worker. Pages without a dictionary ID still decode. TZ_E_INVALID for bytes that are not such a
 * dictionary. */
TZ_API int32_t tz_compressor_new_dict(int32_t algorithm, int32_t level, int32_t threads, int32_t backend,
                                      const uint8_t *dict, int32_t dict_len);
/* Trains a dictionary of at most dict_cap (>= TZ_DICT_MIN_BYTES) bytes with ZDICT_trainFromBuffer from n pages
 * (pages = n * 4096 bytes), each page one sample; same-filled pages (stored as their pattern, never
 * compressed) are left out. Deterministic. Returns the dictionary's size (written to dict_out[0..size)),
 * TZ_E_BUFFER_TOO_SMALL (dict_cap too small), or TZ_E_INVALID (bad arguments, or samples the trainer refuses:
 * too few, or too alike); on failure dict_out is untouched. The trainer is opened at run time from the
 * system's libzstd.so.1 (see csrc/codec/zstd_train.c): TZ_E_UNSUPPORTED where that is missing. */
TZ_API int32_t tz_zstd_train_dictionary(const uint8_t *pages, int32_t n, uint8_t *dict_out, int32_t dict_cap);

/* ---- Idle tracking and recompression of the page store (issue 12), after Linux 6.18's zram ----
 * tz_store_page_flags: one byte per page. */
#define TZ_STORE_FLAG_IDLE 1           /* marked idle and not accessed since */
#define TZ_STORE_FLAG_INCOMPRESSIBLE 2 /* recompression with the highest priority made no progress */
#define TZ_STORE_PRIORITY_SHIFT 2      /* bits 2..3: the priority of the algorithm that stored the page */
#define TZ_STORE_PRIORITY_MASK 3
/* Priorities: 0 the primary algorithm (the device's compressor), 1..3 the recompression algorithms. */
#define TZ_STORE_PRIORITIES 4
/* The clock of access times: seconds >= 0 fixes "now" at that second (below 2^32; for tests); a negative
 * value returns to the system's boot-time clock. */
TZ_API int32_t tz_store_set_clock(int32_t store, double seconds);
/* zram's idle: age_seconds < 0 marks every stored page that is not same-filled idle ("all"); otherwise
 * those whose last access is at least age_seconds old, clearing the mark of the others. Returns the
 * number of pages marked idle. Reads and writes clear a page's mark. */
TZ_API int32_t tz_store_mark_idle(int32_t store, double age_seconds);
TZ_API int32_t tz_store_page_flags(int32_t store, int32_t first_page, int32_t n, uint8_t *flags_out);
#define TZ_RECOMPRESS_IDLE 1
#define TZ_RECOMPRESS_HUGE 2
/* out[TZ_RECOMPRESS_OUT_SLOTS] of tz_store_recompress (doubles): */
#define TZ_RECOMPRESS_OUT_CANDIDATES 0     /* pages the scan selected */
#define TZ_RECOMPRESS_OUT_ATTEMPTED 1      /* pages recompression was tried on (each counts against max_pages) */
#define TZ_RECOMPRESS_OUT_RECOMPRESSED 2   /* pages stored smaller with a secondary algorithm */
#define TZ_RECOMPRESS_OUT_INCOMPRESSIBLE 3 /* pages newly marked incompressible */
#define TZ_RECOMPRESS_OUT_SLOTS 4
/*
 * zram's recompress (rules: csrc/store/store_recompress.c). compressors[p] is the compressor handle of
 * priority p (1..3; 0 = none; [0] is ignored); primary decodes the stored pages. Algorithms of priorities
 * prio .. prio_max-1 are tried (1 <= prio < prio_max <= num_active <= 4, num_active = the number of
 * algorithms configured, the primary included, as zram counts them). mode: TZ_RECOMPRESS_* (0 = every
 * page). threshold: 0 or a length below TZ_STORE_HUGE_LEN. max_pages: -1 = no limit. A compressor with
 * a dictionary cannot be a secondary one (reads decode every page with the primary's states).
 * Returns TZ_OK, or a negative code (TZ_E_NO_MEMORY: the pool could not grow; the pages done so far stay
 * recompressed, out counts them).
 */
TZ_API int32_t tz_store_recompress(int32_t store, int32_t primary, const int32_t *compressors, int32_t prio,
                                   int32_t prio_max, int32_t num_active, int32_t mode, int32_t threshold,
                                   double max_pages, double *out);

/* ---- Writeback of the page store to a backing file (issue 12), after Linux 6.18's zram ---- */
#define TZ_STORE_FLAG_WRITTEN_BACK 16 /* tz_store_page_flags: the page lives in the backing file */
/* Opens path[0..path_len) (a regular file or a block device, read-write) as the store's backing file,
 * once. Its size in 4096-byte blocks bounds the pages written back (block 0 is never used). On failure
 * TZ_E_INVALID with errno_out[0] = the errno (ENOENT, EACCES, EISDIR, ENOTBLK, ...), or TZ_E_INVALID
 * with 0 when a backing file is set already or the path is bad. Any size is taken, as zram does. */
TZ_API int32_t tz_store_set_backing(int32_t store, const uint8_t *path, int32_t path_len, int32_t *errno_out);
#define TZ_WRITEBACK_IDLE 1
#define TZ_WRITEBACK_HUGE 2
#define TZ_WRITEBACK_INCOMPRESSIBLE 4
/* out[TZ_WRITEBACK_OUT_SLOTS] of tz_store_writeback (doubles): */
#define TZ_WRITEBACK_OUT_WRITTEN 0 /* pages written back */
#define TZ_WRITEBACK_OUT_FAILED 1  /* pages whose file write failed (left in memory, unchanged) */
#define TZ_WRITEBACK_OUT_STOP 2    /* why it stopped early: 0 it did not, or TZ_WRITEBACK_STOP_* */
#define TZ_WRITEBACK_OUT_SLOTS 4
#define TZ_WRITEBACK_STOP_LIMIT 1 /* writeback_limit reached (zram: EIO) */
#define TZ_WRITEBACK_STOP_FULL 2  /* no free block in the backing file (zram: ENOSPC) */
/*
 * zram's writeback. scans[3s .. 3s+3) = first page, end page (exclusive), mode (TZ_WRITEBACK_*; 0 = any)
 * for s < scan_count, as zram's writeback_store scans once per page_index/type argument: the stored pages
 * there that are not same-filled, not written back and match the mode are selected (each once), then
 * decoded with the primary compressor and written to free blocks, largest first. With limit_enabled,
 * limit_pages[0] is the writeback_limit in pages: each page written takes one, and at 0 it stops.
 * Returns TZ_OK (the outcome in out), TZ_E_UNSUPPORTED without a backing file, TZ_E_INVALID for bad
 * arguments (nothing done).
 */
TZ_API int32_t tz_store_writeback(int32_t store, int32_t primary, const int32_t *scans, int32_t scan_count,
                                  int32_t limit_enabled, double *limit_pages, double *out);
/* out[4]: blocks in use, blocks read, blocks written (zram's bd_stat, in 4 KiB units), blocks of the file. */
TZ_API int32_t tz_store_backing_stats(int32_t store, double *out);

#ifdef __cplusplus
}
#endif

#endif
