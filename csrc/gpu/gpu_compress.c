/*
 * gpu_compress.c: tz_gpu_compress_batch. The batch is cut into chunks of batch_pages pages, one per ring
 * slot. A chunk's life: upload pages -> classify (same-fill) -> compress -> scan sizes -> compact on the
 * device -> download metadata -> download exactly the compacted bytes -> copy into the caller's arena.
 * While the host waits for one chunk, the chunks in the other slots run on their own streams.
 */
#include <string.h>

#include "../include/trueno_zram.h"
#include "gpu_context.h"
#include "kernel_abi.h"

typedef struct {
  const uint8_t *pages;
  int32_t raw_threshold;
  uint8_t *arena;
  int32_t *offsets, *sizes;
  uint8_t *kinds, *patterns;
} tz_gpu_encode_job;

static uint32_t blocks_for(int32_t pages, int32_t per_block) {
  return (uint32_t)((pages + per_block - 1) / per_block);
}

/* Uploads chunk pages [first, first + count) into slot s and queues its kernels and metadata download. */
static int32_t submit_chunk(tz_gpu_context *ctx, tz_gpu_slot *s, const uint8_t *pages, int32_t first,
                            int32_t count, int32_t raw_threshold) {
  const tz_cuda_driver *cu = ctx->cu;
  const tz_gpu_meta_layout *m = &ctx->meta;
  s->first_page = first;
  s->count = count;
  size_t bytes = (size_t)count * TZ_PAGE_SIZE;
  memcpy(s->host_in, pages + (size_t)first * TZ_PAGE_SIZE, bytes);

  tz_cu_ptr in = s->dev_in, scratch = s->dev_scratch, out = s->dev_out;
  tz_cu_ptr patterns = s->dev_meta + m->patterns_at, offsets = s->dev_meta + m->offsets_at;
  tz_cu_ptr sizes = s->dev_meta + m->sizes_at, kinds = s->dev_meta + m->kinds_at;
  tz_cu_ptr total = s->dev_meta + m->total_at;
  /* A page is compressed into at most raw_threshold - 1 bytes, else stored RAW. */
  int32_t cap = raw_threshold - 1;
  void *classify_args[] = {&in, &count, &kinds, &patterns};
  void *compress_args[] = {&in, &count, &cap, &kinds, &scratch, &sizes};
  void *scan_args[] = {&sizes, &count, &offsets, &total};
  void *gather_args[] = {&in, &scratch, &offsets, &sizes, &kinds, &count, &out};

  if (cu->event_record(s->start, s->stream) != 0 ||
      cu->memcpy_htod_async(in, s->host_in, bytes, s->stream) != 0 ||
      cu->event_record(s->uploaded, s->stream) != 0 ||
      tz_gpu_launch(ctx, ctx->classify, blocks_for(count, TZ_GPU_WARP_PAGES_PER_BLOCK),
                    32 * TZ_GPU_WARP_PAGES_PER_BLOCK, s->stream, classify_args) != 0 ||
      tz_gpu_launch(ctx, ctx->compress, blocks_for(count, TZ_GPU_COMPRESS_PAGES_PER_BLOCK),
                    32 * TZ_GPU_COMPRESS_PAGES_PER_BLOCK, s->stream, compress_args) != 0 ||
      tz_gpu_launch(ctx, ctx->scan, 1, TZ_GPU_SCAN_THREADS, s->stream, scan_args) != 0 ||
      tz_gpu_launch(ctx, ctx->gather, blocks_for(count, TZ_GPU_WARP_PAGES_PER_BLOCK),
                    32 * TZ_GPU_WARP_PAGES_PER_BLOCK, s->stream, gather_args) != 0 ||
      cu->event_record(s->computed, s->stream) != 0 ||
      cu->memcpy_dtoh_async(s->host_meta, s->dev_meta, ctx->meta.bytes, s->stream) != 0 ||
      cu->event_record(s->meta_down, s->stream) != 0)
    return TZ_E_GPU_FAILED;
  return 0;
}

/* Waits for slot s's chunk, downloads its compacted bytes and writes the chunk's results at arena_at.
 * Returns the chunk's compressed bytes, or TZ_E_GPU_FAILED. */
