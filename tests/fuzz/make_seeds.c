/*
 * make_seeds: seed corpora for the fuzz targets, made from the real pages of ../shared/corpus (so the
 * fuzzers start from well-formed inputs and mutate inward), never committed.
 *   make_seeds CORPUS_DIR OUT_DIR     writes OUT_DIR/<target>/seed-N for every target
 * Per sampled page: LZ4 (liblz4 and the GPU step), ZSTD, RAW and SAME stored pages for fuzz_page_decode;
 * the LZ4 blocks and the page itself for fuzz_gpu_step; the page for fuzz_compress; and batches of a few
 * such pages for fuzz_batch_decode. Also ZSTD pages compressed with a dictionary (trained on the file's
 * first pages), whose frames carry its ID: the decoder must refuse them as TZ_E_DICTIONARY.
 */
#include <errno.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zdict.h>
#include <zstd.h>

#include "../../csrc/gpu/lz4_page_step.h"
#include "../../csrc/include/trueno_zram.h"
#include "../native/support/corpus.h"
#include "batch_input.h"

#define PAGES_PER_FILE 24
#define BATCH_PAGES 4

static const char *out_dir;
static int seeds;

static void write_seed(const char *target, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", out_dir, target);
  if (mkdir(path, 0755) != 0 && errno != EEXIST) {
    perror(path);
    exit(1);
  }
  snprintf(path, sizeof path, "%s/%s/seed-%d", out_dir, target, seeds++);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(a, 1, a_len, f) != a_len || (b_len > 0 && fwrite(b, 1, b_len, f) != b_len) || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

/* One stored form of page: its kind, bytes in out, length. */
static int32_t store(int32_t kind, const uint8_t *page, uint8_t *out) {
  uint16_t table[TZ_STEP_TABLE_SLOTS];
  switch (kind) {
  case TZ_KIND_LZ4:
    return LZ4_compress_default((const char *)page, (char *)out, TZ_PAGE_SIZE, LZ4_COMPRESSBOUND(TZ_PAGE_SIZE));
  case TZ_KIND_GPU_LZ4:
    memset(table, 0, sizeof table);
    return tz_lz4_step_compress(page, table, out, LZ4_COMPRESSBOUND(TZ_PAGE_SIZE));
  case TZ_KIND_ZSTD: {
    size_t n = ZSTD_compress(out, ZSTD_compressBound(TZ_PAGE_SIZE), page, TZ_PAGE_SIZE, 1);
    return ZSTD_isError(n) ? 0 : (int32_t)n;
  }
  case TZ_KIND_RAW:
    memcpy(out, page, TZ_PAGE_SIZE);
    return TZ_PAGE_SIZE;
  default: /* SAME: no bytes */
    return 0;
  }
}

static void page_seeds(const uint8_t *page) {
  static const int32_t kinds[] = {TZ_KIND_LZ4, TZ_KIND_GPU_LZ4, TZ_KIND_ZSTD, TZ_KIND_RAW, TZ_KIND_SAME};
  uint8_t stored[TZ_PAGE_SIZE * 2], header[9];
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    int32_t len = store(kinds[k], page, stored);
    header[0] = (uint8_t)kinds[k];
    memcpy(header + 1, page, 8);
    write_seed("fuzz_page_decode", header, sizeof header, stored, (size_t)len);
    if (kinds[k] == TZ_KIND_LZ4 || kinds[k] == TZ_KIND_GPU_LZ4) write_seed("fuzz_gpu_step", stored, (size_t)len, NULL, 0);
  }
  const uint8_t cap[2] = {0xFF, 0x0F};
  write_seed("fuzz_gpu_step", page, TZ_PAGE_SIZE, cap, sizeof cap);
  const uint8_t threshold = 255;
  write_seed("fuzz_compress", &threshold, 1, page, TZ_PAGE_SIZE);
}

