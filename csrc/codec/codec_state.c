/* Validation of (algorithm, level) and the per-thread codec state each worker allocates once. */
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4hc.h>
#include <zstd.h>

#include "trueno_zram.h"
#include "tz_codec.h"

#define LZ4_ACCELERATION_MAX 65537
#define ZSTD_LEVEL_MAX 19
/* Adaptive's second codec. */
#define ADAPTIVE_ZSTD_LEVEL 1

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
        if (level < LZ4HC_CLEVEL_MIN || level > LZ4HC_CLEVEL_MAX) return TZ_E_INVALID;
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
    return TZ_OK;
}

int32_t tz_codec_state_init(tz_codec_state *state, const tz_codec_config *cfg) {
    memset(state, 0, sizeof *state);
    int algo = cfg->algorithm;
    int ok = 1;
    state->scratch = malloc(TZ_PAGE_SIZE);
    state->zstd_dctx = ZSTD_createDCtx();
    ok = state->scratch != NULL && state->zstd_dctx != NULL;
    if (ok && (algo == TZ_ALGO_LZ4 || algo == TZ_ALGO_ADAPTIVE)) {
        state->lz4_state = malloc((size_t)LZ4_sizeofState());
        ok = state->lz4_state != NULL;
    }
    if (ok && algo == TZ_ALGO_LZ4HC) {
        state->lz4hc_state = malloc((size_t)LZ4_sizeofStateHC());
        ok = state->lz4hc_state != NULL;
    }
    if (ok && (algo == TZ_ALGO_ZSTD || algo == TZ_ALGO_ADAPTIVE)) {
        state->zstd_cctx = ZSTD_createCCtx();
        ok = state->zstd_cctx != NULL &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(state->zstd_cctx, ZSTD_c_compressionLevel, cfg->level)) &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(state->zstd_cctx, ZSTD_c_contentSizeFlag, 1)) &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(state->zstd_cctx, ZSTD_c_checksumFlag, 0));
    }
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
    ZSTD_freeDCtx(state->zstd_dctx);
    free(state->scratch);
    memset(state, 0, sizeof *state);
}
