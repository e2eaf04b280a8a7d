/* Run-time CPU feature detection (cpuid + xgetbv on x86-64, getauxval on aarch64), done once. */
#ifndef TZ_CPU_H
#define TZ_CPU_H

#include <stdint.h>

/* TZ_CPU_* bits of this CPU, with OS support for the vector state checked. */
int32_t tz_cpu_detect(void);

#endif
