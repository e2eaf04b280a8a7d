/*
 * gpu_context.h: a GPU batch context (tz_gpu_context_new): the device's primary context, the kernels'
 * module, and a ring of slots. Each slot owns a stream, events, pinned host buffers and device buffers
 * for one chunk of up to batch_pages pages, so successive chunks overlap upload, kernels and download.
 */
#ifndef TZ_GPU_CONTEXT_H
#define TZ_GPU_CONTEXT_H

#include <pthread.h>
#include <stdint.h>

#include "cuda_driver.h"

/* Per-page metadata of a chunk, laid out identically in pinned memory and on the device. */
typedef struct {
  uint64_t patterns_at, offsets_at, sizes_at, status_at, total_at, kinds_at, bytes;
} tz_gpu_meta_layout;

typedef struct {
  tz_cu_stream stream;
  tz_cu_event start, uploaded, computed, meta_down, data_down_start, done;
  uint8_t *host_in;   /* pages (compress) or packed compressed pages (decompress) */
  uint8_t *host_out;  /* compacted output (compress) or rebuilt pages (decompress) */
  uint8_t *host_meta; /* tz_gpu_meta_layout */
  tz_cu_ptr dev_in, dev_scratch, dev_out, dev_meta;
  int32_t first_page, count, in_bytes; /* the chunk now in flight */
} tz_gpu_slot;

typedef struct {
  const tz_cuda_driver *cu;
  tz_cu_device device;
  tz_cu_ctx ctx;
  tz_cu_module module;
  tz_cu_func classify, compress, scan, gather, decompress;
  int32_t batch_pages, ring_slots, async_dma;
  tz_gpu_meta_layout meta;
  tz_gpu_slot slots[16];
  pthread_mutex_t lock; /* one batch at a time per context */
} tz_gpu_context;

tz_gpu_meta_layout tz_gpu_meta_layout_for(int32_t pages);

/* Looks a handle up and marks the context in use (TZ_E_CLOSED if unknown); release it when done. */
int32_t tz_gpu_context_acquire(int32_t handle, tz_gpu_context **out);
void tz_gpu_context_release(tz_gpu_context *ctx);

/* Enters/leaves the context's CUDA context on this thread; 0 or TZ_E_GPU_FAILED. */
int32_t tz_gpu_enter(tz_gpu_context *ctx);
void tz_gpu_leave(tz_gpu_context *ctx);

/* Waits for every slot's stream, so a failed batch leaves no work in flight on reused buffers. */
void tz_gpu_drain(tz_gpu_context *ctx);

/* One direction's batch over the ring: `job` holds that direction's arguments; times[0..3) are filled. */
typedef int32_t (*tz_gpu_batch_fn)(tz_gpu_context *ctx, const void *job, int32_t n, double times[4]);

/* Runs `run` for n pages under the context's lock inside its CUDA context, drains the ring when it fails,
 * then releases ctx (acquired by the caller). On success times_out (if set) gets h2d, kernel, d2h and the
 * wall time in nanoseconds. Returns run's value. */
int32_t tz_gpu_run_batch(tz_gpu_context *ctx, tz_gpu_batch_fn run, const void *job, int32_t n,
                         double *times_out);

/* Milliseconds between two recorded events as nanoseconds; 0 if the driver cannot tell. */
double tz_gpu_elapsed_ns(tz_gpu_context *ctx, tz_cu_event from, tz_cu_event to);

/* Launches `f` with grid x blocks of `threads`; 0 or TZ_E_GPU_FAILED. */
int32_t tz_gpu_launch(tz_gpu_context *ctx, tz_cu_func f, uint32_t blocks, uint32_t threads,
                      tz_cu_stream stream, void **params);

#endif
