/*
 * driver_standin.c: a CPU stand-in for libcuda.so.1, for testing the GPU path's host side (chunking, the
 * ring of slots, pinned/device buffer layout, compaction offsets, status and error handling) on machines
 * without a GPU. It is NOT the GPU: memory is host memory, streams run each call at once, and a launch
 * runs a CPU rendering of the kernel's contract (per page, through the same lz4_page_step.h). The CUDA
 * kernels themselves are only exercised on a real GPU (tests/gpu_device.test.ts).
 * Built as a shared library with the soname libcuda.so.1 by build/cuda.zig.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../csrc/gpu/cuda_driver.h"
#include "../../csrc/gpu/kernel_abi.h"
#include "../../csrc/gpu/lz4_page_step.h"
#include "../../csrc/include/trueno_zram.h"

/* The driver's types as the host side declares them: the host calls these through pointers of exactly
 * these types (UBSan's function-type check holds the stand-in to that). */
struct tz_cu_func_st {
  int id;
};
struct tz_cu_stream_st {
  int unused;
};
struct tz_cu_event_st {
  double ms;
};
enum { OK = 0, ERR = 1 };
enum { F_CLASSIFY = 1, F_COMPRESS, F_SCAN, F_GATHER, F_DECOMPRESS };
static struct tz_cu_func_st functions[5] = {{F_CLASSIFY}, {F_COMPRESS}, {F_SCAN}, {F_GATHER}, {F_DECOMPRESS}};
static char context_token, module_token;

/* Set by the test (dlsym) to make the Nth memcpy from now fail: the path a broken GPU takes. */
int standin_fail_memcpy_after = -1;

static int memcpy_fails(void) {
  if (standin_fail_memcpy_after < 0) return 0;
  return standin_fail_memcpy_after-- == 0;
}

