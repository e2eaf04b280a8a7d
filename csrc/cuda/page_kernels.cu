/*
 * page_kernels.cu: the GPU batch kernels for 4 KiB pages. One warp per page; the per-page LZ4 work is the
 * shared step in ../gpu/lz4_page_step.h (the CPU build of the same code is what tests check bit for bit).
 *
 * Compress, per chunk: tz_gpu_classify (same-fill) -> tz_gpu_compress -> tz_gpu_scan (offsets of the
 * compacted output) -> tz_gpu_gather (compaction, so only the compressed bytes travel back).
 * Decompress: tz_gpu_decompress (bounds-checked, one status per page; failed pages come back zeroed).
 */
#include <stdint.h>

#include "../gpu/kernel_abi.h"
#include "../gpu/lz4_page_step.h"
#include "../include/trueno_zram.h"

#define FULL_WARP 0xffffffffu
#define PAGE_VECTORS (TZ_PAGE_SIZE / 16) /* uint4 per page */

static __device__ __forceinline__ int64_t warp_page(int32_t pages_per_block) {
  return (int64_t)blockIdx.x * pages_per_block + threadIdx.x / 32;
}

/* kinds[i] = SAME (and patterns[i] = the word) when all 512 words of page i are equal, else 0. */
extern "C" __global__ void tz_gpu_classify(const uint8_t *pages, int32_t n, uint8_t *kinds,
                                           uint64_t *patterns) {
  int64_t page = warp_page(TZ_GPU_WARP_PAGES_PER_BLOCK);
  if (page >= n) return;
  const int lane = threadIdx.x % 32;
  const uint64_t *words = (const uint64_t *)(pages + page * TZ_PAGE_SIZE);
  const uint64_t first = words[0];
  bool same = true;
  for (int i = lane; i < TZ_PAGE_WORDS; i += 32) same &= words[i] == first;
  same = __all_sync(FULL_WARP, same);
  if (lane == 0) {
    kinds[page] = same ? TZ_KIND_SAME : 0;
    patterns[page] = same ? first : 0;
  }
}

/* Compresses every page not classified SAME into scratch[page * 4096 ..) with at most cap bytes; a page
 * that does not fit is marked RAW (its bytes stay in `pages`). sizes[i] = 0 (SAME), size, or 4096 (RAW). */
extern "C" __global__ void __launch_bounds__(32 * TZ_GPU_COMPRESS_PAGES_PER_BLOCK)
    tz_gpu_compress(const uint8_t *pages, int32_t n, int32_t cap, uint8_t *kinds, uint8_t *scratch,
                    int32_t *sizes) {
  __shared__ uint4 page_smem[TZ_GPU_COMPRESS_PAGES_PER_BLOCK][PAGE_VECTORS];
  __shared__ uint32_t table_smem[TZ_GPU_COMPRESS_PAGES_PER_BLOCK][TZ_STEP_TABLE_SLOTS / 2];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  int64_t page = warp_page(TZ_GPU_COMPRESS_PAGES_PER_BLOCK);
  if (page >= n) return;
  if (kinds[page] == TZ_KIND_SAME) {
    if (lane == 0) sizes[page] = 0;
    return;
  }
  const uint4 *src = (const uint4 *)(pages + page * TZ_PAGE_SIZE);
  for (int i = lane; i < PAGE_VECTORS; i += 32) page_smem[warp][i] = src[i];
  for (int i = lane; i < TZ_STEP_TABLE_SLOTS / 2; i += 32) table_smem[warp][i] = 0;
  __syncwarp();
  if (lane != 0) return;
  int32_t size = tz_lz4_step_compress((const uint8_t *)page_smem[warp], (uint16_t *)table_smem[warp],
                                      scratch + page * TZ_PAGE_SIZE, cap);
  sizes[page] = size > 0 ? size : TZ_PAGE_SIZE;
  kinds[page] = size > 0 ? TZ_KIND_GPU_LZ4 : TZ_KIND_RAW;
}

/* offsets = exclusive prefix sum of sizes[0 .. n), total = their sum. One block of TZ_GPU_SCAN_THREADS:
 * each thread sums a contiguous run, the runs' sums are scanned in shared memory, then written back. */
