/*
 * lz4_page_step.h: the per-page LZ4 codec step of the GPU path, written once and compiled twice:
 * by nvcc for the kernels (csrc/cuda/) and by the C compiler for tz_gpu_codec_compress_page_host, so a
 * machine without a GPU tests the exact bytes the kernels produce.
 *
 * Output is the standard LZ4 block format (liblz4's LZ4_decompress_safe decodes it). The compressor is
 * greedy with LZ4's skip acceleration, one 16-bit position per hash slot, and keeps LZ4's end-of-block
 * rules: the last 5 bytes are literals, and the last match starts at least 12 bytes before the end.
 */
#ifndef TZ_LZ4_PAGE_STEP_H
#define TZ_LZ4_PAGE_STEP_H

#include <stdint.h>
#ifndef __CUDACC__
#include <string.h>
#endif

#ifdef __CUDACC__
#define TZ_STEP static __device__ __forceinline__
#else
#define TZ_STEP static inline
#endif

#define TZ_STEP_PAGE 4096
/* 2^11 slots of 16-bit positions (4 KiB): page + table fit in shared memory several times per SM. */
#define TZ_STEP_HASH_LOG 11
#define TZ_STEP_TABLE_SLOTS (1 << TZ_STEP_HASH_LOG)
#define TZ_STEP_MIN_MATCH 4
#define TZ_STEP_LAST_LITERALS 5
#define TZ_STEP_MF_LIMIT 12
#define TZ_STEP_SKIP_TRIGGER 6
#define TZ_STEP_CORRUPTED (-2) /* TZ_E_CORRUPTED */

/* Little-endian 32-bit read at any byte position p <= len - 4. The device reads two aligned words of the
 * (4-byte aligned) shared-memory page, since unaligned 32-bit loads fault on the GPU. */
TZ_STEP uint32_t tz_step_read32(const uint8_t *page, int32_t p) {
#ifdef __CUDACC__
  const uint32_t *words = (const uint32_t *)page;
  uint32_t lo = words[p >> 2];
  if ((p & 3) == 0) return lo;
  return __funnelshift_r(lo, words[(p >> 2) + 1], (uint32_t)(p & 3) * 8u);
#else
  uint32_t v;
  memcpy(&v, page + p, 4);
  return v; /* the library only targets little-endian CPUs (x86-64, aarch64) */
#endif
}

TZ_STEP int32_t tz_step_ctz(uint32_t v) {
#ifdef __CUDACC__
  return __ffs((int)v) - 1;
#else
  return __builtin_ctz(v);
#endif
}

TZ_STEP uint32_t tz_step_hash(uint32_t sequence) {
  return (sequence * 2654435761u) >> (32 - TZ_STEP_HASH_LOG);
}

/* Bytes equal from positions a and b on (a < b), stopping at limit for b. */
TZ_STEP int32_t tz_step_count(const uint8_t *page, int32_t a, int32_t b, int32_t limit) {
  int32_t start = b;
  while (b <= limit - 4) {
    uint32_t diff = tz_step_read32(page, a) ^ tz_step_read32(page, b);
    if (diff != 0) return b - start + (tz_step_ctz(diff) >> 3);
    a += 4;
    b += 4;
  }
  while (b < limit && page[a] == page[b]) {
    a++;
    b++;
  }
  return b - start;
}

/* Bytes that a length of `len` takes past its 4-bit token field. */
TZ_STEP int32_t tz_step_length_bytes(int32_t len) {
  return len >= 15 ? (len - 15) / 255 + 1 : 0;
}

TZ_STEP int32_t tz_step_put_length(uint8_t *out, int32_t op, int32_t len) {
  for (len -= 15; len >= 255; len -= 255) out[op++] = 255;
  out[op++] = (uint8_t)len;
  return op;
}

/* Literal run [anchor, anchor + len) with its token at out[op]; the token's match half is set later.
 * Returns the new output position, or -1 when the run plus `reserve` more bytes do not fit. */
TZ_STEP int32_t tz_step_put_literals(const uint8_t *page, int32_t anchor, int32_t len, uint8_t *out,
                                     int32_t op, int32_t cap, int32_t reserve) {
  if (op + 1 + tz_step_length_bytes(len) + len + reserve > cap) return -1;
  int32_t token = op++;
  if (len >= 15) {
    out[token] = 15 << 4;
    op = tz_step_put_length(out, op, len);
  } else {
    out[token] = (uint8_t)(len << 4);
  }
  for (int32_t i = 0; i < len; i++) out[op + i] = page[anchor + i];
  return op + len;
}

/*
 * Compresses one 4096-byte page into out[0 .. cap). `table` holds TZ_STEP_TABLE_SLOTS zeroed entries.
 * Returns the compressed size, or 0 when it would not fit in cap bytes (the caller stores the page RAW).
 */
