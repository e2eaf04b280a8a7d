/* The process-wide pre-fault switch and the populate call behind it. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trueno_zram.h"
#include "tz_prefault.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int enabled; /* read and written atomically */

int tz_prefault_enabled(void) { return __atomic_load_n(&enabled, __ATOMIC_RELAXED); }

int tz_prefault_range(uint8_t *from, uint8_t *to) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)from & ~(page - 1);
    uintptr_t end = ((uintptr_t)to + page - 1) & ~(page - 1);
    /* Populating never changes the bytes of a page, so touching the neighbours' part of a shared first
     * or last page is harmless. */
    if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0) return 1;
    __atomic_store_n(&enabled, 0, __ATOMIC_RELAXED);
    return 0;
}

TZ_API int32_t tz_batch_prefault(int32_t mode) {
    if (mode < -1 || mode > 1) return TZ_E_INVALID;
    int previous = tz_prefault_enabled();
    if (mode == -1) return previous;
    if (mode == 1) {
        /* Probe the kernel once on a page of our own. */
        uint8_t *probe = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (probe == MAP_FAILED) return TZ_E_NO_MEMORY;
        int supported = madvise(probe, 4096, MADV_POPULATE_WRITE) == 0;
        munmap(probe, 4096);
        if (!supported) return TZ_E_UNSUPPORTED;
    }
    __atomic_store_n(&enabled, mode, __ATOMIC_RELAXED);
    return previous;
}
