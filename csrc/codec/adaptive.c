/*
 * Adaptive: a per-page choice made from the byte entropy H (bits per byte) of a sample of the page,
 * after same-fill has taken the same-filled pages. The sample is four 256-byte pieces spread over the
 * page (at 0, 1K, 2K, 3K): a quarter of the histogram work, and on the corpus it picks as well as the
 * whole page does.
 *   H >= NEAR_RANDOM       -> LZ4: Huffman coding cannot gain much on such bytes, only repeats can,
 *                             and LZ4 finds those at a fraction of Zstandard's time (and gives up fast
 *                             on truly random data, which the caller then stores RAW);
 *   H >= HUFFMAN_WORTH_IT  -> Zstandard level 1 (literals Huffman-coded): skewed but varied bytes, as
 *                             in text and JSON, where the literal coding is what makes the ratio;
 *   otherwise              -> Zstandard level -1 (literals stored as they are): pointers, small
 *                             integers and padding compress by their matches and repeat offsets, and
 *                             skipping the literal Huffman step, the bulk of Zstandard-1's time on a
 *                             4 KiB page, costs them only a few percent of ratio.
 * HUFFMAN_WORTH_IT comes from the corpus: per half-bit entropy band, Huffman-coded literals save 2-9 %
 * of the bytes below 4.5 bits on the node pages and most Redis bands, but 17-24 % from 4.5 to 6 bits on
 * the Redis pages (JSON strings); on the sample, 4.3 selects like 4.5 on the whole page. Measured
 * against LZ4 and Zstandard-1 with `scripts/zig build measure`.
 */
#include <string.h>

#include "trueno_zram.h"
#include "tz_codec.h"

#define NEAR_RANDOM 7.0
#define HUFFMAN_WORTH_IT 4.3
#define SAMPLE_PIECE 256
#define SAMPLE_STRIDE 1024

static double sample_entropy(const tz_scan_ops *ops, const uint8_t *page) {
    uint8_t sample[TZ_PAGE_SIZE / SAMPLE_STRIDE * SAMPLE_PIECE];
    for (size_t k = 0; k < TZ_PAGE_SIZE / SAMPLE_STRIDE; k++)
        memcpy(sample + k * SAMPLE_PIECE, page + k * SAMPLE_STRIDE, SAMPLE_PIECE);
    uint32_t counts[256];
    ops->histogram(sample, sizeof sample, counts);
    return tz_entropy_from_histogram(counts, sizeof sample);
}

int32_t tz_adaptive_compress(tz_codec_state *state, const tz_scan_ops *ops, const uint8_t *page,
                             const uint8_t **result, uint8_t *kind) {
    double entropy = sample_entropy(ops, page);
    *result = state->scratch;
    if (entropy >= NEAR_RANDOM) {
        *kind = TZ_KIND_LZ4;
        return tz_lz4_compress(state, page, state->scratch, TZ_CODEC_BOUND, 1);
    }
    ZSTD_CCtx *cctx = entropy >= HUFFMAN_WORTH_IT ? state->zstd_cctx : state->zstd_fast_cctx;
    *kind = TZ_KIND_ZSTD;
    return tz_zstd_compress(cctx, NULL, page, state->scratch, TZ_CODEC_BOUND);
}
