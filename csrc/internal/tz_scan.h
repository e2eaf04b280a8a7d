/* The hot page loops and their per-backend variants (scalar, AVX2, AVX-512, NEON). */
#ifndef TZ_SCAN_H
#define TZ_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct tz_scan_ops {
    int32_t backend; /* TZ_BACKEND_* */
    /* Kernel rule: 1 and *pattern set when all 512 64-bit words of the page are equal. */
    int (*same_word)(const uint8_t *page, uint64_t *pattern);
    /* 1 and *byte set when all 4096 bytes are equal. */
    int (*same_byte)(const uint8_t *page, uint8_t *byte);
    int (*is_zero)(const uint8_t *page);
    /* counts[256] = byte histogram of data[0..len) (overwritten, not accumulated). */
    void (*histogram)(const uint8_t *data, size_t len, uint32_t counts[256]);
} tz_scan_ops;

/* The variants compiled for this architecture; NULL where the architecture lacks them. */
extern const tz_scan_ops tz_scan_scalar;
extern const tz_scan_ops *const tz_scan_avx2_ops;
extern const tz_scan_ops *const tz_scan_avx512_ops;
extern const tz_scan_ops *const tz_scan_neon_ops;

/* Ops for TZ_BACKEND_* or TZ_BACKEND_AUTO (the best one, chosen once per process). On failure returns
 * NULL and sets *status to TZ_E_INVALID (unknown number) or TZ_E_UNSUPPORTED (not on this CPU). */
const tz_scan_ops *tz_scan_resolve(int32_t backend, int32_t *status);

/* The byte histogram of every backend. A lookup-increment has no vector form without AVX-512 CD, and
 * the vector variants we had (vector clearing and summing of the same four tables) did not differ from
 * it; with one version the entropy check, and so every routing decision, is the same code everywhere. */
void tz_histogram_scalar(const uint8_t *data, size_t len, uint32_t counts[256]);

/* Shannon entropy in bits per byte of a histogram whose counts sum to total (0 when total is 0). */
double tz_entropy_from_histogram(const uint32_t counts[256], uint64_t total);

#endif
