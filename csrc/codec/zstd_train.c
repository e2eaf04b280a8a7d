/* Dictionary training with libzstd's trainer (ZDICT_trainFromBuffer) on the pages a Zstandard stream
 * would see: same-filled pages are stored as their pattern and never reach the codec, so they are left
 * out of the samples.
 *
 * The trainer is opened at run time from the system's libzstd.so.1, not linked: the release libraries
 * link Debian's static libzstd.a, whose dictionary-builder objects (zdict.o, cover.o, fastcover.o) reach
 * stderr through non-PIC relocations and so cannot go into a shared library. libzstd1 is on nearly every
 * Linux system; where it is missing, training is TZ_E_UNSUPPORTED and everything else still works. */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>
#include <zstd_errors.h>

#include "trueno_zram.h"
#include "tz_scan.h"

/* zdict.h's prototype of ZDICT_trainFromBuffer. Its errors are libzstd error codes (ZDICT_isError is
 * ZSTD_isError), which the linked libzstd reads. */
typedef size_t (*train_fn)(void *dict, size_t dict_cap, const void *samples, const size_t *sizes, unsigned count);

static train_fn train;
static pthread_once_t train_once = PTHREAD_ONCE_INIT;

static void open_trainer(void) {
    void *lib = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib != NULL) train = (train_fn)dlsym(lib, "ZDICT_trainFromBuffer");
}

/* The pages that are not same-filled, back to back, and their count. NULL when out of memory. */
static uint8_t *samples_of(const uint8_t *pages, int32_t n, unsigned *count) {
    int32_t status;
    const tz_scan_ops *ops = tz_scan_resolve(TZ_BACKEND_AUTO, &status);
    uint8_t *samples = malloc((size_t)n * TZ_PAGE_SIZE);
    *count = 0;
    if (samples == NULL) return NULL;
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *page = pages + (size_t)i * TZ_PAGE_SIZE;
        uint64_t pattern;
        if (ops->same_word(page, &pattern)) continue;
        memcpy(samples + (size_t)*count * TZ_PAGE_SIZE, page, TZ_PAGE_SIZE);
        (*count)++;
    }
    return samples;
}

TZ_API int32_t tz_zstd_train_dictionary(const uint8_t *pages, int32_t n, uint8_t *dict_out, int32_t dict_cap) {
    if (pages == NULL || dict_out == NULL || n < 1 || n > TZ_MAX_BATCH_PAGES) return TZ_E_INVALID;
    if (dict_cap < TZ_DICT_MIN_BYTES) return TZ_E_BUFFER_TOO_SMALL;
    pthread_once(&train_once, open_trainer);
    if (train == NULL) return TZ_E_UNSUPPORTED;
    unsigned count;
    uint8_t *samples = samples_of(pages, n, &count);
    size_t *sizes = malloc((size_t)n * sizeof *sizes);
    uint8_t *dict = malloc((size_t)dict_cap); /* dict_out is written only on success */
    int32_t result = TZ_E_NO_MEMORY;
    if (samples != NULL && sizes != NULL && dict != NULL) {
        for (unsigned i = 0; i < count; i++) sizes[i] = TZ_PAGE_SIZE;
        /* Too few or too alike samples are the trainer's errors, and bad input here. */
        size_t size = count == 0 ? 0 : train(dict, (size_t)dict_cap, samples, sizes, count);
        if (count == 0) result = TZ_E_INVALID;
        else if (ZSTD_isError(size))
            result = ZSTD_getErrorCode(size) == ZSTD_error_memory_allocation ? TZ_E_NO_MEMORY : TZ_E_INVALID;
        else {
            memcpy(dict_out, dict, size);
            result = (int32_t)size;
        }
    }
    free(samples);
    free(sizes);
    free(dict);
    return result;
}
