/* Per-page codecs around liblz4 and libzstd, with reusable per-thread state. */
#ifndef TZ_CODEC_H
#define TZ_CODEC_H

#include <stdint.h>

#include "tz_scan.h"

/* Room for any codec's output of one page (LZ4_COMPRESSBOUND(4096) = 4128, ZSTD_COMPRESSBOUND(4096) =
 * 4176). Codecs always get this much, so a page's compressed form never depends on the raw threshold. */
#define TZ_CODEC_BOUND 4224

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;
typedef struct ZSTD_CDict_s ZSTD_CDict;
typedef struct ZSTD_DDict_s ZSTD_DDict;

/* A Zstandard dictionary digested once for one compression level (csrc/codec/zstd_dict.c); read-only
 * afterwards, so every worker state of a compressor shares it. */
typedef struct tz_zstd_dict {
    ZSTD_CDict *cdict; /* made with the parameters libzstd picks for 4096-byte inputs, as Linux zram does */
    ZSTD_DDict *ddict;
    uint32_t id;       /* the dictionary ID every frame compressed with it carries (never 0) */
    int out_of_memory; /* set while digesting when an allocation failed */
} tz_zstd_dict;

/* A compressor's validated configuration: algorithm TZ_ALGO_* and its normalised level. */
typedef struct tz_codec_config {
    int32_t algorithm;
    int32_t level;
    tz_zstd_dict *dict; /* TZ_ALGO_ZSTD only; NULL = none; owned by the compressor */
} tz_codec_config;

/* Everything one thread needs to compress and decompress pages; allocated once, reused per page. */
typedef struct tz_codec_state {
    void *lz4_state;      /* LZ4_sizeofState() bytes (LZ4 and the adaptive trial) */
    void *lz4hc_state;    /* LZ4_sizeofStateHC() bytes (LZ4-HC only) */
    ZSTD_CCtx *zstd_cctx; /* ZSTD and ADAPTIVE only, level set once */
    ZSTD_CCtx *zstd_fast_cctx; /* ADAPTIVE only: the fast level, literals stored without Huffman */
    ZSTD_DCtx *zstd_dctx; /* always: any compressor decodes any kind */
    const tz_zstd_dict *dict; /* the configuration's dictionary (NULL = none): ZSTD pages use it both ways */
    uint8_t *scratch;     /* 2 * TZ_CODEC_BOUND: codec outputs, or a decode target that keeps failures invisible */
} tz_codec_state;

/* Validates algorithm and level; fills cfg with the normalised level. TZ_OK or TZ_E_INVALID. */
int32_t tz_codec_config_make(int32_t algorithm, int32_t level, tz_codec_config *cfg);
/* TZ_OK or TZ_E_NO_MEMORY (then nothing stays allocated). */
int32_t tz_codec_state_init(tz_codec_state *state, const tz_codec_config *cfg);
void tz_codec_state_destroy(tz_codec_state *state);

/* The codec steps. Compressors return the compressed size, or 0 when it does not fit in cap (or the
 * library failed): the caller then stores the page RAW, which is always a valid encoding. */
int32_t tz_lz4_compress(tz_codec_state *state, const uint8_t *page, uint8_t *dst, int32_t cap,
                        int32_t acceleration);
int32_t tz_lz4hc_compress(tz_codec_state *state, const uint8_t *page, uint8_t *dst, int32_t cap,
                          int32_t level);
/* With dict (NULL = none) the frame is compressed with the dictionary and carries its ID. */
int32_t tz_zstd_compress(ZSTD_CCtx *cctx, const tz_zstd_dict *dict, const uint8_t *page, uint8_t *dst,
                         int32_t cap);
/* Decoders: TZ_OK when src decodes to exactly one page in out, else TZ_E_CORRUPTED (or, for a ZSTD frame
 * naming a dictionary other than the state's, TZ_E_DICTIONARY). Never read outside src[0..len) nor write
 * outside out[0..4096). */
int32_t tz_lz4_decompress(const uint8_t *src, int32_t len, uint8_t *out);
int32_t tz_zstd_decompress(tz_codec_state *state, const uint8_t *src, int32_t len, uint8_t *out);

/* A dictionary from zstd-format bytes (magic, nonzero ID, entropy tables, content), copied and digested
 * for `level`. TZ_OK and *out, TZ_E_INVALID (not such a dictionary) or TZ_E_NO_MEMORY. */
int32_t tz_zstd_dict_new(const uint8_t *bytes, int32_t len, int32_t level, tz_zstd_dict **out);
void tz_zstd_dict_free(tz_zstd_dict *dict);

/* The adaptive choice for a page already known not to be same-filled: the output in state->scratch
 * (*result, *kind), or 0 (store RAW). */
int32_t tz_adaptive_compress(tz_codec_state *state, const tz_scan_ops *ops, const uint8_t *page,
                             const uint8_t **result, uint8_t *kind);

/* The routing of DESIGN.md / the header: SAME, entropy skip, the algorithm, the raw threshold.
 * out has room for a page. Returns the stored size; *kind and *pattern describe it. */
int32_t tz_page_compress(const tz_codec_config *cfg, tz_codec_state *state, const tz_scan_ops *ops,
                         const uint8_t *page, int32_t raw_threshold, double entropy_limit, uint8_t *out,
                         uint8_t *kind, uint64_t *pattern);
/* Rebuilds one page into out from (kind, src, len, pattern). TZ_OK, TZ_E_CORRUPTED or TZ_E_INVALID
 * (unknown kind); out may hold partial bytes after a failure. pattern is read for SAME only. */
int32_t tz_page_decompress(tz_codec_state *state, int32_t kind, const uint8_t *src, int32_t len,
                           const uint8_t *pattern, uint8_t *out);

/* The argument checks shared by every compress entry point. */
int32_t tz_check_route_args(int32_t raw_threshold, double entropy_limit);

#endif
