/*
 * gpu_codec_test.c: the GPU path's per-page LZ4 step (csrc/gpu/lz4_page_step.h), compiled for the CPU
 * exactly as tz_gpu_codec_compress_page_host does, checked against liblz4 on synthetic pages and on every
 * page of the corpus: liblz4 decodes our output exactly, our decoder decodes liblz4's, the output never
 * exceeds its cap, truncated or damaged input is rejected without reading or writing out of bounds, and
 * the total size stays within 3% of LZ4_compress_default's.
 *   gpu_codec_test CORPUS_DIR      (reads every .pages.zst file in CORPUS_DIR)
 */
#include <dirent.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../csrc/gpu/lz4_page_step.h"
#include "../../csrc/codec/lz4_zero_offset.h"
#include "../native/support/lz4_rules.h"
#include "corpus_zst.h"

/* A test is one named property; it passes when every page it was checked on passes. */
#define MAX_TESTS 64
static const char *test_names[MAX_TESTS];
static int test_failed[MAX_TESTS], tests, failures_shown;

static void check(int ok, const char *what, const char *where, long page) {
  int t = 0;
  while (t < tests && strcmp(test_names[t], what) != 0) t++;
  if (t == tests && tests < MAX_TESTS) test_names[tests++] = what;
  if (ok || t == MAX_TESTS) return;
  test_failed[t] = 1;
  if (++failures_shown <= 20) fprintf(stderr, "FAIL %s (%s, page %ld)\n", what, where, page);
}

static int32_t compress_step(const uint8_t *page, uint8_t *out, int32_t cap) {
  uint16_t table[TZ_STEP_TABLE_SLOTS];
  memset(table, 0, sizeof table);
  return tz_lz4_step_compress(page, table, out, cap);
}

typedef struct {
  long ours, reference;
} sizes_t;

/* Every check on one page; adds the page's stored sizes (RAW = 4096) to totals. */
static void check_page(const uint8_t *page, const char *where, long index, sizes_t *totals) {
  enum { GUARD = 64 };
  uint8_t out[TZ_STEP_PAGE + GUARD], back[TZ_STEP_PAGE];
  char reference[LZ4_COMPRESSBOUND(TZ_STEP_PAGE)];
  memset(out, 0xA5, sizeof out);
  int32_t size = compress_step(page, out, TZ_STEP_PAGE - 1);
  int32_t ref = LZ4_compress_default((const char *)page, reference, TZ_STEP_PAGE, (int)sizeof reference);
  totals->ours += size > 0 ? size : TZ_STEP_PAGE;
  totals->reference += ref < TZ_STEP_PAGE ? ref : TZ_STEP_PAGE;

  int untouched = 1;
  for (int i = size > 0 ? size : 0; i < (int)sizeof out; i++) untouched &= out[i] == 0xA5;
  check(untouched, "no byte written past the output", where, index);
  if (size == 0) {
    /* Only pages liblz4 cannot shrink below 4096 either may be left RAW. */
    check(ref >= TZ_STEP_PAGE - 16, "RAW only for an incompressible page", where, index);
    return;
  }
  int decoded = LZ4_decompress_safe((const char *)out, (char *)back, size, TZ_STEP_PAGE);
  check(decoded == TZ_STEP_PAGE && memcmp(back, page, TZ_STEP_PAGE) == 0, "liblz4 decodes the step's output",
        where, index);
  memset(back, 0, sizeof back);
  check(tz_lz4_step_decompress(out, size, back) == TZ_STEP_PAGE && memcmp(back, page, TZ_STEP_PAGE) == 0,
        "the step decodes its own output", where, index);
  memset(back, 0, sizeof back);
  check(tz_lz4_step_decompress((const uint8_t *)reference, ref, back) == TZ_STEP_PAGE &&
            memcmp(back, page, TZ_STEP_PAGE) == 0,
        "the step decodes liblz4's output", where, index);

  uint8_t again[TZ_STEP_PAGE];
  check(compress_step(page, again, size) == size && memcmp(again, out, (size_t)size) == 0,
        "an exact cap gives the same bytes", where, index);
  check(compress_step(page, again, size - 1) == 0, "one byte less than needed gives 0", where, index);
}

