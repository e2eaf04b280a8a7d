/* Zstandard pages through libzstd: one frame per page that declares its content size (4096), compressed
 * with the compressor's dictionary when it has one (the frame then carries the dictionary's ID). */
#include <zstd.h>

#include "trueno_zram.h"
#include "tz_codec.h"

int32_t tz_zstd_compress(ZSTD_CCtx *cctx, const tz_zstd_dict *dict, const uint8_t *page, uint8_t *dst,
                         int32_t cap) {
    /* With a CDict libzstd takes the level and parameters from it, and writes content size and ID. */
    size_t size = dict != NULL ? ZSTD_compress_usingCDict(cctx, dst, (size_t)cap, page, TZ_PAGE_SIZE, dict->cdict)
                               : ZSTD_compress2(cctx, dst, (size_t)cap, page, TZ_PAGE_SIZE);
    return ZSTD_isError(size) ? 0 : (int32_t)size;
}

/* Debian's libzstd also decodes legacy (pre-1.0) and skippable frames; a ZSTD page is one standard
 * frame, so anything not starting with the standard magic number is refused before libzstd sees it. */
static int standard_frame(const uint8_t *src, int32_t len) {
    if (len < 4) return 0;
    uint32_t magic = (uint32_t)src[0] | (uint32_t)src[1] << 8 | (uint32_t)src[2] << 16 | (uint32_t)src[3] << 24;
    return magic == ZSTD_MAGICNUMBER;
}

int32_t tz_zstd_decompress(tz_codec_state *state, const uint8_t *src, int32_t len, uint8_t *out) {
    if (!standard_frame(src, len)) return TZ_E_CORRUPTED;
    /* Exactly one frame spanning all of src, declaring exactly one page: anything else is not ours. */
    size_t frame = ZSTD_findFrameCompressedSize(src, (size_t)len);
    if (ZSTD_isError(frame) || frame != (size_t)len) return TZ_E_CORRUPTED;
    if (ZSTD_getFrameContentSize(src, (size_t)len) != TZ_PAGE_SIZE) return TZ_E_CORRUPTED;
    /* A frame that names a dictionary decodes only with that one: without it the bytes are intact but
     * unreadable, which is a different failure from corruption. (A frame naming none also decodes with
     * a dictionary loaded: it never refers to it.) */
    unsigned wanted = ZSTD_getDictID_fromFrame(src, (size_t)len);
    if (wanted != 0 && (state->dict == NULL || wanted != state->dict->id)) return TZ_E_DICTIONARY;
    size_t produced = state->dict != NULL
                          ? ZSTD_decompress_usingDDict(state->zstd_dctx, out, TZ_PAGE_SIZE, src, (size_t)len,
                                                       state->dict->ddict)
                          : ZSTD_decompressDCtx(state->zstd_dctx, out, TZ_PAGE_SIZE, src, (size_t)len);
    return !ZSTD_isError(produced) && produced == TZ_PAGE_SIZE ? TZ_OK : TZ_E_CORRUPTED;
}
