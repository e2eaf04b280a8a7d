/* gpu_context.c: GPU batch contexts: creation, the handle table, and release of every allocation. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../include/trueno_zram.h"
#include "gpu_context.h"
#include "kernel_abi.h"

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t table_idle = PTHREAD_COND_INITIALIZER;
static struct {
  int32_t handle; /* 0 = free entry */
  int32_t users;
  tz_gpu_context *ctx;
} table[TZ_MAX_GPU_CONTEXTS];
static int32_t next_handle = 1;

tz_gpu_meta_layout tz_gpu_meta_layout_for(int32_t pages) {
  uint64_t n = (uint64_t)pages;
  tz_gpu_meta_layout m;
  m.patterns_at = 0;
  m.offsets_at = 8 * n;
  m.sizes_at = 12 * n;
  m.status_at = 16 * n;
  m.total_at = 20 * n;
  m.kinds_at = 20 * n + 16;
  m.bytes = 21 * n + 16;
  return m;
}

int32_t tz_gpu_enter(tz_gpu_context *ctx) { return ctx->cu->ctx_push(ctx->ctx) == 0 ? 0 : TZ_E_GPU_FAILED; }

void tz_gpu_leave(tz_gpu_context *ctx) {
  tz_cu_ctx popped;
  ctx->cu->ctx_pop(&popped);
}

void tz_gpu_drain(tz_gpu_context *ctx) {
  for (int i = 0; i < ctx->ring_slots; i++) ctx->cu->stream_synchronize(ctx->slots[i].stream);
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int32_t tz_gpu_run_batch(tz_gpu_context *ctx, tz_gpu_batch_fn run, const void *job, int32_t n,
                         double *times_out) {
  double times[4] = {0, 0, 0, 0};
  double start = now_ns();
  pthread_mutex_lock(&ctx->lock);
  int32_t rc = n == 0 ? 0 : tz_gpu_enter(ctx);
  if (n > 0 && rc == 0) {
    rc = run(ctx, job, n, times);
    if (rc < 0) tz_gpu_drain(ctx);
    tz_gpu_leave(ctx);
  }
  pthread_mutex_unlock(&ctx->lock);
  tz_gpu_context_release(ctx);
  times[3] = now_ns() - start;
  if (rc >= 0 && times_out != NULL) memcpy(times_out, times, sizeof times);
  return rc;
}

double tz_gpu_elapsed_ns(tz_gpu_context *ctx, tz_cu_event from, tz_cu_event to) {
  float ms = 0;
  return ctx->cu->event_elapsed(&ms, from, to) == 0 ? (double)ms * 1e6 : 0.0;
}

int32_t tz_gpu_launch(tz_gpu_context *ctx, tz_cu_func f, uint32_t blocks, uint32_t threads,
                      tz_cu_stream stream, void **params) {
  if (blocks == 0) return 0;
  return ctx->cu->launch_kernel(f, blocks, 1, 1, threads, 1, 1, 0, stream, params, NULL) == 0
             ? 0
             : TZ_E_GPU_FAILED;
}

static void slot_free(const tz_cuda_driver *cu, tz_gpu_slot *s) {
  tz_cu_event *events[6] = {&s->start, &s->uploaded, &s->computed, &s->meta_down, &s->data_down_start,
                            &s->done};
  for (int i = 0; i < 6; i++)
    if (*events[i]) cu->event_destroy(*events[i]);
  if (s->stream) cu->stream_destroy(s->stream);
  if (s->host_in) cu->mem_free_host(s->host_in);
  if (s->host_out) cu->mem_free_host(s->host_out);
  if (s->host_meta) cu->mem_free_host(s->host_meta);
  if (s->dev_in) cu->mem_free(s->dev_in);
  if (s->dev_scratch) cu->mem_free(s->dev_scratch);
  if (s->dev_out) cu->mem_free(s->dev_out);
  if (s->dev_meta) cu->mem_free(s->dev_meta);
  memset(s, 0, sizeof *s);
}

/* 0, TZ_E_NO_MEMORY (an allocation failed) or TZ_E_GPU_FAILED. */
static int32_t slot_init(const tz_cuda_driver *cu, tz_gpu_slot *s, int32_t pages, uint64_t meta_bytes) {
  size_t page_bytes = (size_t)pages * TZ_PAGE_SIZE;
  size_t in_bytes = (size_t)pages * TZ_GPU_MAX_COMPRESSED_PAGE;
  if (cu->stream_create(&s->stream, TZ_CU_STREAM_NON_BLOCKING) != 0) return TZ_E_GPU_FAILED;
  tz_cu_event *events[6] = {&s->start, &s->uploaded, &s->computed, &s->meta_down, &s->data_down_start,
                            &s->done};
  for (int i = 0; i < 6; i++)
    if (cu->event_create(events[i], TZ_CU_EVENT_DEFAULT) != 0) return TZ_E_GPU_FAILED;
  if (cu->mem_host_alloc((void **)&s->host_in, in_bytes, 0) != 0 ||
      cu->mem_host_alloc((void **)&s->host_out, page_bytes, 0) != 0 ||
      cu->mem_host_alloc((void **)&s->host_meta, meta_bytes, 0) != 0 ||
      cu->mem_alloc(&s->dev_in, in_bytes) != 0 || cu->mem_alloc(&s->dev_scratch, page_bytes) != 0 ||
      cu->mem_alloc(&s->dev_out, page_bytes) != 0 || cu->mem_alloc(&s->dev_meta, meta_bytes) != 0)
    return TZ_E_NO_MEMORY;
  return 0;
}

static void context_destroy(tz_gpu_context *ctx) {
  const tz_cuda_driver *cu = ctx->cu;
  if (ctx->ctx && cu->ctx_push(ctx->ctx) == 0) {
    for (int i = 0; i < ctx->ring_slots; i++) slot_free(cu, &ctx->slots[i]);
    if (ctx->module) cu->module_unload(ctx->module);
    tz_cu_ctx popped;
    cu->ctx_pop(&popped);
  }
  if (ctx->ctx) cu->primary_ctx_release(ctx->device);
  pthread_mutex_destroy(&ctx->lock);
  free(ctx);
}

static int32_t context_init(tz_gpu_context *ctx, int32_t device) {
  const tz_cuda_driver *cu = ctx->cu;
  if (cu->device_get(&ctx->device, device) != 0 || cu->primary_ctx_retain(&ctx->ctx, ctx->device) != 0) {
    ctx->ctx = NULL;
    return TZ_E_GPU_FAILED;
  }
  if (tz_gpu_enter(ctx) != 0) return TZ_E_GPU_FAILED;
  int32_t rc = TZ_E_GPU_FAILED;
  if (cu->module_load_data(&ctx->module, tz_cuda_image()) == 0 &&
      cu->module_get_function(&ctx->classify, ctx->module, "tz_gpu_classify") == 0 &&
      cu->module_get_function(&ctx->compress, ctx->module, "tz_gpu_compress") == 0 &&
      cu->module_get_function(&ctx->scan, ctx->module, "tz_gpu_scan") == 0 &&
      cu->module_get_function(&ctx->gather, ctx->module, "tz_gpu_gather") == 0 &&
      cu->module_get_function(&ctx->decompress, ctx->module, "tz_gpu_decompress") == 0) {
    rc = 0;
    for (int i = 0; i < ctx->ring_slots && rc == 0; i++)
      rc = slot_init(cu, &ctx->slots[i], ctx->batch_pages, ctx->meta.bytes);
  }
  tz_gpu_leave(ctx);
  return rc;
}

TZ_API int32_t tz_gpu_context_new(int32_t device, int32_t batch_pages, int32_t ring_slots, int32_t async_dma) {
  int32_t count = tz_gpu_device_count();
  if (count < 0) return count;
  if (device < 0 || device >= count) return TZ_E_GPU_NOT_AVAILABLE;
  if (batch_pages < 1 || batch_pages > TZ_MAX_BATCH_PAGES || ring_slots < 1 || ring_slots > 16 ||
      (async_dma != 0 && async_dma != 1))
    return TZ_E_INVALID;
  tz_gpu_context *ctx = calloc(1, sizeof *ctx);
  if (ctx == NULL) return TZ_E_NO_MEMORY;
  ctx->cu = tz_cuda_driver_get();
  ctx->batch_pages = batch_pages;
  ctx->ring_slots = ring_slots;
  ctx->async_dma = async_dma;
  ctx->meta = tz_gpu_meta_layout_for(batch_pages);
  pthread_mutex_init(&ctx->lock, NULL);
  int32_t rc = context_init(ctx, device);
  if (rc != 0) {
    context_destroy(ctx);
    return rc;
  }
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < TZ_MAX_GPU_CONTEXTS; i++) {
    if (table[i].handle == 0) {
      table[i].handle = next_handle++;
      if (next_handle <= 0) next_handle = 1;
      table[i].users = 0;
      table[i].ctx = ctx;
      int32_t handle = table[i].handle;
      pthread_mutex_unlock(&table_lock);
      return handle;
    }
  }
  pthread_mutex_unlock(&table_lock);
  context_destroy(ctx);
  return TZ_E_LIMIT;
}

