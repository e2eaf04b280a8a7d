/* Zstandard pages through libzstd: one frame per page that declares its content size (4096). */
#include <zstd.h>

#include "trueno_zram.h"
#include "tz_codec.h"

int32_t tz_zstd_compress(ZSTD_CCtx *cctx, const uint8_t *page, uint8_t *dst, int32_t cap) {
    size_t size = ZSTD_compress2(cctx, dst, (size_t)cap, page, TZ_PAGE_SIZE);
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
    size_t produced = ZSTD_decompressDCtx(state->zstd_dctx, out, TZ_PAGE_SIZE, src, (size_t)len);
    return !ZSTD_isError(produced) && produced == TZ_PAGE_SIZE ? TZ_OK : TZ_E_CORRUPTED;
}