/* The CPU path's answer, as reference: 1 when liblz4 rebuilds a whole page from src (into out) and no
 * match has offset 0 (the format calls that corrupt; liblz4 does not check it). */
static int cpu_rule_decodes(const uint8_t *src, int32_t len, uint8_t *out) {
  return LZ4_decompress_safe((const char *)src, (char *)out, len, TZ_STEP_PAGE) == TZ_STEP_PAGE &&
         !tz_lz4_has_zero_offset(src, len);
}

/* The shared edge rules (tests/native/support/lz4_rules.h) on the step decoder and on liblz4. */
static void rule_cases(void) {
  for (size_t k = 0; k < LZ4_RULE_CASES; k++) {
    const lz4_rule_case *c = &lz4_rule_cases[k];
    uint8_t block[LZ4_RULE_BLOCK_MAX], expect[TZ_STEP_PAGE], out[TZ_STEP_PAGE];
    int32_t len = lz4_rule_block(c, block);
    lz4_rule_page(c, expect);
    int32_t r = tz_lz4_step_decompress(block, len, out);
    check(c->decodes ? r == TZ_STEP_PAGE && memcmp(out, expect, TZ_STEP_PAGE) == 0 : r == TZ_STEP_CORRUPTED,
          "the step decoder follows the shared edge rules", c->name, (long)k);
    check(cpu_rule_decodes(block, len, out) == c->decodes, "liblz4 with the offset-0 rule agrees", c->name, (long)k);
  }
}

/* Damaged inputs: every strict prefix must be rejected; flipped bytes must decode or be rejected, and the
 * decoder must never write past its page (the guard after it stays intact). */
static void check_damage(const uint8_t *page, const char *where, long index) {
  uint8_t out[TZ_STEP_PAGE];
  int32_t size = compress_step(page, out, TZ_STEP_PAGE - 1);
  if (size == 0) return;
  struct {
    uint8_t page[TZ_STEP_PAGE];
    uint8_t guard[64];
  } dst;
  int prefixes_rejected = 1;
  for (int32_t len = 0; len < size; len++) {
    uint8_t *input = malloc((size_t)len + 1); /* exactly len readable bytes for the decoder */
    memcpy(input, out, (size_t)len);
    prefixes_rejected &= tz_lz4_step_decompress(input, len, dst.page) == TZ_STEP_CORRUPTED;
    free(input);
  }
  check(prefixes_rejected, "every truncated block is rejected", where, index);
  int bounded = 1;
  uint32_t seed = 12345u + (uint32_t)index;
  for (int trial = 0; trial < 200; trial++) {
    uint8_t damaged[TZ_STEP_PAGE];
    memcpy(damaged, out, (size_t)size);
    seed = seed * 1664525u + 1013904223u;
    damaged[(seed >> 8) % (uint32_t)size] ^= (uint8_t)(1u + (seed >> 24) % 255u);
    memset(dst.guard, 0x5A, sizeof dst.guard);
    int32_t r = tz_lz4_step_decompress(damaged, size, dst.page);
    for (size_t g = 0; g < sizeof dst.guard; g++) bounded &= dst.guard[g] == 0x5A;
    bounded &= r == TZ_STEP_PAGE || r == TZ_STEP_CORRUPTED;
    uint8_t reference[TZ_STEP_PAGE];
    int agrees = cpu_rule_decodes(damaged, size, reference) ? r == TZ_STEP_PAGE && memcmp(reference, dst.page, TZ_STEP_PAGE) == 0
                                                           : r == TZ_STEP_CORRUPTED;
    check(agrees, "a damaged block decodes as liblz4 decodes it", where, index);
  }
  check(bounded, "damaged blocks stay within bounds", where, index);
}

