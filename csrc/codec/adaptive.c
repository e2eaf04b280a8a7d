/*
 * Adaptive: a per-page choice made from the page's byte entropy H (bits per byte, from the same
 * histogram the entropy limit uses), after same-fill has taken the same-filled pages:
 *   H >= NEAR_RANDOM       -> LZ4: Huffman coding cannot gain much on such bytes, only repeats can,
 *                             and LZ4 finds those at a fraction of Zstandard's time (and gives up fast
 *                             on truly random data, which the caller then stores RAW);
 *   H >= HUFFMAN_WORTH_IT  -> Zstandard level 1 (literals Huffman-coded): skewed but varied bytes, as
 *                             in text and JSON, where the literal coding is what makes the ratio;
 *   otherwise              -> Zstandard level -1 (literals stored as they are): pointers, small
 *                             integers and padding compress by their matches and repeat offsets, and
 *                             skipping the literal Huffman step, the bulk of Zstandard-1's time on a
 *                             4 KiB page, costs them only a few percent of ratio.
 * The threshold 4.5 comes from the corpus (bytes saved by Huffman per entropy band: ~5 % below 4.5 on
 * both processes, 20-24 % from 4.5 to 6 on the Redis pages). Measured against LZ4 and Zstandard-1 with
 * `zig build measure -Doptimize=ReleaseFast` (numbers in the README).
 */
#include "trueno_zram.h"
#include "tz_codec.h"

#define NEAR_RANDOM 7.0
#define HUFFMAN_WORTH_IT 4.5

int32_t tz_adaptive_compress(tz_codec_state *state, double entropy, const uint8_t *page,
                             const uint8_t **result, uint8_t *kind) {
    *result = state->scratch;
    if (entropy >= NEAR_RANDOM) {
        *kind = TZ_KIND_LZ4;
        return tz_lz4_compress(state, page, state->scratch, TZ_CODEC_BOUND, 1);
    }
    ZSTD_CCtx *cctx = entropy >= HUFFMAN_WORTH_IT ? state->zstd_cctx : state->zstd_fast_cctx;
    *kind = TZ_KIND_ZSTD;
    return tz_zstd_compress(cctx, page, state->scratch, TZ_CODEC_BOUND);
}
