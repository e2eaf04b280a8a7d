/* Shannon entropy from a byte histogram: H = log2(n) - (1/n) * sum(c * log2(c)). For page-sized
 * inputs the c*log2(c) terms come from a table built once, so a page costs 256 additions, not 256
 * logarithms. */
#include <math.h>
#include <pthread.h>

#include "trueno_zram.h"
#include "tz_scan.h"

static double c_log2_c[TZ_PAGE_SIZE + 1];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void) {
    c_log2_c[0] = 0.0;
    for (int c = 1; c <= TZ_PAGE_SIZE; c++) c_log2_c[c] = (double)c * log2((double)c);
}

double tz_entropy_from_histogram(const uint32_t counts[256], uint64_t total) {
    if (total == 0) return 0.0;
    pthread_once(&table_once, build_table);
    double sum = 0.0;
    for (int b = 0; b < 256; b++) {
        uint32_t c = counts[b];
        sum += c <= TZ_PAGE_SIZE ? c_log2_c[c] : (double)c * log2((double)c);
    }
    double n = (double)total;
    double h = log2(n) - sum / n;
    /* Rounding can leave a hair below 0 for a single-valued input. */
    return h < 0.0 ? 0.0 : h;
}