int32_t tz_gpu_context_acquire(int32_t handle, tz_gpu_context **out) {
  if (handle <= 0) return TZ_E_CLOSED;
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < TZ_MAX_GPU_CONTEXTS; i++) {
    if (table[i].handle == handle) {
      table[i].users++;
      *out = table[i].ctx;
      pthread_mutex_unlock(&table_lock);
      return 0;
    }
  }
  pthread_mutex_unlock(&table_lock);
  return TZ_E_CLOSED;
}

void tz_gpu_context_release(tz_gpu_context *ctx) {
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < TZ_MAX_GPU_CONTEXTS; i++)
    if (table[i].ctx == ctx && table[i].users > 0) table[i].users--;
  pthread_cond_broadcast(&table_idle);
  pthread_mutex_unlock(&table_lock);
}

TZ_API int32_t tz_gpu_context_free(int32_t handle) {
  if (tz_cuda_image() == NULL) return TZ_E_UNSUPPORTED;
  if (handle <= 0) return TZ_E_CLOSED;
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < TZ_MAX_GPU_CONTEXTS; i++) {
    if (table[i].handle == handle) {
      table[i].handle = -1; /* no new users; the entry stays reserved until the running ones finish */
      while (table[i].users > 0) pthread_cond_wait(&table_idle, &table_lock);
      tz_gpu_context *ctx = table[i].ctx;
      table[i].handle = 0;
      table[i].ctx = NULL;
      pthread_mutex_unlock(&table_lock);
      context_destroy(ctx);
      return TZ_OK;
    }
  }
  pthread_mutex_unlock(&table_lock);
  return TZ_E_CLOSED;
}
