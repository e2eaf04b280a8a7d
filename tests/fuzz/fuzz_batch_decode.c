/*
 * fuzz_batch_decode: tz_decompress_batch and tz_decompress_batch_async (finished by tz_job_wait or by
 * polling) with lying offsets, sizes, kinds, counts and capacities (batch_input.h), against the
 * single-page decoder:
 *  - a bad count or arena length is TZ_E_INVALID; a short output TZ_E_BUFFER_TOO_SMALL; any page outside
 *    the arena TZ_E_INVALID; in each case nothing is written;
 *  - otherwise the result is the number of failed pages, each page's status is what tz_decompress_page
 *    says for the same bytes, a good page is its page and a failed page zeros.
 */
#include "batch_input.h"
#include "oracle.h"

static int32_t handle;

static int32_t run(const batch_input *b, const uint8_t *arena, int32_t arena_len, uint8_t *out, int32_t out_cap,
                   int32_t *status) {
  if (!(b->flags & (BATCH_ASYNC_WAIT | BATCH_ASYNC_POLL)))
    return tz_decompress_batch(handle, arena, arena_len, b->offsets, b->sizes, b->kinds, b->patterns, b->claimed_n,
                               out, out_cap, status);
  int32_t job = tz_decompress_batch_async(handle, arena, arena_len, b->offsets, b->sizes, b->kinds, b->patterns,
                                          b->claimed_n, out, out_cap, status);
  if (job <= 0) return job;
  if (b->flags & BATCH_ASYNC_WAIT) return tz_job_wait(job);
  int32_t result;
  int32_t polled;
  while ((polled = tz_job_poll(job, &result)) == 0) {
  }
  FUZZ_REQUIRE(polled == 1);
  /* A finished job is released: it is unknown from then on. */
  FUZZ_REQUIRE(tz_job_poll(job, &result) == TZ_E_CLOSED);
  return result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (handle == 0) handle = tz_compressor_new(TZ_ALGO_LZ4, 1, 2, TZ_BACKEND_AUTO);
  FUZZ_REQUIRE(handle > 0);
  batch_input b;
  if (!batch_parse(data, size, &b)) return 0;
  int null_arena = (b.flags & BATCH_NULL_ARENA) != 0;
  int32_t arena_len = null_arena ? 0 : b.arena_len - b.arena_shortfall;
  /* The arena in a buffer of exactly its real length, so ASan sees any read past it. */
  uint8_t *arena = null_arena ? NULL : malloc(b.arena_len > 0 ? (size_t)b.arena_len : 1);
  if (arena != NULL) memcpy(arena, b.arena, (size_t)b.arena_len);
  int32_t out_cap = b.n * TZ_PAGE_SIZE - b.out_shortfall;
  if (out_cap < 0) out_cap = 0;
  uint8_t *out = malloc(out_cap > 0 ? (size_t)out_cap : 1);
  memset(out, 0xA5, (size_t)out_cap);
  int32_t status[BATCH_MAX_PAGES];

  int32_t rc = run(&b, arena, arena_len, out, out_cap, status);

  int bad_args = b.claimed_n != b.n || arena_len < 0;
  int too_small = (int64_t)out_cap < (int64_t)b.n * TZ_PAGE_SIZE;
  int outside = 0;
  for (int32_t i = 0; i < b.n; i++)
    outside |= b.offsets[i] < 0 || b.sizes[i] < 0 || (int64_t)b.offsets[i] + b.sizes[i] > arena_len;
  if (bad_args) {
    FUZZ_REQUIRE(rc == TZ_E_INVALID);
  } else if (too_small || outside) {
    FUZZ_REQUIRE((too_small && rc == TZ_E_BUFFER_TOO_SMALL) || (outside && rc == TZ_E_INVALID));
  }
  if (bad_args || too_small || outside) {
    for (int32_t i = 0; i < out_cap; i++) FUZZ_REQUIRE(out[i] == 0xA5);
  } else {
    int32_t failed = 0;
    for (int32_t i = 0; i < b.n; i++) {
      uint8_t expect[TZ_PAGE_SIZE];
      const uint8_t *src = arena == NULL ? NULL : arena + b.offsets[i];
      int32_t single = tz_decompress_page(handle, b.kinds[i], src, b.sizes[i], b.patterns + 8 * i, expect);
      if (single != TZ_OK) memset(expect, 0, TZ_PAGE_SIZE), failed++;
      FUZZ_REQUIRE(status[i] == single);
      FUZZ_REQUIRE(memcmp(out + (size_t)i * TZ_PAGE_SIZE, expect, TZ_PAGE_SIZE) == 0);
    }
    FUZZ_REQUIRE(rc == failed);
  }
  free(arena);
  free(out);
  return 0;
}
