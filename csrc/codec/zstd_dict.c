/* Zstandard dictionaries: the bytes are checked, copied and digested once per compressor (a CDict for its
 * level, a DDict), and every worker state refers to the same read-only pair. */
#include <stdlib.h>

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createCDict_advanced, ZSTD_getCParams: in Debian's libzstd.so */
#include <zdict.h>
#include <zstd.h>

#include "trueno_zram.h"
#include "tz_codec.h"

/* Only zstd-format dictionaries: their ID travels in every frame, so a page read without its dictionary
 * (or with another one) is refused by name. Raw content would make such frames indistinguishable. */
static int32_t check_format(const uint8_t *bytes, int32_t len) {
    if (bytes == NULL || len < 8 || ZSTD_getDictID_fromDict(bytes, (size_t)len) == 0) return TZ_E_INVALID;
    /* Parses the header and the entropy tables the way the compressor will. */
    if (ZDICT_isError(ZDICT_getDictHeaderSize(bytes, (size_t)len))) return TZ_E_INVALID;
    return TZ_OK;
}

int32_t tz_zstd_dict_new(const uint8_t *bytes, int32_t len, int32_t level, tz_zstd_dict **out) {
    int32_t status = check_format(bytes, len);
    if (status != TZ_OK) return status;
    tz_zstd_dict *dict = calloc(1, sizeof *dict);
    if (dict == NULL) return TZ_E_NO_MEMORY;
    /* Parameters for a 4096-byte input with this dictionary, as Linux zram's zstd backend asks for them
     * (zstd_get_cparams(level, PAGE_SIZE, dict_sz)). */
    ZSTD_compressionParameters params = ZSTD_getCParams(level, TZ_PAGE_SIZE, (size_t)len);
    dict->cdict = ZSTD_createCDict_advanced(bytes, (size_t)len, ZSTD_dlm_byCopy, ZSTD_dct_fullDict, params,
                                            ZSTD_defaultCMem);
    dict->ddict = ZSTD_createDDict(bytes, (size_t)len);
    dict->id = ZSTD_getDictID_fromDict(bytes, (size_t)len);
    if (dict->cdict == NULL || dict->ddict == NULL) {
        tz_zstd_dict_free(dict);
        return TZ_E_NO_MEMORY; /* the format was checked above: what is left is allocation */
    }
    *out = dict;
    return TZ_OK;
}

void tz_zstd_dict_free(tz_zstd_dict *dict) {
    if (dict == NULL) return;
    ZSTD_freeCDict(dict->cdict);
    ZSTD_freeDDict(dict->ddict);
    free(dict);
}
