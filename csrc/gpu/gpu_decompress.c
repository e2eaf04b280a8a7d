/*
 * gpu_decompress.c: tz_gpu_decompress_batch. Every offset and size is checked against the arena first.
 * Per chunk: the chunk's compressed pages are packed into the slot's pinned buffer, uploaded with their
 * metadata, rebuilt by the kernel (bounds-checked, per-page status) and the pages downloaded.
 */
#include <string.h>

#include "../include/trueno_zram.h"
#include "gpu_context.h"
#include "kernel_abi.h"

typedef struct {
  const uint8_t *arena;
  const int32_t *offsets, *sizes;
  const uint8_t *kinds, *patterns;
  uint8_t *out;
  int32_t *status;
} tz_gpu_decode_job;

/*
 * The kind the kernel is given for a page, following the CPU path's rules: its own kind; 0 for a number
 * that is no kind (the kernel reports TZ_E_INVALID); TZ_GPU_KIND_REJECTED (TZ_E_CORRUPTED, not read)
 * when the size cannot be that of a page of its kind: a SAME page stores no bytes, a RAW page 4096, an
 * LZ4 page at most LZ4_COMPRESSBOUND(4096).
 */
static uint8_t kernel_kind(uint8_t kind, int32_t size) {
  switch (kind) {
  case TZ_KIND_SAME:
    return size == 0 ? kind : TZ_GPU_KIND_REJECTED;
  case TZ_KIND_RAW:
    return size == TZ_PAGE_SIZE ? kind : TZ_GPU_KIND_REJECTED;
  case TZ_KIND_LZ4:
  case TZ_KIND_GPU_LZ4:
    return size <= TZ_GPU_MAX_COMPRESSED_PAGE ? kind : TZ_GPU_KIND_REJECTED;
  case TZ_KIND_ZSTD:
    return kind;
  default:
    return TZ_GPU_KIND_UNKNOWN;
  }
}

static int32_t submit_chunk(tz_gpu_context *ctx, tz_gpu_slot *s, const tz_gpu_decode_job *job, int32_t first,
                            int32_t count) {
  const tz_cuda_driver *cu = ctx->cu;
  const tz_gpu_meta_layout *m = &ctx->meta;
  int32_t *packed_offsets = (int32_t *)(s->host_meta + m->offsets_at);
  int32_t *packed_sizes = (int32_t *)(s->host_meta + m->sizes_at);
  uint8_t *packed_kinds = s->host_meta + m->kinds_at;
  int32_t at = 0;
  for (int32_t i = 0; i < count; i++) {
    int32_t page = first + i;
    int32_t size = job->sizes[page];
    uint8_t kind = kernel_kind(job->kinds[page], size);
    if (kind != TZ_KIND_LZ4 && kind != TZ_KIND_GPU_LZ4 && kind != TZ_KIND_RAW) size = 0;
    /* Only bytes the kernel reads travel; an all-SAME batch may have no arena at all (NULL). */
    if (size > 0) memcpy(s->host_in + at, job->arena + job->offsets[page], (size_t)size);
    packed_offsets[i] = at;
    packed_sizes[i] = size;
    packed_kinds[i] = kind;
    at += size;
  }
  memcpy(s->host_meta + m->patterns_at, job->patterns + (size_t)first * 8, (size_t)count * 8);
  s->first_page = first;
  s->count = count;
  s->in_bytes = at;

  tz_cu_ptr in = s->dev_in, out = s->dev_out;
  tz_cu_ptr patterns = s->dev_meta + m->patterns_at, offsets = s->dev_meta + m->offsets_at;
  tz_cu_ptr sizes = s->dev_meta + m->sizes_at, kinds = s->dev_meta + m->kinds_at;
  tz_cu_ptr status = s->dev_meta + m->status_at;
  void *args[] = {&in, &offsets, &sizes, &kinds, &patterns, &count, &out, &status};
  size_t page_bytes = (size_t)count * TZ_PAGE_SIZE;
  /* Metadata goes up in one copy: patterns through kinds, the layout being the same on both sides. */
  if (cu->event_record(s->start, s->stream) != 0 ||
      (at > 0 && cu->memcpy_htod_async(in, s->host_in, (size_t)at, s->stream) != 0) ||
      cu->memcpy_htod_async(s->dev_meta, s->host_meta, m->bytes, s->stream) != 0 ||
      cu->event_record(s->uploaded, s->stream) != 0 ||
      tz_gpu_launch(ctx, ctx->decompress,
                    (uint32_t)((count + TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK - 1) / TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK),
                    32 * TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK, s->stream, args) != 0 ||
      cu->event_record(s->computed, s->stream) != 0 ||
      cu->memcpy_dtoh_async(s->host_out, out, page_bytes, s->stream) != 0 ||
      cu->memcpy_dtoh_async(s->host_meta + m->status_at, status, (size_t)count * 4, s->stream) != 0 ||
      cu->event_record(s->done, s->stream) != 0)
    return TZ_E_GPU_FAILED;
  return 0;
}

