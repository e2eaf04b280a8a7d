/* Zstandard dictionaries: the bytes are checked, copied and digested once per compressor (a CDict for its
 * level, a DDict), and every worker state refers to the same read-only pair. */
#include <stdlib.h>

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_create[CD]Dict_advanced, ZSTD_getCParams: in Debian's libzstd */
#include <zstd.h>

#include "trueno_zram.h"
#include "tz_codec.h"

/* libzstd answers NULL both for a dictionary it cannot parse and for memory it cannot get: digesting
 * through this allocator tells the two apart (opaque is the tz_zstd_dict, which outlives both digests). */
static void *watched_alloc(void *opaque, size_t size) {
    void *p = malloc(size);
    if (p == NULL) ((tz_zstd_dict *)opaque)->out_of_memory = 1;
    return p;
}

static void watched_free(void *opaque, void *p) {
    (void)opaque;
    free(p);
}

int32_t tz_zstd_dict_new(const uint8_t *bytes, int32_t len, int32_t level, tz_zstd_dict **out) {
    /* Only zstd-format dictionaries: their ID travels in every frame, so a page read without its
     * dictionary (or with another one) is refused by name. Raw content would leave such frames
     * indistinguishable. */
    if (bytes == NULL || len < 8 || ZSTD_getDictID_fromDict(bytes, (size_t)len) == 0) return TZ_E_INVALID;
    tz_zstd_dict *dict = calloc(1, sizeof *dict);
    if (dict == NULL) return TZ_E_NO_MEMORY;
    ZSTD_customMem mem = {watched_alloc, watched_free, dict};
    /* Parameters for a 4096-byte input with this dictionary, as Linux zram's zstd backend asks for them
     * (zstd_get_cparams(level, PAGE_SIZE, dict_sz)). fullDict: the header and entropy tables must parse. */
    ZSTD_compressionParameters params = ZSTD_getCParams(level, TZ_PAGE_SIZE, (size_t)len);
    dict->cdict = ZSTD_createCDict_advanced(bytes, (size_t)len, ZSTD_dlm_byCopy, ZSTD_dct_fullDict, params, mem);
    if (dict->cdict != NULL)
        dict->ddict = ZSTD_createDDict_advanced(bytes, (size_t)len, ZSTD_dlm_byCopy, ZSTD_dct_fullDict, mem);
    dict->id = ZSTD_getDictID_fromDict(bytes, (size_t)len);
    if (dict->cdict == NULL || dict->ddict == NULL) {
        int32_t status = dict->out_of_memory ? TZ_E_NO_MEMORY : TZ_E_INVALID;
        tz_zstd_dict_free(dict);
        return status;
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