tz_cu_result cuInit(unsigned int flags) { return flags == 0 ? OK : ERR; }
tz_cu_result cuDeviceGetCount(int *n) {
  *n = 1;
  return OK;
}
tz_cu_result cuDeviceGet(tz_cu_device *d, int i) {
  *d = i;
  return i == 0 ? OK : ERR;
}
tz_cu_result cuDeviceGetName(char *name, int len, tz_cu_device d) {
  (void)d;
  strncpy(name, "CPU stand-in", (size_t)len);
  return OK;
}
tz_cu_result cuDeviceTotalMem_v2(size_t *bytes, tz_cu_device d) {
  (void)d;
  *bytes = (size_t)1 << 30;
  return OK;
}
/* Each attribute reads as its own number, so the test sees which one landed in which slot. */
tz_cu_result cuDeviceGetAttribute(int *v, int attr, tz_cu_device d) {
  (void)d;
  *v = attr;
  return OK;
}
tz_cu_result cuDevicePrimaryCtxRetain(tz_cu_ctx *ctx, tz_cu_device d) {
  (void)d;
  *ctx = (tz_cu_ctx)&context_token;
  return OK;
}
tz_cu_result cuDevicePrimaryCtxRelease_v2(tz_cu_device d) { return d == 0 ? OK : ERR; }
tz_cu_result cuCtxPushCurrent_v2(tz_cu_ctx ctx) { return ctx == (tz_cu_ctx)&context_token ? OK : ERR; }
tz_cu_result cuCtxPopCurrent_v2(tz_cu_ctx *ctx) {
  *ctx = (tz_cu_ctx)&context_token;
  return OK;
}
tz_cu_result cuModuleLoadData(tz_cu_module *m, const void *image) {
  *m = (tz_cu_module)&module_token;
  return image != NULL ? OK : ERR;
}
tz_cu_result cuModuleUnload(tz_cu_module m) { return m == (tz_cu_module)&module_token ? OK : ERR; }
tz_cu_result cuModuleGetFunction(tz_cu_func *f, tz_cu_module m, const char *name) {
  (void)m;
  static const char *names[5] = {"tz_gpu_classify", "tz_gpu_compress", "tz_gpu_scan", "tz_gpu_gather",
                                 "tz_gpu_decompress"};
  for (int i = 0; i < 5; i++)
    if (strcmp(name, names[i]) == 0) {
      *f = &functions[i];
      return OK;
    }
  return ERR;
}
tz_cu_result cuMemAlloc_v2(tz_cu_ptr *p, size_t bytes) {
  *p = (tz_cu_ptr)(uintptr_t)malloc(bytes);
  return *p ? OK : ERR;
}
tz_cu_result cuMemFree_v2(tz_cu_ptr p) {
  free((void *)(uintptr_t)p);
  return OK;
}
tz_cu_result cuMemHostAlloc(void **p, size_t bytes, unsigned int flags) {
  (void)flags;
  *p = malloc(bytes);
  return *p ? OK : ERR;
}
tz_cu_result cuMemFreeHost(void *p) {
  free(p);
  return OK;
}
/* Stricter than CUDA: zero-byte copies are refused, since the host side must never issue them. */
tz_cu_result cuMemcpyHtoDAsync_v2(tz_cu_ptr dst, const void *src, size_t n, tz_cu_stream s) {
  (void)s;
  if (n == 0 || memcpy_fails()) return ERR;
  memcpy((void *)(uintptr_t)dst, src, n);
  return OK;
}
tz_cu_result cuMemcpyDtoHAsync_v2(void *dst, tz_cu_ptr src, size_t n, tz_cu_stream s) {
  (void)s;
  if (n == 0 || memcpy_fails()) return ERR;
  memcpy(dst, (const void *)(uintptr_t)src, n);
  return OK;
}
tz_cu_result cuStreamCreate(tz_cu_stream *s, unsigned int flags) {
  (void)flags;
  *s = calloc(1, sizeof **s);
  return *s ? OK : ERR;
}
tz_cu_result cuStreamDestroy_v2(tz_cu_stream s) {
  free(s);
  return OK;
}
tz_cu_result cuStreamSynchronize(tz_cu_stream s) { return s != NULL ? OK : ERR; }
tz_cu_result cuEventCreate(tz_cu_event *e, unsigned int flags) {
  (void)flags;
  *e = calloc(1, sizeof **e);
  return *e ? OK : ERR;
}
tz_cu_result cuEventDestroy_v2(tz_cu_event e) {
  free(e);
  return OK;
}
tz_cu_result cuEventRecord(tz_cu_event e, tz_cu_stream s) {
  (void)s;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  e->ms = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
  return OK;
}
tz_cu_result cuEventSynchronize(tz_cu_event e) { return e != NULL ? OK : ERR; }
tz_cu_result cuEventElapsedTime_v2(float *ms, tz_cu_event a, tz_cu_event b) {
  *ms = (float)(b->ms - a->ms);
  return OK;
}

#define ARG(i, type) (*(type *)params[i])
#define PTR(i, type) ((type)(uintptr_t)ARG(i, uint64_t))

static void classify(void **params) {
  const uint8_t *pages = PTR(0, const uint8_t *);
  int32_t n = ARG(1, int32_t);
  uint8_t *kinds = PTR(2, uint8_t *);
  uint64_t *patterns = PTR(3, uint64_t *);
  for (int32_t i = 0; i < n; i++) {
    const uint8_t *p = pages + (size_t)i * TZ_PAGE_SIZE;
    int same = 1;
    for (int w = 1; w < TZ_PAGE_WORDS && same; w++) same = memcmp(p, p + 8 * w, 8) == 0;
    kinds[i] = same ? TZ_KIND_SAME : 0;
    patterns[i] = 0;
    if (same) memcpy(&patterns[i], p, 8);
  }
}

static void compress(void **params) {
  const uint8_t *pages = PTR(0, const uint8_t *);
  int32_t n = ARG(1, int32_t), cap = ARG(2, int32_t);
  uint8_t *kinds = PTR(3, uint8_t *), *scratch = PTR(4, uint8_t *);
  int32_t *sizes = PTR(5, int32_t *);
  for (int32_t i = 0; i < n; i++) {
    if (kinds[i] == TZ_KIND_SAME) {
      sizes[i] = 0;
      continue;
    }
    uint16_t table[TZ_STEP_TABLE_SLOTS];
    memset(table, 0, sizeof table);
    int32_t size = tz_lz4_step_compress(pages + (size_t)i * TZ_PAGE_SIZE, table, scratch + (size_t)i * TZ_PAGE_SIZE, cap);
    sizes[i] = size > 0 ? size : TZ_PAGE_SIZE;
    kinds[i] = size > 0 ? TZ_KIND_GPU_LZ4 : TZ_KIND_RAW;
  }
}

