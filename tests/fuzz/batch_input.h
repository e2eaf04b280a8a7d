/*
 * batch_input.h: how fuzz_batch_decode reads a batch, with every argument free to lie, from fuzz bytes
 * (and how make_seeds writes one). Layout:
 *   [0] flags: bit 0 async (tz_job_wait), bit 1 async (tz_job_poll), bit 2 NULL arena, bit 3 lie about
 *       the count (n + the signed lie byte * 524288: past TZ_MAX_BATCH_PAGES or negative, so never a
 *       count the library may act on by reading past the arrays)
 *   [1] n (0..15)   [2] out_cap shortfall in bytes (0 = exact)   [3] arena_len shortfall in bytes
 *   [4] count lie (used with flag bit 3)
 *   per page, 8 bytes: kind, offset (int16 LE, any value), size (int16 LE, any value), pattern byte,
 *       unused
 *   the rest: the arena.
 */
#ifndef TZ_FUZZ_BATCH_INPUT_H
#define TZ_FUZZ_BATCH_INPUT_H

#include <stdint.h>
#include <string.h>

#define BATCH_HEADER 5
#define BATCH_PAGE_BYTES 8
#define BATCH_MAX_PAGES 15

enum { BATCH_ASYNC_WAIT = 1, BATCH_ASYNC_POLL = 2, BATCH_NULL_ARENA = 4, BATCH_LIE_COUNT = 8 };

typedef struct batch_input {
  int flags;
  int32_t n;             /* pages described (0..15) */
  int32_t claimed_n;     /* what the call is told */
  int32_t out_shortfall; /* bytes fewer than n * 4096 the out buffer has */
  int32_t arena_shortfall;
  int32_t offsets[BATCH_MAX_PAGES], sizes[BATCH_MAX_PAGES];
  uint8_t kinds[BATCH_MAX_PAGES], patterns[BATCH_MAX_PAGES * 8];
  const uint8_t *arena;
  int32_t arena_len;
} batch_input;

/* 0 when the bytes are too short to describe a batch. */
static inline int batch_parse(const uint8_t *data, size_t size, batch_input *b) {
  if (size < BATCH_HEADER) return 0;
  memset(b, 0, sizeof *b);
  b->flags = data[0];
  b->n = data[1] % (BATCH_MAX_PAGES + 1);
  b->out_shortfall = data[2];
  b->arena_shortfall = data[3];
  b->claimed_n = b->flags & BATCH_LIE_COUNT ? b->n + (int32_t)(int8_t)data[4] * 524288 : b->n;
  size_t at = BATCH_HEADER;
  if (size < at + (size_t)b->n * BATCH_PAGE_BYTES) return 0;
  for (int32_t i = 0; i < b->n; i++, at += BATCH_PAGE_BYTES) {
    b->kinds[i] = data[at];
    b->offsets[i] = (int16_t)(data[at + 1] | data[at + 2] << 8);
    b->sizes[i] = (int16_t)(data[at + 3] | data[at + 4] << 8);
    memset(b->patterns + 8 * i, data[at + 5], 8);
  }
  b->arena = data + at;
  b->arena_len = (int32_t)(size - at);
  return 1;
}

/* The bytes batch_parse reads back as n honest pages (make_seeds). Returns the length written. */
static inline size_t batch_write(uint8_t *out, int32_t n, const int32_t *offsets, const int32_t *sizes,
                                 const uint8_t *kinds, const uint8_t *pattern_bytes, const uint8_t *arena,
                                 int32_t arena_len) {
  size_t at = 0;
  out[at++] = 0;
  out[at++] = (uint8_t)n;
  out[at++] = 0;
  out[at++] = 0;
  out[at++] = 0;
  for (int32_t i = 0; i < n; i++) {
    out[at++] = kinds[i];
    out[at++] = (uint8_t)offsets[i], out[at++] = (uint8_t)(offsets[i] >> 8);
    out[at++] = (uint8_t)sizes[i], out[at++] = (uint8_t)(sizes[i] >> 8);
    out[at++] = pattern_bytes[i];
    out[at++] = 0, out[at++] = 0;
  }
  memcpy(out + at, arena, (size_t)arena_len);
  return at + (size_t)arena_len;
}

#endif