static int32_t finish_chunk(tz_gpu_context *ctx, tz_gpu_slot *s, int32_t arena_at, uint8_t *arena,
                            int32_t *offsets, int32_t *sizes, uint8_t *kinds, uint8_t *patterns,
                            double *times) {
  const tz_cuda_driver *cu = ctx->cu;
  const tz_gpu_meta_layout *m = &ctx->meta;
  if (cu->event_synchronize(s->meta_down) != 0) return TZ_E_GPU_FAILED;
  int32_t total;
  memcpy(&total, s->host_meta + m->total_at, sizeof total);
  if (total < 0 || total > s->count * TZ_PAGE_SIZE) return TZ_E_GPU_FAILED;
  if (cu->event_record(s->data_down_start, s->stream) != 0 ||
      /* An all-SAME chunk has nothing to download; zero-byte copies are not asked of the driver. */
      (total > 0 && cu->memcpy_dtoh_async(s->host_out, s->dev_out, (size_t)total, s->stream) != 0) ||
      cu->event_record(s->done, s->stream) != 0 || cu->event_synchronize(s->done) != 0)
    return TZ_E_GPU_FAILED;

  int32_t first = s->first_page, count = s->count;
  memcpy(arena + arena_at, s->host_out, (size_t)total);
  const int32_t *chunk_offsets = (const int32_t *)(s->host_meta + m->offsets_at);
  for (int32_t i = 0; i < count; i++) offsets[first + i] = arena_at + chunk_offsets[i];
  memcpy(sizes + first, s->host_meta + m->sizes_at, (size_t)count * 4);
  memcpy(kinds + first, s->host_meta + m->kinds_at, (size_t)count);
  memcpy(patterns + (size_t)first * 8, s->host_meta + m->patterns_at, (size_t)count * 8);

  times[0] += tz_gpu_elapsed_ns(ctx, s->start, s->uploaded);
  times[1] += tz_gpu_elapsed_ns(ctx, s->uploaded, s->computed);
  times[2] += tz_gpu_elapsed_ns(ctx, s->computed, s->meta_down) +
              tz_gpu_elapsed_ns(ctx, s->data_down_start, s->done);
  return total;
}

static int32_t run_batch(tz_gpu_context *ctx, const void *arg, int32_t n, double times[4]) {
  const tz_gpu_encode_job *job = arg;
  const uint8_t *pages = job->pages;
  int32_t raw_threshold = job->raw_threshold;
  int32_t chunks = (n + ctx->batch_pages - 1) / ctx->batch_pages;
  int32_t depth = ctx->async_dma ? ctx->ring_slots : 1;
  int32_t arena_at = 0;
  for (int32_t c = 0; c < chunks && c < depth; c++) {
    int32_t first = c * ctx->batch_pages;
    int32_t count = n - first < ctx->batch_pages ? n - first : ctx->batch_pages;
    if (submit_chunk(ctx, &ctx->slots[c], pages, first, count, raw_threshold) != 0) return TZ_E_GPU_FAILED;
  }
  for (int32_t c = 0; c < chunks; c++) {
    tz_gpu_slot *s = &ctx->slots[c % depth];
    int32_t written = finish_chunk(ctx, s, arena_at, job->arena, job->offsets, job->sizes, job->kinds, job->patterns, times);
    if (written < 0) return written;
    arena_at += written;
    int32_t next = c + depth;
    if (next < chunks) {
      int32_t first = next * ctx->batch_pages;
      int32_t count = n - first < ctx->batch_pages ? n - first : ctx->batch_pages;
      if (submit_chunk(ctx, s, pages, first, count, raw_threshold) != 0) return TZ_E_GPU_FAILED;
    }
  }
  return arena_at;
}

TZ_API int32_t tz_gpu_compress_batch(int32_t handle, const uint8_t *pages, int32_t n, int32_t raw_threshold,
                                     uint8_t *arena, int32_t arena_cap, int32_t *offsets, int32_t *sizes,
                                     uint8_t *kinds, uint8_t *patterns, double *times_out) {
  if (tz_cuda_image() == NULL) return TZ_E_UNSUPPORTED;
  tz_gpu_context *ctx;
  int32_t rc = tz_gpu_context_acquire(handle, &ctx);
  if (rc != 0) return rc;
  if (pages == NULL || n < 0 || n > TZ_MAX_BATCH_PAGES || raw_threshold < 1 ||
      raw_threshold > TZ_PAGE_SIZE || arena == NULL || arena_cap < n * TZ_PAGE_SIZE || offsets == NULL ||
      sizes == NULL || kinds == NULL || patterns == NULL) {
    tz_gpu_context_release(ctx);
    return TZ_E_INVALID;
  }
  tz_gpu_encode_job job = {pages, raw_threshold, arena, offsets, sizes, kinds, patterns};
  return tz_gpu_run_batch(ctx, run_batch, &job, n, times_out);
}
