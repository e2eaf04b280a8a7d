/*
 * fuzz_compress: every algorithm's stored page for a fuzzed page, checked by the reference libraries:
 * SAME only for a page of 512 equal words (with that pattern), RAW holds the page, LZ4 and ZSTD pages
 * decode with liblz4 / libzstd (oracle.h) to the page, and the library decodes its own page back.
 * Input: [0] raw threshold selector, then page bytes, repeated to fill 4096 (so short inputs give
 * same-filled and periodic pages).
 */
#include "oracle.h"

static const int32_t algorithms[][2] = {
    {TZ_ALGO_LZ4, 1}, {TZ_ALGO_LZ4, 9}, {TZ_ALGO_LZ4HC, 9}, {TZ_ALGO_ZSTD, 3}, {TZ_ALGO_ADAPTIVE, 0}, {TZ_ALGO_NONE, 0},
};
#define ALGORITHMS (sizeof algorithms / sizeof algorithms[0])

static int same_words(const uint8_t *page) {
  for (int i = 8; i < TZ_PAGE_SIZE; i += 8)
    if (memcmp(page, page + i, 8) != 0) return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int32_t handles[ALGORITHMS];
  if (handles[0] == 0)
    for (size_t a = 0; a < ALGORITHMS; a++) handles[a] = tz_compressor_new(algorithms[a][0], algorithms[a][1], 1, -1);
  if (size < 1) return 0;
  int32_t raw_threshold = 1 + (int32_t)(data[0] * 16u) % TZ_PAGE_SIZE;
  if (data[0] == 255) raw_threshold = TZ_PAGE_SIZE;
  uint8_t page[TZ_PAGE_SIZE];
  memset(page, 0, sizeof page);
  for (size_t i = 0; size > 1 && i < TZ_PAGE_SIZE; i++) page[i] = data[1 + i % (size - 1)];

  for (size_t a = 0; a < ALGORITHMS; a++) {
    FUZZ_REQUIRE(handles[a] > 0);
    uint8_t stored[TZ_PAGE_SIZE], meta[16], expect[TZ_PAGE_SIZE], back[TZ_PAGE_SIZE];
    int32_t len = tz_compress_page(handles[a], page, raw_threshold, 8.0, stored, sizeof stored, meta);
    int32_t kind = meta[0];
    FUZZ_REQUIRE(len >= 0 && len <= TZ_PAGE_SIZE);
    FUZZ_REQUIRE((kind == TZ_KIND_SAME) == same_words(page));
    FUZZ_REQUIRE(kind == TZ_KIND_SAME || kind == TZ_KIND_RAW || len < raw_threshold);
    if (algorithms[a][0] == TZ_ALGO_NONE) FUZZ_REQUIRE(kind == TZ_KIND_SAME || kind == TZ_KIND_RAW);
    FUZZ_REQUIRE(oracle_decode(kind, stored, len, meta + 8, expect) == TZ_OK);
    FUZZ_REQUIRE(memcmp(expect, page, TZ_PAGE_SIZE) == 0);
    FUZZ_REQUIRE(tz_decompress_page(handles[a], kind, stored, len, meta + 8, back) == TZ_OK);
    FUZZ_REQUIRE(memcmp(back, page, TZ_PAGE_SIZE) == 0);
  }
  return 0;
}