TZ_STEP int32_t tz_lz4_step_compress(const uint8_t *page, uint16_t *table, uint8_t *out, int32_t cap) {
  const int32_t match_limit = TZ_STEP_PAGE - TZ_STEP_LAST_LITERALS;
  const int32_t last_match_start = TZ_STEP_PAGE - TZ_STEP_MF_LIMIT;
  int32_t anchor = 0;
  int32_t op = 0;
  int32_t ip = 1;
  table[tz_step_hash(tz_step_read32(page, 0))] = 0;

  for (;;) {
    /* Search forward, skipping faster the longer nothing matches. */
    int32_t match;
    int32_t probes = 1 << TZ_STEP_SKIP_TRIGGER;
    int32_t next = ip;
    for (;;) {
      ip = next;
      next += probes++ >> TZ_STEP_SKIP_TRIGGER;
      if (ip > last_match_start) goto last_literals;
      uint32_t sequence = tz_step_read32(page, ip);
      uint32_t h = tz_step_hash(sequence);
      match = table[h];
      table[h] = (uint16_t)ip;
      if (tz_step_read32(page, match) == sequence && match < ip) break;
    }
    /* Extend the match backwards over bytes not yet emitted. */
    while (ip > anchor && match > 0 && page[ip - 1] == page[match - 1]) {
      ip--;
      match--;
    }
    int32_t token = op;
    /* 2 offset bytes follow the literals. */
    op = tz_step_put_literals(page, anchor, ip - anchor, out, op, cap, 2);
    if (op < 0) return 0;

    for (;;) {
      int32_t offset = ip - match;
      out[op++] = (uint8_t)offset;
      out[op++] = (uint8_t)(offset >> 8);
      int32_t extra = tz_step_count(page, match + TZ_STEP_MIN_MATCH, ip + TZ_STEP_MIN_MATCH, match_limit);
      if (op + tz_step_length_bytes(extra) > cap) return 0;
      if (extra >= 15) {
        out[token] |= 15;
        op = tz_step_put_length(out, op, extra);
      } else {
        out[token] |= (uint8_t)extra;
      }
      ip += TZ_STEP_MIN_MATCH + extra;
      anchor = ip;
      if (ip > last_match_start) goto last_literals;

      table[tz_step_hash(tz_step_read32(page, ip - 2))] = (uint16_t)(ip - 2);
      /* A match right here continues without literals. */
      uint32_t sequence = tz_step_read32(page, ip);
      uint32_t h = tz_step_hash(sequence);
      match = table[h];
      table[h] = (uint16_t)ip;
      if (!(tz_step_read32(page, match) == sequence && match < ip)) break;
      if (op + 1 + 2 > cap) return 0;
      token = op;
      out[op++] = 0;
    }
    ip++;
  }

last_literals:
  op = tz_step_put_literals(page, anchor, TZ_STEP_PAGE - anchor, out, op, cap, 0);
  return op < 0 ? 0 : op;
}

/*
 * Decodes one LZ4 block src[0 .. len) that must rebuild exactly one page into out[0 .. 4096).
 * Every read and write is bounds-checked. Returns 4096, or TZ_STEP_CORRUPTED.
 * It accepts exactly the blocks the CPU path accepts (liblz4's LZ4_decompress_safe plus the format's
 * rule that offset 0 is corrupt), so a page decodes alike on both paths:
 *  - a match offset of 0 or past the bytes written so far is corrupt;
 *  - the end-of-block rules liblz4 enforces: a literal run that ends past 4096 - 12, or leaves fewer
 *    than 8 input bytes after it (2 offset bytes, a token and 5 literals), is the last sequence and must
 *    end the input; a match may not reach into the last 5 bytes, which are always literals.
 */
TZ_STEP int32_t tz_lz4_step_decompress(const uint8_t *src, int32_t len, uint8_t *out) {
  int32_t ip = 0;
  int32_t op = 0;
  for (;;) {
    if (ip >= len) return TZ_STEP_CORRUPTED;
    int32_t token = src[ip++];
    int32_t literals = token >> 4;
    if (literals == 15) {
      int32_t b;
      do {
        if (ip >= len) return TZ_STEP_CORRUPTED;
        b = src[ip++];
        literals += b;
      } while (b == 255 && literals <= TZ_STEP_PAGE);
    }
    if (literals > len - ip || literals > TZ_STEP_PAGE - op) return TZ_STEP_CORRUPTED;
    for (int32_t i = 0; i < literals; i++) out[op + i] = src[ip + i];
    ip += literals;
    op += literals;
    if (op > TZ_STEP_PAGE - TZ_STEP_MF_LIMIT || len - ip < 2 + 1 + TZ_STEP_LAST_LITERALS)
      return ip == len && op == TZ_STEP_PAGE ? TZ_STEP_PAGE : TZ_STEP_CORRUPTED;

    int32_t offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset == 0 || offset > op) return TZ_STEP_CORRUPTED;
    int32_t length = token & 15;
    if (length == 15) {
      int32_t b;
      do {
        if (ip >= len) return TZ_STEP_CORRUPTED;
        b = src[ip++];
        length += b;
      } while (b == 255 && length <= TZ_STEP_PAGE);
    }
    length += TZ_STEP_MIN_MATCH;
    if (length > TZ_STEP_PAGE - TZ_STEP_LAST_LITERALS - op) return TZ_STEP_CORRUPTED;
    /* Byte by byte: an offset shorter than the length repeats the bytes just written. */
    for (int32_t i = 0; i < length; i++) out[op + i] = out[op + i - offset];
    op += length;
  }
}

#endif
