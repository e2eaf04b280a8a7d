/* Validation of (algorithm, level) and the per-thread codec state each worker allocates once. */
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4hc.h>
#include <zstd.h>

#include "trueno_zram.h"
#include "tz_codec.h"

_Static_assert(LZ4_COMPRESSBOUND(TZ_PAGE_SIZE) <= TZ_CODEC_BOUND, "LZ4 output must fit TZ_CODEC_BOUND");
_Static_assert(ZSTD_COMPRESSBOUND(TZ_PAGE_SIZE) <= TZ_CODEC_BOUND, "zstd output must fit TZ_CODEC_BOUND");

#define LZ4_ACCELERATION_MAX 65537
#define ZSTD_LEVEL_MAX 19
/* Adaptive's two Zstandard levels (see adaptive.c). */
#define ADAPTIVE_ZSTD_LEVEL 1
#define ADAPTIVE_ZSTD_FAST_LEVEL (-1)

int32_t tz_codec_config_make(int32_t algorithm, int32_t level, tz_codec_config *cfg) {
    switch (algorithm) {
    case TZ_ALGO_NONE:
    case TZ_ALGO_ADAPTIVE:
        level = algorithm == TZ_ALGO_ADAPTIVE ? ADAPTIVE_ZSTD_LEVEL : 0;
        break;
    case TZ_ALGO_LZ4:
        if (level == 0) level = 1;
        if (level < 1 || level > LZ4_ACCELERATION_MAX) return TZ_E_INVALID;
        break;
    case TZ_ALGO_LZ4HC:
        if (level == 0) level = LZ4HC_CLEVEL_DEFAULT;
        if (level < 1 || level > LZ4HC_CLEVEL_MAX) return TZ_E_INVALID;
        break;
    case TZ_ALGO_ZSTD:
        if (level == 0) level = 1;
        if (level < 1 || level > ZSTD_LEVEL_MAX) return TZ_E_INVALID;
        break;
    default:
        return TZ_E_INVALID;
    }
    cfg->algorithm = algorithm;
    cfg->level = level;
    cfg->dict = NULL;
    return TZ_OK;
}

/* A compression context for one-shot page frames at `level`, with the content size in every frame. */
static ZSTD_CCtx *new_cctx(int level) {
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    if (cctx != NULL && !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)) &&
        !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1)) &&
        !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0)))
        return cctx;
    ZSTD_freeCCtx(cctx);
    return NULL;
}

int32_t tz_codec_state_init(tz_codec_state *state, const tz_codec_config *cfg) {
    memset(state, 0, sizeof *state);
    int algo = cfg->algorithm;
    state->dict = cfg->dict;
    state->scratch = malloc(2 * TZ_CODEC_BOUND);
    state->zstd_dctx = ZSTD_createDCtx();
    int ok = state->scratch != NULL && state->zstd_dctx != NULL;
    if (ok && (algo == TZ_ALGO_LZ4 || algo == TZ_ALGO_ADAPTIVE)) {
        state->lz4_state = malloc((size_t)LZ4_sizeofState());
        ok = state->lz4_state != NULL;
    }
    if (ok && algo == TZ_ALGO_LZ4HC) {
        state->lz4hc_state = malloc((size_t)LZ4_sizeofStateHC());
        ok = state->lz4hc_state != NULL;
    }
    if (ok && (algo == TZ_ALGO_ZSTD || algo == TZ_ALGO_ADAPTIVE)) ok = (state->zstd_cctx = new_cctx(cfg->level)) != NULL;
    if (ok && algo == TZ_ALGO_ADAPTIVE) ok = (state->zstd_fast_cctx = new_cctx(ADAPTIVE_ZSTD_FAST_LEVEL)) != NULL;
    if (!ok) {
        tz_codec_state_destroy(state);
        return TZ_E_NO_MEMORY;
    }
    return TZ_OK;
}

void tz_codec_state_destroy(tz_codec_state *state) {
    free(state->lz4_state);
    free(state->lz4hc_state);
    ZSTD_freeCCtx(state->zstd_cctx);
    ZSTD_freeCCtx(state->zstd_fast_cctx);
    ZSTD_freeDCtx(state->zstd_dctx);
    free(state->scratch);
    memset(state, 0, sizeof *state);
}
