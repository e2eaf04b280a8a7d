/*
 * gpu_host_test.c: the GPU path's host side (the C files of csrc/gpu) against driver_standin.c, a CPU stand-in for
 * libcuda.so.1: every tz_gpu_* entry point, chunking over a ring of slots (several batch sizes and ring
 * depths), the compacted arena layout, per-page kinds, statuses and errors, on every corpus page.
 * What it cannot show is that the CUDA kernels are right: that needs a GPU (tests/gpu_device.test.ts).
 *   gpu_host_test STANDIN_LIBRARY CORPUS_DIR
 */
#include <dlfcn.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../csrc/include/trueno_zram.h"
#include "../native/support/lz4_rules.h"
#include "corpus_zst.h"

/* The host side needs an image to hand to cuModuleLoadData; the stand-in only checks it is there. */
const unsigned char tz_cuda_fatbin[16] = "stand-in image";

static int passed, failed;

static void check(int ok, const char *what) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  fprintf(stderr, "FAIL %s\n", what);
}

static int same_filled(const uint8_t *page, const uint8_t *pattern) {
  for (int w = 0; w < TZ_PAGE_WORDS; w++)
    if (memcmp(page + 8 * w, pattern, 8) != 0) return 0;
  return 1;
}

typedef struct {
  uint8_t *arena, *kinds, *patterns;
  int32_t *offsets, *sizes;
} batch_t;

static batch_t batch_new(int32_t n) {
  batch_t b = {malloc((size_t)n * TZ_PAGE_SIZE), malloc((size_t)n), calloc((size_t)n, 8),
               malloc((size_t)n * 4), malloc((size_t)n * 4)};
  return b;
}

static void batch_free(batch_t *b) {
  free(b->arena), free(b->kinds), free(b->patterns), free(b->offsets), free(b->sizes);
}

/* Compresses pages through the GPU path and checks every page and the arena's layout. */
static void check_compress(int32_t handle, const uint8_t *pages, int32_t n, int32_t raw_threshold, const char *what) {
  batch_t b = batch_new(n);
  double times[4] = {-1, -1, -1, -1};
  int32_t total = tz_gpu_compress_batch(handle, pages, n, raw_threshold, b.arena, n * TZ_PAGE_SIZE, b.offsets,
                                        b.sizes, b.kinds, b.patterns, times);
  check(total >= 0, what);
  int ok = total >= 0 && times[0] >= 0 && times[3] > 0, packed = 1, decoded = 1, same_as_host = 1;
  int64_t sum = 0, expected_at = 0;
  for (int32_t i = 0; ok && i < n; i++) {
    const uint8_t *page = pages + (size_t)i * TZ_PAGE_SIZE;
    const uint8_t *stored = b.arena + b.offsets[i];
    sum += b.sizes[i];
    packed &= b.offsets[i] == expected_at; /* chunk after chunk, page after page: no gaps */
    expected_at += b.sizes[i];
    uint8_t back[TZ_PAGE_SIZE], host[TZ_PAGE_SIZE];
    switch (b.kinds[i]) {
    case TZ_KIND_SAME:
      decoded &= b.sizes[i] == 0 && same_filled(page, b.patterns + 8 * i);
      break;
    case TZ_KIND_RAW:
      decoded &= b.sizes[i] == TZ_PAGE_SIZE && memcmp(stored, page, TZ_PAGE_SIZE) == 0;
      break;
    case TZ_KIND_GPU_LZ4:
      decoded &= b.sizes[i] < raw_threshold &&
                 LZ4_decompress_safe((const char *)stored, (char *)back, b.sizes[i], TZ_PAGE_SIZE) == TZ_PAGE_SIZE &&
                 memcmp(back, page, TZ_PAGE_SIZE) == 0;
      same_as_host &= tz_gpu_codec_compress_page_host(page, host, raw_threshold - 1) == b.sizes[i] &&
                      memcmp(host, stored, (size_t)b.sizes[i]) == 0;
      break;
    default:
      decoded = 0;
    }
  }
  char label[256];
  snprintf(label, sizeof label, "%s: sizes add up to the return value", what);
  check(ok && sum == total, label);
  snprintf(label, sizeof label, "%s: the arena is packed in page order", what);
  check(ok && packed, label);
  snprintf(label, sizeof label, "%s: every page decodes by its kind (liblz4 for GPU_LZ4)", what);
  check(ok && decoded, label);
  snprintf(label, sizeof label, "%s: GPU_LZ4 bytes equal tz_gpu_codec_compress_page_host's", what);
  check(ok && same_as_host, label);
  batch_free(&b);
}