static void synthetic_pages(sizes_t *totals) {
  uint8_t page[TZ_STEP_PAGE];
  uint32_t seed = 1;
  for (int kind = 0; kind < 12; kind++) {
    for (int i = 0; i < TZ_STEP_PAGE; i++) {
      seed = seed * 1103515245u + 12345u;
      switch (kind) {
      case 0: page[i] = 0; break;
      case 1: page[i] = 0xFF; break;
      case 2: page[i] = (uint8_t)(i % 3); break;
      case 3: page[i] = (uint8_t)(i % 16 * 7); break;
      case 4: page[i] = (uint8_t)(seed >> 16); break; /* random: incompressible */
      case 5: page[i] = "the quick brown fox jumps over the lazy dog "[i % 44]; break;
      case 6: page[i] = i == 0 ? 1 : 0; break;
      case 7: page[i] = i == TZ_STEP_PAGE / 2 ? 1 : 0; break;
      case 8: page[i] = i == TZ_STEP_PAGE - 1 ? 1 : 0; break;
      case 9: page[i] = i < TZ_STEP_PAGE - 8 ? 0 : (uint8_t)(seed >> 16); break; /* end-of-block rules */
      case 10: page[i] = i < 2048 ? (uint8_t)(seed >> 16) : 7; break;
      default: page[i] = (uint8_t)((seed >> 16) & 3); break; /* low entropy, short matches */
      }
    }
    check_page(page, "synthetic", kind, totals);
    check_damage(page, "synthetic", kind);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gpu_codec_test CORPUS_DIR\n");
    return 2;
  }
  sizes_t synthetic = {0, 0}, corpus = {0, 0};
  synthetic_pages(&synthetic);
  rule_cases();

  DIR *dir = opendir(argv[1]);
  check(dir != NULL, "the corpus directory opens", argv[1], -1);
  long pages = 0;
  struct dirent *entry;
  while (dir != NULL && (entry = readdir(dir)) != NULL) {
    size_t name_len = strlen(entry->d_name);
    if (name_len < 10 || strcmp(entry->d_name + name_len - 10, ".pages.zst") != 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[1], entry->d_name);
    size_t len = 0;
    uint8_t *data = read_zst(path, &len);
    check(data != NULL && len > 0 && len % TZ_STEP_PAGE == 0, "a corpus file decompresses to whole pages",
          entry->d_name, -1);
    for (size_t p = 0; data != NULL && p + TZ_STEP_PAGE <= len; p += TZ_STEP_PAGE, pages++) {
      check_page(data + p, entry->d_name, (long)(p / TZ_STEP_PAGE), &corpus);
      if (p / TZ_STEP_PAGE % 97 == 0) check_damage(data + p, entry->d_name, (long)(p / TZ_STEP_PAGE));
    }
    free(data);
  }
  if (dir != NULL) closedir(dir);
  check(pages > 0, "the corpus has pages", argv[1], -1);
  check(corpus.ours <= corpus.reference + corpus.reference * 3 / 100,
        "corpus size within 3% of LZ4_compress_default", argv[1], -1);

  printf("gpu codec step: %ld corpus pages, stored %ld bytes vs liblz4 %ld bytes (%+.2f%%), ratio %.4f vs %.4f\n",
         pages, corpus.ours, corpus.reference, 100.0 * ((double)corpus.ours / (double)corpus.reference - 1.0),
         (double)pages * TZ_STEP_PAGE / (double)corpus.ours,
         (double)pages * TZ_STEP_PAGE / (double)corpus.reference);
  int failed = 0;
  for (int t = 0; t < tests; t++) failed += test_failed[t];
  printf("gpu-codec: %d passed, %d failed\n", tests - failed, failed);
  return failed == 0 && tests < MAX_TESTS ? 0 : 1;
}
