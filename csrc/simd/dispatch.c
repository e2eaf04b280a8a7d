/* Picks the variant of the page loops: the best one for this CPU once per process, or a forced one. */
#include <stddef.h>

#include "trueno_zram.h"
#include "tz_cpu.h"
#include "tz_scan.h"

static const tz_scan_ops *compiled_ops(int32_t backend) {
    switch (backend) {
    case TZ_BACKEND_SCALAR: return &tz_scan_scalar;
    case TZ_BACKEND_AVX2: return tz_scan_avx2_ops;
    case TZ_BACKEND_AVX512: return tz_scan_avx512_ops;
    case TZ_BACKEND_NEON: return tz_scan_neon_ops;
    default: return NULL;
    }
}

static int32_t required_feature(int32_t backend) {
    switch (backend) {
    case TZ_BACKEND_AVX2: return TZ_CPU_AVX2;
    case TZ_BACKEND_AVX512: return TZ_CPU_AVX512;
    case TZ_BACKEND_NEON: return TZ_CPU_NEON;
    default: return 0;
    }
}

static const tz_scan_ops *usable_ops(int32_t backend) {
    const tz_scan_ops *ops = compiled_ops(backend);
    int32_t need = required_feature(backend);
    if (ops == NULL || (tz_cpu_detect() & need) != need) return NULL;
    return ops;
}

const tz_scan_ops *tz_scan_resolve(int32_t backend, int32_t *status) {
    if (backend == TZ_BACKEND_AUTO) {
        /* Detection is cached, so this order check is cheap; the answer never changes in a process. */
        static const int32_t preference[] = {TZ_BACKEND_AVX512, TZ_BACKEND_AVX2, TZ_BACKEND_NEON};
        for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++) {
            const tz_scan_ops *ops = usable_ops(preference[i]);
            if (ops != NULL) return ops;
        }
        return &tz_scan_scalar;
    }
    if (backend < TZ_BACKEND_SCALAR || backend > TZ_BACKEND_NEON) {
        *status = TZ_E_INVALID;
        return NULL;
    }
    const tz_scan_ops *ops = usable_ops(backend);
    if (ops == NULL) *status = TZ_E_UNSUPPORTED;
    return ops;
}