/* Waits for slot s's chunk and copies its pages and statuses out. Returns its failed pages or an error. */
static int32_t finish_chunk(tz_gpu_context *ctx, tz_gpu_slot *s, const tz_gpu_decode_job *job, double *times) {
  if (ctx->cu->event_synchronize(s->done) != 0) return TZ_E_GPU_FAILED;
  const int32_t *chunk_status = (const int32_t *)(s->host_meta + ctx->meta.status_at);
  memcpy(job->out + (size_t)s->first_page * TZ_PAGE_SIZE, s->host_out, (size_t)s->count * TZ_PAGE_SIZE);
  int32_t failed = 0;
  for (int32_t i = 0; i < s->count; i++) {
    job->status[s->first_page + i] = chunk_status[i];
    failed += chunk_status[i] != 0;
  }
  times[0] += tz_gpu_elapsed_ns(ctx, s->start, s->uploaded);
  times[1] += tz_gpu_elapsed_ns(ctx, s->uploaded, s->computed);
  times[2] += tz_gpu_elapsed_ns(ctx, s->computed, s->done);
  return failed;
}

static int32_t run_batch(tz_gpu_context *ctx, const void *arg, int32_t n, double times[4]) {
  const tz_gpu_decode_job *job = arg;
  int32_t chunks = (n + ctx->batch_pages - 1) / ctx->batch_pages;
  int32_t depth = ctx->async_dma ? ctx->ring_slots : 1;
  int32_t failed = 0;
  for (int32_t c = 0; c < chunks && c < depth; c++) {
    int32_t first = c * ctx->batch_pages;
    int32_t count = n - first < ctx->batch_pages ? n - first : ctx->batch_pages;
    if (submit_chunk(ctx, &ctx->slots[c], job, first, count) != 0) return TZ_E_GPU_FAILED;
  }
  for (int32_t c = 0; c < chunks; c++) {
    tz_gpu_slot *s = &ctx->slots[c % depth];
    int32_t chunk_failed = finish_chunk(ctx, s, job, times);
    if (chunk_failed < 0) return chunk_failed;
    failed += chunk_failed;
    int32_t next = c + depth;
    if (next < chunks) {
      int32_t first = next * ctx->batch_pages;
      int32_t count = n - first < ctx->batch_pages ? n - first : ctx->batch_pages;
      if (submit_chunk(ctx, s, job, first, count) != 0) return TZ_E_GPU_FAILED;
    }
  }
  return failed;
}

static int32_t valid_arguments(const uint8_t *arena, int32_t arena_len, const int32_t *offsets,
                               const int32_t *sizes, const uint8_t *kinds, const uint8_t *patterns,
                               int32_t n, const uint8_t *out, int32_t out_cap, const int32_t *status) {
  if ((arena == NULL && arena_len > 0) || arena_len < 0 || offsets == NULL || sizes == NULL || kinds == NULL ||
      patterns == NULL || out == NULL || status == NULL || n < 0 || n > TZ_MAX_BATCH_PAGES ||
      out_cap < n * TZ_PAGE_SIZE)
    return 0;
  for (int32_t i = 0; i < n; i++)
    if (offsets[i] < 0 || sizes[i] < 0 || offsets[i] > arena_len || sizes[i] > arena_len - offsets[i])
      return 0;
  return 1;
}

TZ_API int32_t tz_gpu_decompress_batch(int32_t handle, const uint8_t *arena, int32_t arena_len,
                                       const int32_t *offsets, const int32_t *sizes, const uint8_t *kinds,
                                       const uint8_t *patterns, int32_t n, uint8_t *out, int32_t out_cap,
                                       int32_t *status, double *times_out) {
  if (tz_cuda_image() == NULL) return TZ_E_UNSUPPORTED;
  tz_gpu_context *ctx;
  int32_t rc = tz_gpu_context_acquire(handle, &ctx);
  if (rc != 0) return rc;
  if (!valid_arguments(arena, arena_len, offsets, sizes, kinds, patterns, n, out, out_cap, status)) {
    tz_gpu_context_release(ctx);
    return TZ_E_INVALID;
  }
  tz_gpu_decode_job job = {arena, offsets, sizes, kinds, patterns, out, status};
  return tz_gpu_run_batch(ctx, run_batch, &job, n, times_out);
}