/* liblz4-compressed pages (with SAME pages and RAW ones) decompressed through the GPU path. */
static void check_decompress(int32_t handle, const uint8_t *pages, int32_t n) {
  batch_t b = batch_new(n);
  int32_t at = 0;
  for (int32_t i = 0; i < n; i++) {
    const uint8_t *page = pages + (size_t)i * TZ_PAGE_SIZE;
    b.offsets[i] = at;
    memset(b.patterns + 8 * i, 0, 8);
    if (same_filled(page, page)) {
      b.kinds[i] = TZ_KIND_SAME, b.sizes[i] = 0;
      memcpy(b.patterns + 8 * i, page, 8);
      continue;
    }
    int32_t size = LZ4_compress_default((const char *)page, (char *)b.arena + at, TZ_PAGE_SIZE, TZ_PAGE_SIZE - 1);
    if (size <= 0) {
      memcpy(b.arena + at, page, TZ_PAGE_SIZE);
      b.kinds[i] = TZ_KIND_RAW, size = TZ_PAGE_SIZE;
    } else {
      b.kinds[i] = TZ_KIND_LZ4;
    }
    b.sizes[i] = size;
    at += size;
  }
  uint8_t *out = malloc((size_t)n * TZ_PAGE_SIZE);
  int32_t *status = malloc((size_t)n * 4);
  int32_t bad = tz_gpu_decompress_batch(handle, b.arena, at, b.offsets, b.sizes, b.kinds, b.patterns, n, out,
                                        n * TZ_PAGE_SIZE, status, NULL);
  check(bad == 0 && memcmp(out, pages, (size_t)n * TZ_PAGE_SIZE) == 0, "liblz4 pages decode on the GPU path");

  /* One page truncated, one marked ZSTD, one with an unknown kind: three per-page failures, zeroed. */
  int32_t lz4_page = -1;
  for (int32_t i = 3; i < n && lz4_page < 0; i++)
    if (b.kinds[i] == TZ_KIND_LZ4) lz4_page = i;
  b.sizes[lz4_page] -= 1;
  b.kinds[1] = TZ_KIND_ZSTD;
  b.kinds[2] = 9;
  bad = tz_gpu_decompress_batch(handle, b.arena, at, b.offsets, b.sizes, b.kinds, b.patterns, n, out,
                                n * TZ_PAGE_SIZE, status, NULL);
  uint8_t zeros[TZ_PAGE_SIZE] = {0};
  check(bad == 3 && status[lz4_page] == TZ_E_CORRUPTED && status[1] == TZ_E_UNSUPPORTED && status[2] == TZ_E_INVALID,
        "damaged pages fail one by one with their status");
  check(memcmp(out + (size_t)lz4_page * TZ_PAGE_SIZE, zeros, TZ_PAGE_SIZE) == 0, "a failed page comes back zeroed");

  /* An offset outside the arena: TZ_E_INVALID and nothing written. */
  memset(out, 0xEE, TZ_PAGE_SIZE);
  b.offsets[0] = at + 1;
  check(tz_gpu_decompress_batch(handle, b.arena, at, b.offsets, b.sizes, b.kinds, b.patterns, n, out,
                                n * TZ_PAGE_SIZE, status, NULL) == TZ_E_INVALID && out[0] == 0xEE,
        "an offset outside the arena is rejected before anything is written");
  free(out), free(status);
  batch_free(&b);
}