/* BATCH_PAGES pages stored with rotating kinds, packed in one arena. */
static void batch_seed(const uint8_t *pages, int rotate) {
  static const int32_t kinds_cycle[] = {TZ_KIND_LZ4, TZ_KIND_ZSTD, TZ_KIND_SAME, TZ_KIND_GPU_LZ4, TZ_KIND_RAW};
  static uint8_t arena[BATCH_PAGES * TZ_PAGE_SIZE * 2], out[BATCH_PAGES * TZ_PAGE_SIZE * 3];
  int32_t offsets[BATCH_PAGES], sizes[BATCH_PAGES], at = 0;
  uint8_t kinds[BATCH_PAGES], pattern_bytes[BATCH_PAGES];
  for (int i = 0; i < BATCH_PAGES; i++) {
    const uint8_t *page = pages + (size_t)i * TZ_PAGE_SIZE;
    kinds[i] = (uint8_t)kinds_cycle[(i + rotate) % 5];
    pattern_bytes[i] = page[0];
    offsets[i] = at;
    sizes[i] = store(kinds[i], page, arena + at);
    at += sizes[i];
  }
  size_t len = batch_write(out, BATCH_PAGES, offsets, sizes, kinds, pattern_bytes, arena, at);
  write_seed("fuzz_batch_decode", out, len, NULL, 0);
}

/* ZSTD pages of file f compressed with a dictionary trained on its first DICT_TRAIN pages. */
#define DICT_TRAIN 256
#define DICT_SEEDS 8
static void dictionary_seeds(const corpus_file *f) {
  static uint8_t dict[16384];
  static size_t sizes[DICT_TRAIN];
  if (f->count < DICT_TRAIN + DICT_SEEDS) return;
  for (size_t i = 0; i < DICT_TRAIN; i++) sizes[i] = TZ_PAGE_SIZE;
  size_t dict_len = ZDICT_trainFromBuffer(dict, sizeof dict, f->pages, sizes, DICT_TRAIN);
  if (ZDICT_isError(dict_len)) return; /* too alike to train on: no dictionary seeds from this file */
  ZSTD_CCtx *cctx = ZSTD_createCCtx();
  uint8_t header[9] = {TZ_KIND_ZSTD}, stored[TZ_PAGE_SIZE * 2];
  for (size_t i = 0; i < DICT_SEEDS; i++) {
    const uint8_t *page = f->pages + (DICT_TRAIN + i) * TZ_PAGE_SIZE;
    size_t n = ZSTD_compress_usingDict(cctx, stored, sizeof stored, page, TZ_PAGE_SIZE, dict, dict_len, 1);
    if (!ZSTD_isError(n)) write_seed("fuzz_page_decode", header, sizeof header, stored, n);
  }
  ZSTD_freeCCtx(cctx);
}

/* Sequence-mode inputs of fuzz_gpu_step (one literal, then a match ending near the page's end). */
static void sequence_seeds(void) {
  for (int32_t end = 4084; end <= 4096; end++) {
    int32_t match = end - 1 - 4;
    const uint8_t seed[] = {0xB5, 1, (uint8_t)match, (uint8_t)(match >> 8), 1, 0, (uint8_t)(end & 1)};
    write_seed("fuzz_gpu_step", seed, sizeof seed, NULL, 0);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: make_seeds CORPUS_DIR OUT_DIR\n");
    return 2;
  }
  out_dir = argv[2];
  sequence_seeds();
  corpus c;
  if (corpus_load(argv[1], &c) != 0) return 1;
  for (size_t f = 0; f < c.file_count; f++) {
    dictionary_seeds(&c.files[f]);
    size_t step = c.files[f].count / PAGES_PER_FILE + 1;
    for (size_t p = 0; p < c.files[f].count; p += step) {
      page_seeds(c.files[f].pages + p * TZ_PAGE_SIZE);
      if (p + BATCH_PAGES <= c.files[f].count) batch_seed(c.files[f].pages + p * TZ_PAGE_SIZE, (int)(p / step));
    }
  }
  printf("make_seeds: %d seeds from %zu corpus pages in %s\n", seeds, c.total_pages, out_dir);
  corpus_free(&c);
  return 0;
}
