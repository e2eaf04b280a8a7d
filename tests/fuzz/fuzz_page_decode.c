/*
 * fuzz_page_decode: tz_decompress_page on every kind against the reference libraries (oracle.h).
 * Input: [0] kind (any byte), [1..9) SAME pattern, [9..) the stored bytes.
 * A success must rebuild the oracle's page; a failure must be the oracle's code and leave `out` untouched.
 */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int32_t handle;
  if (handle == 0) handle = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
  FUZZ_REQUIRE(handle > 0);
  if (size < 9) return 0;
  int32_t kind = data[0];
  const uint8_t *pattern = data + 1;
  int32_t len = (int32_t)(size - 9);
  /* The stored bytes in a buffer of exactly their length, so ASan sees any read past them. */
  uint8_t *src = malloc(len > 0 ? (size_t)len : 1);
  memcpy(src, data + 9, (size_t)len);
  uint8_t out[TZ_PAGE_SIZE], expect[TZ_PAGE_SIZE];
  memset(out, 0xA5, sizeof out);
  int32_t status = tz_decompress_page(handle, kind, src, len, pattern, out);
  int32_t reference = oracle_decode(kind, src, len, pattern, expect);
  FUZZ_REQUIRE(status == reference);
  if (status == TZ_OK) {
    FUZZ_REQUIRE(memcmp(out, expect, TZ_PAGE_SIZE) == 0);
  } else {
    for (int i = 0; i < TZ_PAGE_SIZE; i++) FUZZ_REQUIRE(out[i] == 0xA5);
  }
  free(src);
  return 0;
}
