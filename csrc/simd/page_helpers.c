/* The stateless page helpers of the ABI: argument checks, then the chosen variant. */
#include <stddef.h>
#include <string.h>

#include "trueno_zram.h"
#include "tz_scan.h"

TZ_API int32_t tz_same_fill_word(const uint8_t *page, int32_t backend, uint8_t *pattern_out) {
    if (page == NULL || pattern_out == NULL) return TZ_E_INVALID;
    int32_t status = TZ_OK;
    const tz_scan_ops *ops = tz_scan_resolve(backend, &status);
    if (ops == NULL) return status;
    uint64_t pattern;
    if (!ops->same_word(page, &pattern)) return 0;
    memcpy(pattern_out, &pattern, sizeof pattern);
    return 1;
}

TZ_API int32_t tz_same_fill_byte(const uint8_t *page, int32_t backend, uint8_t *byte_out) {
    if (page == NULL || byte_out == NULL) return TZ_E_INVALID;
    int32_t status = TZ_OK;
    const tz_scan_ops *ops = tz_scan_resolve(backend, &status);
    if (ops == NULL) return status;
    return ops->same_byte(page, byte_out);
}

TZ_API int32_t tz_is_zero(const uint8_t *page, int32_t backend) {
    if (page == NULL) return TZ_E_INVALID;
    int32_t status = TZ_OK;
    const tz_scan_ops *ops = tz_scan_resolve(backend, &status);
    if (ops == NULL) return status;
    return ops->is_zero(page);
}

TZ_API int32_t tz_histogram(const uint8_t *data, int32_t len, int32_t backend, uint32_t *counts_out) {
    if (len < 0 || (data == NULL && len > 0) || counts_out == NULL) return TZ_E_INVALID;
    int32_t status = TZ_OK;
    const tz_scan_ops *ops = tz_scan_resolve(backend, &status);
    if (ops == NULL) return status;
    ops->histogram(data, (size_t)len, counts_out);
    return TZ_OK;
}

TZ_API double tz_entropy(const uint8_t *data, int32_t len, int32_t backend) {
    if (len < 0 || (data == NULL && len > 0)) return TZ_E_INVALID;
    int32_t status = TZ_OK;
    const tz_scan_ops *ops = tz_scan_resolve(backend, &status);
    if (ops == NULL) return status;
    uint32_t counts[256];
    ops->histogram(data, (size_t)len, counts);
    return tz_entropy_from_histogram(counts, (uint64_t)len);
}
