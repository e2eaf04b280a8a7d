/*
 * fuzz_gpu_step: the GPU path's per-page LZ4 step (csrc/gpu/lz4_page_step.h, the code the kernels run)
 * compiled for the CPU, differentially against liblz4:
 *  - decoding: any bytes decode on the step exactly as on the CPU path (oracle.h), never writing past
 *    the page; inputs starting with SEQUENCE_MODE are first turned into a syntactically valid block
 *    (built_block) so that the end-of-block rules, which random bytes rarely reach, are hit often;
 *  - encoding (inputs of 4096 bytes or more): the step's output for the page, within a cap taken from the
 *    input, fits the cap and liblz4 rebuilds the page from it.
 */
#include "../../csrc/gpu/lz4_page_step.h"
#include "oracle.h"

static void check_decode(const uint8_t *data, int32_t len) {
  uint8_t *src = malloc(len > 0 ? (size_t)len : 1);
  memcpy(src, data, (size_t)len);
  struct {
    uint8_t page[TZ_PAGE_SIZE];
    uint8_t guard[64];
  } out;
  memset(out.guard, 0x5A, sizeof out.guard);
  uint8_t expect[TZ_PAGE_SIZE];
  int32_t step = tz_lz4_step_decompress(src, len, out.page);
  int32_t reference = oracle_decode(TZ_KIND_LZ4, src, len, NULL, expect);
  FUZZ_REQUIRE(step == TZ_PAGE_SIZE || step == TZ_STEP_CORRUPTED);
  FUZZ_REQUIRE((step == TZ_PAGE_SIZE) == (reference == TZ_OK));
  if (step == TZ_PAGE_SIZE) FUZZ_REQUIRE(memcmp(out.page, expect, TZ_PAGE_SIZE) == 0);
  for (size_t g = 0; g < sizeof out.guard; g++) FUZZ_REQUIRE(out.guard[g] == 0x5A);
  free(src);
}

static void check_encode(const uint8_t *page, int32_t cap) {
  uint16_t table[TZ_STEP_TABLE_SLOTS];
  memset(table, 0, sizeof table);
  uint8_t *out = malloc((size_t)cap + 1);
  int32_t size = tz_lz4_step_compress(page, table, out, cap);
  FUZZ_REQUIRE(size >= 0 && size <= cap);
  if (size > 0) {
    uint8_t back[TZ_PAGE_SIZE];
    FUZZ_REQUIRE(LZ4_decompress_safe((const char *)out, (char *)back, size, TZ_PAGE_SIZE) == TZ_PAGE_SIZE);
    FUZZ_REQUIRE(memcmp(back, page, TZ_PAGE_SIZE) == 0);
    FUZZ_REQUIRE(tz_lz4_step_decompress(out, size, back) == TZ_PAGE_SIZE && memcmp(back, page, TZ_PAGE_SIZE) == 0);
  } else {
    /* Only a page the step cannot fit in cap bytes; with the whole bound it always fits. */
    FUZZ_REQUIRE(cap < LZ4_COMPRESSBOUND(TZ_PAGE_SIZE));
  }
  free(out);
}

#define SEQUENCE_MODE 0xB5
#define BLOCK_MAX (TZ_PAGE_SIZE * 2)

/* Appends an LZ4 length's continuation bytes (len >= 15 already in the token). */
static int32_t put_length(uint8_t *out, int32_t at, int32_t len) {
  for (len -= 15; len >= 255; len -= 255) out[at++] = 255;
  out[at++] = (uint8_t)len;
  return at;
}

/*
 * An LZ4 block from 5-byte records (literal run 0..255, match length 4..4099, offset 0..op), literal
 * bytes 'a' + position % 7, ending with a literal run that fills the page to 4096 bytes when it is short
 * (none when it is full or over), or an empty last token when the record stream's last byte is odd.
 */
static int32_t built_block(const uint8_t *data, size_t size, uint8_t *out) {
  int32_t at = 0, op = 0;
  size_t i = 1;
  for (; i + 5 <= size && op < TZ_PAGE_SIZE && at < BLOCK_MAX - 2 * TZ_PAGE_SIZE / 255 - 64; i += 5) {
    int32_t literals = data[i], match = 4 + (data[i + 1] | data[i + 2] << 8) % 4096;
    int32_t offset = (data[i + 3] | data[i + 4] << 8) % (op + literals + 1);
    if (at + literals + 16 > BLOCK_MAX - 64) break;
    int32_t token = at++;
    out[token] = (uint8_t)((literals >= 15 ? 15 : literals) << 4 | (match - 4 >= 15 ? 15 : match - 4));
    if (literals >= 15) at = put_length(out, at, literals);
    for (int32_t k = 0; k < literals; k++) out[at++] = (uint8_t)('a' + (op + k) % 7);
    op += literals;
    out[at++] = (uint8_t)offset, out[at++] = (uint8_t)(offset >> 8);
    if (match - 4 >= 15) at = put_length(out, at, match - 4);
    op += match;
  }
  int32_t rest = TZ_PAGE_SIZE - op;
  if (rest > 0 || (size > 1 && data[size - 1] & 1)) {
    if (rest < 0) rest = 0;
    out[at++] = (uint8_t)((rest >= 15 ? 15 : rest) << 4);
    if (rest >= 15) at = put_length(out, at, rest);
    for (int32_t k = 0; k < rest; k++) out[at++] = (uint8_t)('a' + (op + k) % 7);
  }
  return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (size_t)LZ4_COMPRESSBOUND(TZ_PAGE_SIZE) * 2) return 0;
  if (size > 0 && data[0] == SEQUENCE_MODE) {
    static uint8_t block[BLOCK_MAX];
    check_decode(block, built_block(data, size, block));
    return 0;
  }
  check_decode(data, (int32_t)size);
  if (size >= TZ_PAGE_SIZE + 2) {
    int32_t cap = (data[TZ_PAGE_SIZE] | data[TZ_PAGE_SIZE + 1] << 8) % (LZ4_COMPRESSBOUND(TZ_PAGE_SIZE) + 1);
    check_encode(data, cap);
  }
  return 0;
}