/* One page decoded through the GPU path; returns its status (or the call's error). */
static int32_t gpu_decode_one(int32_t handle, const uint8_t *arena, int32_t arena_len, int32_t size, uint8_t kind,
                              uint8_t *out) {
  int32_t offset = 0, status = 1;
  uint8_t pattern[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int32_t rc = tz_gpu_decompress_batch(handle, arena, arena_len, &offset, &size, &kind, pattern, 1, out, TZ_PAGE_SIZE,
                                       &status, NULL);
  return rc < 0 ? rc : status;
}

/* Malformed pages get the CPU path's answer on the GPU path (issue 14): the shared LZ4 edge rules, a SAME
 * page with stored bytes is corrupted, a kind that is no kind (255 included) is invalid; and an all-SAME
 * batch decodes with no arena at all. */
static void check_malformed_pages_match_the_cpu_path(int32_t handle) {
  static uint8_t arena[8192], out[2 * TZ_PAGE_SIZE], expect[TZ_PAGE_SIZE];
  for (size_t k = 0; k < LZ4_RULE_CASES; k++) {
    const lz4_rule_case *c = &lz4_rule_cases[k];
    int32_t len = lz4_rule_block(c, arena);
    lz4_rule_page(c, expect);
    int32_t status = gpu_decode_one(handle, arena, len, len, TZ_KIND_GPU_LZ4, out);
    int ok = c->decodes ? status == TZ_OK && memcmp(out, expect, TZ_PAGE_SIZE) == 0 : status == TZ_E_CORRUPTED;
    char what[160];
    snprintf(what, sizeof what, "GPU path, %s", c->name);
    check(ok, what);
  }
  check(gpu_decode_one(handle, arena, sizeof arena, 5000, TZ_KIND_SAME, out) == TZ_E_CORRUPTED &&
            gpu_decode_one(handle, arena, sizeof arena, 1, TZ_KIND_SAME, out) == TZ_E_CORRUPTED,
        "a SAME page with stored bytes is corrupted, as on the CPU path");
  check(gpu_decode_one(handle, arena, sizeof arena, 0, 255, out) == TZ_E_INVALID &&
            gpu_decode_one(handle, arena, sizeof arena, 6000, 255, out) == TZ_E_INVALID &&
            gpu_decode_one(handle, arena, sizeof arena, 0, 0, out) == TZ_E_INVALID,
        "kind 255 (and 0) is invalid, not corrupted");

  int32_t offsets[2] = {0, 0}, sizes[2] = {0, 0}, status[2] = {1, 1};
  uint8_t kinds[2] = {TZ_KIND_SAME, TZ_KIND_SAME}, patterns[16];
  for (int i = 0; i < 16; i++) patterns[i] = (uint8_t)i;
  int32_t bad = tz_gpu_decompress_batch(handle, NULL, 0, offsets, sizes, kinds, patterns, 2, out, sizeof out, status, NULL);
  check(bad == 0 && status[0] == 0 && status[1] == 0 && out[0] == 0 && out[7] == 7 && out[TZ_PAGE_SIZE + 8] == 8,
        "an all-SAME batch decodes with a NULL arena");
}

/* At most TZ_MAX_GPU_CONTEXTS contexts; one more is TZ_E_LIMIT, not TZ_E_NO_MEMORY. */
static void check_context_limit(void) {
  int32_t handles[TZ_MAX_GPU_CONTEXTS];
  int opened = 0;
  for (int i = 0; i < TZ_MAX_GPU_CONTEXTS; i++) opened += (handles[i] = tz_gpu_context_new(0, 1, 1, 0)) > 0;
  int32_t one_more = tz_gpu_context_new(0, 1, 1, 0);
  for (int i = 0; i < TZ_MAX_GPU_CONTEXTS; i++)
    if (handles[i] > 0) tz_gpu_context_free(handles[i]);
  check(opened == TZ_MAX_GPU_CONTEXTS && one_more == TZ_E_LIMIT, "one context past the limit is TZ_E_LIMIT");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gpu_host_test STANDIN_LIBRARY CORPUS_DIR\n");
    return 2;
  }
  /* Loaded first under its soname libcuda.so.1, so the host side's dlopen("libcuda.so.1") finds it. */
  void *standin = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
  check(standin != NULL, "the driver stand-in loads");
  if (standin == NULL) return 1;
  int *fail_memcpy_after = dlsym(standin, "standin_fail_memcpy_after");

  check(tz_gpu_built() == 1 && tz_gpu_available() == 1 && tz_gpu_device_count() == 1, "one device is seen");
  uint8_t name[8];
  double props[8];
  check(tz_gpu_device_info(0, name, sizeof name, props) == 0 && strcmp((char *)name, "CPU sta") == 0 &&
            props[0] == (double)(1 << 30) && props[2] == 75 && props[3] == 76,
        "device info: a truncated name and the driver's attributes");
  check(tz_gpu_device_info(1, name, sizeof name, props) == TZ_E_GPU_NOT_AVAILABLE, "an absent device");
  check(tz_gpu_context_new(0, 0, 2, 1) == TZ_E_INVALID && tz_gpu_context_new(0, 16, 17, 1) == TZ_E_INVALID &&
            tz_gpu_context_new(0, 16, 2, 2) == TZ_E_INVALID && tz_gpu_context_new(1, 16, 2, 1) == TZ_E_GPU_NOT_AVAILABLE,
        "bad context arguments");

  size_t corpus_pages = 0;
  uint8_t *corpus = read_corpus(argv[2], &corpus_pages);
  check(corpus != NULL && corpus_pages > 0, "the corpus reads");
  if (corpus == NULL) return 1;
  /* Make page 0 same-filled and page 1 random, so each kind appears whatever the corpus holds. */
  memset(corpus, 0x5A, TZ_PAGE_SIZE);
  uint32_t seed = 99;
  for (int i = 0; i < TZ_PAGE_SIZE; i++) corpus[TZ_PAGE_SIZE + i] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16);
  int32_t n = (int32_t)corpus_pages;

  const struct { int32_t batch, ring, async; } configs[] = {{1000, 3, 1}, {777, 1, 0}, {256, 16, 1}, {9000, 1, 1}};
  for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
    int32_t h = tz_gpu_context_new(0, configs[c].batch, configs[c].ring, configs[c].async);
    check(h > 0, "a context opens");
    char what[96];
    snprintf(what, sizeof what, "batch %d ring %d async %d", configs[c].batch, configs[c].ring, configs[c].async);
    check_compress(h, corpus, n, TZ_PAGE_SIZE, what);
    snprintf(what, sizeof what, "batch %d ring %d, raw threshold 2048", configs[c].batch, configs[c].ring);
    check_compress(h, corpus, n, 2048, what);
    check_decompress(h, corpus, n);
    check(tz_gpu_context_free(h) == 0 && tz_gpu_context_free(h) == TZ_E_CLOSED, "free, then the handle is closed");
    uint8_t arena[TZ_PAGE_SIZE], kinds[1], patterns[8];
    int32_t offsets[1], sizes[1];
    check(tz_gpu_compress_batch(h, corpus, 1, 4096, arena, sizeof arena, offsets, sizes, kinds, patterns, NULL) ==
              TZ_E_CLOSED,
          "a freed handle is closed");
  }

  /* A copy that fails mid-batch: TZ_E_GPU_FAILED, and the context works again afterwards. */
  int32_t h = tz_gpu_context_new(0, 500, 4, 1);
  check_malformed_pages_match_the_cpu_path(h);
  batch_t b = batch_new(n);
  *fail_memcpy_after = 5;
  check(tz_gpu_compress_batch(h, corpus, n, 4096, b.arena, n * TZ_PAGE_SIZE, b.offsets, b.sizes, b.kinds, b.patterns,
                              NULL) == TZ_E_GPU_FAILED,
        "a failed copy fails the batch with TZ_E_GPU_FAILED");
  *fail_memcpy_after = -1;
  check_compress(h, corpus, n, TZ_PAGE_SIZE, "after a failed batch");
  check(tz_gpu_compress_batch(h, corpus, n, 0, b.arena, n * TZ_PAGE_SIZE, b.offsets, b.sizes, b.kinds, b.patterns,
                              NULL) == TZ_E_INVALID &&
            tz_gpu_compress_batch(h, corpus, n, 4096, b.arena, n * TZ_PAGE_SIZE - 1, b.offsets, b.sizes, b.kinds,
                                  b.patterns, NULL) == TZ_E_INVALID,
        "a bad raw threshold or a short arena is rejected");
  check(tz_gpu_compress_batch(h, corpus, 0, 4096, b.arena, 0, b.offsets, b.sizes, b.kinds, b.patterns, NULL) == 0,
        "an empty batch is 0 bytes");
  tz_gpu_context_free(h);
  check_context_limit();
  batch_free(&b);
  free(corpus);

  printf("gpu-host: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
