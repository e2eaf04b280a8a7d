/* Library identity and the CPU/backend queries of the ABI. */
#include <sched.h>
#include <unistd.h>

#include "trueno_zram.h"
#include "tz_cpu.h"
#include "tz_scan.h"

TZ_API int32_t tz_abi_version(void) { return TZ_ABI_VERSION; }

TZ_API int32_t tz_cpu_features(void) { return tz_cpu_detect(); }

TZ_API int32_t tz_backend_best(void) {
    int32_t status;
    return tz_scan_resolve(TZ_BACKEND_AUTO, &status)->backend;
}

TZ_API int32_t tz_backend_supported(int32_t backend) {
    if (backend < TZ_BACKEND_SCALAR || backend > TZ_BACKEND_NEON) return TZ_E_INVALID;
    int32_t status;
    return tz_scan_resolve(backend, &status) != NULL;
}

TZ_API int32_t tz_default_threads(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int32_t)online : 1;
}
