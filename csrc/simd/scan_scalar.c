/* Portable reference versions of the page loops; every vector variant must equal these. */
#include <string.h>

#include "trueno_zram.h"
#include "tz_scan.h"

static uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int same_word(const uint8_t *page, uint64_t *pattern) {
    uint64_t first = load64(page);
    for (size_t i = 8; i < TZ_PAGE_SIZE; i += 8)
        if (load64(page + i) != first) return 0;
    *pattern = first;
    return 1;
}

static int same_byte(const uint8_t *page, uint8_t *byte) {
    uint8_t first = page[0];
    for (size_t i = 1; i < TZ_PAGE_SIZE; i++)
        if (page[i] != first) return 0;
    *byte = first;
    return 1;
}

static int is_zero(const uint8_t *page) {
    for (size_t i = 0; i < TZ_PAGE_SIZE; i += 8)
        if (load64(page + i) != 0) return 0;
    return 1;
}

/* Counts the bytes of one 64-bit word into four tables, so that equal neighbouring bytes do not wait on
 * each other's increment. */
static inline void count_word(uint32_t t[4][256], uint64_t x) {
    t[0][x & 0xff]++;
    t[1][(x >> 8) & 0xff]++;
    t[2][(x >> 16) & 0xff]++;
    t[3][(x >> 24) & 0xff]++;
    t[0][(x >> 32) & 0xff]++;
    t[1][(x >> 40) & 0xff]++;
    t[2][(x >> 48) & 0xff]++;
    t[3][x >> 56]++;
}

void tz_histogram_scalar(const uint8_t *data, size_t len, uint32_t counts[256]) {
    uint32_t t[4][256];
    memset(t, 0, sizeof t);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        count_word(t, load64(data + i));
    }
    for (; i < len; i++) t[0][data[i]]++;
    for (int b = 0; b < 256; b++) counts[b] = t[0][b] + t[1][b] + t[2][b] + t[3][b];
}

const tz_scan_ops tz_scan_scalar = {TZ_BACKEND_SCALAR, same_word, same_byte, is_zero, tz_histogram_scalar};