extern "C" __global__ void __launch_bounds__(TZ_GPU_SCAN_THREADS)
    tz_gpu_scan(const int32_t *sizes, int32_t n, int32_t *offsets, int32_t *total) {
  __shared__ int32_t partial[TZ_GPU_SCAN_THREADS];
  const int t = threadIdx.x;
  const int32_t per = (n + TZ_GPU_SCAN_THREADS - 1) / TZ_GPU_SCAN_THREADS;
  const int32_t begin = min(n, t * per), end = min(n, begin + per);
  int32_t sum = 0;
  for (int32_t i = begin; i < end; i++) sum += sizes[i];
  partial[t] = sum;
  __syncthreads();
  for (int d = 1; d < TZ_GPU_SCAN_THREADS; d <<= 1) {
    int32_t left = t >= d ? partial[t - d] : 0;
    __syncthreads();
    partial[t] += left;
    __syncthreads();
  }
  int32_t at = partial[t] - sum;
  for (int32_t i = begin; i < end; i++) {
    offsets[i] = at;
    at += sizes[i];
  }
  if (t == TZ_GPU_SCAN_THREADS - 1) *total = partial[t];
}

/* Copies each page's stored bytes (compressed from scratch, RAW from pages) to compact + offsets[i]. */
extern "C" __global__ void tz_gpu_gather(const uint8_t *pages, const uint8_t *scratch, const int32_t *offsets,
                                         const int32_t *sizes, const uint8_t *kinds, int32_t n,
                                         uint8_t *compact) {
  int64_t page = warp_page(TZ_GPU_WARP_PAGES_PER_BLOCK);
  if (page >= n) return;
  const int lane = threadIdx.x % 32;
  const int32_t size = sizes[page];
  const uint8_t *src = (kinds[page] == TZ_KIND_RAW ? pages : scratch) + page * TZ_PAGE_SIZE;
  uint8_t *dst = compact + offsets[page];
  for (int32_t i = lane; i < size; i += 32) dst[i] = src[i];
}

/* Rebuilds page i into pages[i * 4096 ..) from src[offsets[i] ..) by kinds[i]; status[i] = 0 or TZ_E_*.
 * A page that fails is written as zeros. */
extern "C" __global__ void __launch_bounds__(32 * TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK)
    tz_gpu_decompress(const uint8_t *src, const int32_t *offsets, const int32_t *sizes, const uint8_t *kinds,
                      const uint64_t *patterns, int32_t n, uint8_t *pages, int32_t *status) {
  __shared__ uint4 page_smem[TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK][PAGE_VECTORS];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  int64_t page = warp_page(TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK);
  if (page >= n) return;
  const uint8_t kind = kinds[page];
  const int32_t size = sizes[page];
  const uint8_t *in = src + offsets[page];
  uint8_t *rebuilt = (uint8_t *)page_smem[warp];
  int32_t result = TZ_OK;

  if (kind == TZ_KIND_SAME) {
    const uint64_t pattern = patterns[page];
    const uint4 v = make_uint4((uint32_t)pattern, (uint32_t)(pattern >> 32), (uint32_t)pattern,
                               (uint32_t)(pattern >> 32));
    for (int i = lane; i < PAGE_VECTORS; i += 32) page_smem[warp][i] = v;
  } else if (kind == TZ_KIND_RAW) {
    if (size == TZ_PAGE_SIZE) {
      for (int i = lane; i < TZ_PAGE_SIZE; i += 32) rebuilt[i] = in[i];
    } else {
      result = TZ_E_CORRUPTED;
    }
  } else if (kind == TZ_KIND_LZ4 || kind == TZ_KIND_GPU_LZ4) {
    if (lane == 0) result = tz_lz4_step_decompress(in, size, rebuilt) == TZ_PAGE_SIZE ? TZ_OK : TZ_E_CORRUPTED;
    result = __shfl_sync(FULL_WARP, result, 0);
  } else if (kind == TZ_KIND_ZSTD) {
    result = TZ_E_UNSUPPORTED;
  } else if (kind == TZ_GPU_KIND_REJECTED) {
    result = TZ_E_CORRUPTED;
  } else {
    result = TZ_E_INVALID;
  }
  __syncwarp();

  uint4 *dst = (uint4 *)(pages + page * TZ_PAGE_SIZE);
  const uint4 zero = make_uint4(0, 0, 0, 0);
  for (int i = lane; i < PAGE_VECTORS; i += 32) dst[i] = result == TZ_OK ? page_smem[warp][i] : zero;
  if (lane == 0) status[page] = result;
}