static void scan(void **params) {
  const int32_t *sizes = PTR(0, const int32_t *);
  int32_t n = ARG(1, int32_t);
  int32_t *offsets = PTR(2, int32_t *), *total = PTR(3, int32_t *);
  int32_t at = 0;
  for (int32_t i = 0; i < n; i++) {
    offsets[i] = at;
    at += sizes[i];
  }
  *total = at;
}

static void gather(void **params) {
  const uint8_t *pages = PTR(0, const uint8_t *), *scratch = PTR(1, const uint8_t *);
  const int32_t *offsets = PTR(2, const int32_t *), *sizes = PTR(3, const int32_t *);
  const uint8_t *kinds = PTR(4, const uint8_t *);
  int32_t n = ARG(5, int32_t);
  uint8_t *compact = PTR(6, uint8_t *);
  for (int32_t i = 0; i < n; i++)
    memcpy(compact + offsets[i], (kinds[i] == TZ_KIND_RAW ? pages : scratch) + (size_t)i * TZ_PAGE_SIZE,
           (size_t)sizes[i]);
}

static void decompress(void **params) {
  const uint8_t *src = PTR(0, const uint8_t *);
  const int32_t *offsets = PTR(1, const int32_t *), *sizes = PTR(2, const int32_t *);
  const uint8_t *kinds = PTR(3, const uint8_t *);
  const uint64_t *patterns = PTR(4, const uint64_t *);
  int32_t n = ARG(5, int32_t);
  uint8_t *pages = PTR(6, uint8_t *);
  int32_t *status = PTR(7, int32_t *);
  for (int32_t i = 0; i < n; i++) {
    uint8_t *out = pages + (size_t)i * TZ_PAGE_SIZE;
    const uint8_t *in = src + offsets[i];
    int32_t r = TZ_OK;
    if (kinds[i] == TZ_KIND_SAME) {
      for (int w = 0; w < TZ_PAGE_WORDS; w++) memcpy(out + 8 * w, &patterns[i], 8);
    } else if (kinds[i] == TZ_KIND_RAW) {
      if (sizes[i] == TZ_PAGE_SIZE) memcpy(out, in, TZ_PAGE_SIZE);
      else r = TZ_E_CORRUPTED;
    } else if (kinds[i] == TZ_KIND_LZ4 || kinds[i] == TZ_KIND_GPU_LZ4) {
      r = tz_lz4_step_decompress(in, sizes[i], out) == TZ_PAGE_SIZE ? TZ_OK : TZ_E_CORRUPTED;
    } else if (kinds[i] == TZ_KIND_ZSTD) {
      r = TZ_E_UNSUPPORTED;
    } else {
      r = kinds[i] == TZ_GPU_KIND_REJECTED ? TZ_E_CORRUPTED : TZ_E_INVALID;
    }
    if (r != TZ_OK) memset(out, 0, TZ_PAGE_SIZE);
    status[i] = r;
  }
}

tz_cu_result cuLaunchKernel(tz_cu_func f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                            unsigned int by, unsigned int bz, unsigned int smem, tz_cu_stream stream, void **params,
                            void **extra) {
  (void)gy, (void)gz, (void)by, (void)bz, (void)stream, (void)extra;
  if (gx == 0 || bx == 0 || bx > 1024 || smem != 0) return ERR;
  switch (f->id) {
  case F_CLASSIFY: classify(params); return OK;
  case F_COMPRESS: compress(params); return OK;
  case F_SCAN: scan(params); return OK;
  case F_GATHER: gather(params); return OK;
  case F_DECOMPRESS: decompress(params); return OK;
  default: return ERR;
  }
}
