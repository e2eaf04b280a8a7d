/* Library identity, CPU features and backend queries. */
#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

static void abi_version_matches_header(void) { CHECK(tz_abi_version() == TZ_ABI_VERSION); }

static void features_agree_with_backends(void) {
    int32_t f = tz_cpu_features();
    CHECK(f >= 0);
    CHECK(tz_backend_supported(TZ_BACKEND_SCALAR) == 1);
    CHECK(tz_backend_supported(TZ_BACKEND_AVX2) == ((f & TZ_CPU_AVX2) != 0));
    CHECK(tz_backend_supported(TZ_BACKEND_AVX512) == ((f & TZ_CPU_AVX512) != 0));
    CHECK(tz_backend_supported(TZ_BACKEND_NEON) == ((f & TZ_CPU_NEON) != 0));
#if defined(__x86_64__)
    CHECK((f & TZ_CPU_NEON) == 0);
#endif
}

static void best_backend_is_the_strongest_supported(void) {
    int32_t best = tz_backend_best();
    CHECK(tz_backend_supported(best) == 1);
    if (tz_backend_supported(TZ_BACKEND_AVX512) == 1) CHECK(best == TZ_BACKEND_AVX512);
    else if (tz_backend_supported(TZ_BACKEND_AVX2) == 1) CHECK(best == TZ_BACKEND_AVX2);
}

static void unknown_backends_are_invalid(void) {
    CHECK(tz_backend_supported(-1) == TZ_E_INVALID);
    CHECK(tz_backend_supported(4) == TZ_E_INVALID);
    CHECK(tz_backend_supported(1000) == TZ_E_INVALID);
}

static void default_threads_positive(void) { CHECK(tz_default_threads() >= 1); }

void tests_abi(void) {
    RUN(abi_version_matches_header);
    RUN(features_agree_with_backends);
    RUN(best_backend_is_the_strongest_supported);
    RUN(unknown_backends_are_invalid);
    RUN(default_threads_positive);
}
