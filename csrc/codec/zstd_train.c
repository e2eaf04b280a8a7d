/* Dictionary training with libzstd's trainer (ZDICT_trainFromBuffer) on the pages a Zstandard stream
 * would see: same-filled pages are stored as their pattern and never reach the codec, so they are left
 * out of the samples. */
#include <stdlib.h>
#include <string.h>

#include <zdict.h>
#include <zstd_errors.h>

#include "trueno_zram.h"
#include "tz_scan.h"

TZ_API int32_t tz_zstd_train_dictionary(const uint8_t *pages, int32_t n, uint8_t *dict_out, int32_t dict_cap) {
    if (pages == NULL || dict_out == NULL || n < 1 || n > TZ_MAX_BATCH_PAGES) return TZ_E_INVALID;
    if (dict_cap < TZ_DICT_MIN_BYTES) return TZ_E_BUFFER_TOO_SMALL;
    int32_t status;
    const tz_scan_ops *ops = tz_scan_resolve(TZ_BACKEND_AUTO, &status);
    uint8_t *samples = malloc((size_t)n * TZ_PAGE_SIZE);
    size_t *sizes = malloc((size_t)n * sizeof *sizes);
    uint8_t *dict = malloc((size_t)dict_cap); /* dict_out is written only on success */
    if (samples == NULL || sizes == NULL || dict == NULL) {
        free(samples);
        free(sizes);
        free(dict);
        return TZ_E_NO_MEMORY;
    }
    unsigned count = 0;
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *page = pages + (size_t)i * TZ_PAGE_SIZE;
        uint64_t pattern;
        if (ops->same_word(page, &pattern)) continue;
        memcpy(samples + (size_t)count * TZ_PAGE_SIZE, page, TZ_PAGE_SIZE);
        sizes[count++] = TZ_PAGE_SIZE;
    }
    /* Too few or too uniform samples are the trainer's errors, and bad input here. */
    size_t size = count == 0 ? 0 : ZDICT_trainFromBuffer(dict, (size_t)dict_cap, samples, sizes, count);
    free(samples);
    free(sizes);
    if (count == 0 || ZDICT_isError(size)) {
        free(dict);
        if (count > 0 && ZSTD_getErrorCode(size) == ZSTD_error_memory_allocation) return TZ_E_NO_MEMORY;
        return TZ_E_INVALID;
    }
    memcpy(dict_out, dict, size);
    free(dict);
    return (int32_t)size;
}
