/*
 * oracle.h: what the reference libraries say one stored page decodes to, the answer every fuzz target
 * holds the library to. Header-only; each target is its own program.
 *   LZ4 / GPU_LZ4: liblz4 rebuilds exactly 4096 bytes, and no match has offset 0 (the LZ4 format calls
 *                  that corrupt; liblz4 does not check it);
 *   ZSTD:          one standard frame (magic 0xFD2FB528, no legacy or skippable frame) spanning the input,
 *                  declaring 4096 bytes, that libzstd rebuilds; a frame naming a dictionary is
 *                  TZ_E_DICTIONARY (the fuzzed compressors have none);
 *   RAW:           exactly 4096 bytes; SAME: no bytes, the 8-byte pattern 512 times;
 *   anything else: TZ_E_INVALID.
 */
#ifndef TZ_FUZZ_ORACLE_H
#define TZ_FUZZ_ORACLE_H

#include <lz4.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../../csrc/codec/lz4_zero_offset.h"
#include "../../csrc/include/trueno_zram.h"

/* A finding: print it and abort, so libFuzzer saves the input as a crash. */
#define FUZZ_REQUIRE(cond)                                                      \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "fuzz oracle failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      abort();                                                                  \
    }                                                                           \
  } while (0)

/* TZ_OK with the page in out, TZ_E_CORRUPTED, TZ_E_DICTIONARY or TZ_E_INVALID, by the reference libraries. */
static inline int32_t oracle_decode(int32_t kind, const uint8_t *src, int32_t len, const uint8_t pattern[8],
                                    uint8_t *out) {
  switch (kind) {
  case TZ_KIND_SAME:
    if (len != 0) return TZ_E_CORRUPTED;
    for (int i = 0; i < TZ_PAGE_SIZE; i += 8) memcpy(out + i, pattern, 8);
    return TZ_OK;
  case TZ_KIND_RAW:
    if (len != TZ_PAGE_SIZE) return TZ_E_CORRUPTED;
    memcpy(out, src, TZ_PAGE_SIZE);
    return TZ_OK;
  case TZ_KIND_LZ4:
  case TZ_KIND_GPU_LZ4:
    if (len <= 0) return TZ_E_CORRUPTED;
    return LZ4_decompress_safe((const char *)src, (char *)out, len, TZ_PAGE_SIZE) == TZ_PAGE_SIZE &&
                   !tz_lz4_has_zero_offset(src, len)
               ? TZ_OK
               : TZ_E_CORRUPTED;
  case TZ_KIND_ZSTD: {
    if (len < 4) return TZ_E_CORRUPTED;
    uint32_t magic;
    memcpy(&magic, src, 4);
    if (magic != ZSTD_MAGICNUMBER || ZSTD_findFrameCompressedSize(src, (size_t)len) != (size_t)len ||
        ZSTD_getFrameContentSize(src, (size_t)len) != TZ_PAGE_SIZE)
      return TZ_E_CORRUPTED;
    if (ZSTD_getDictID_fromFrame(src, (size_t)len) != 0) return TZ_E_DICTIONARY;
    return ZSTD_decompress(out, TZ_PAGE_SIZE, src, (size_t)len) == TZ_PAGE_SIZE ? TZ_OK : TZ_E_CORRUPTED;
  }
  default:
    return TZ_E_INVALID;
  }
}

#endif
