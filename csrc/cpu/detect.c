/* CPU features, detected once. AVX2 and AVX-512 count only when the OS saves their register state
 * (XCR0 through xgetbv), since a CPU flag alone does not make the instructions usable. */
#include <pthread.h>

#include "trueno_zram.h"
#include "tz_cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

#define XCR0_SSE_AVX 0x06u      /* XMM + YMM state */
#define XCR0_AVX512 0xE6u       /* XMM + YMM + opmask + ZMM_Hi256 + Hi16_ZMM */
#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_AVX (1u << 28)
#define CPUID1_ECX_SSE42 (1u << 20)
#define CPUID7_EBX_AVX2 (1u << 5)
#define CPUID7_EBX_AVX512F (1u << 16)
#define CPUID7_EBX_AVX512BW (1u << 30)

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static int32_t detect_features(void) {
    unsigned eax, ebx, ecx, edx;
    int32_t features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (ecx & CPUID1_ECX_SSE42) features |= TZ_CPU_SSE42;
    if (!(ecx & CPUID1_ECX_OSXSAVE) || !(ecx & CPUID1_ECX_AVX)) return features;
    uint64_t xcr0 = read_xcr0();
    if (__get_cpuid_max(0, 0) < 7) return features;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if ((xcr0 & XCR0_SSE_AVX) == XCR0_SSE_AVX && (ebx & CPUID7_EBX_AVX2)) features |= TZ_CPU_AVX2;
    if ((xcr0 & XCR0_AVX512) == XCR0_AVX512 && (ebx & CPUID7_EBX_AVX512F) && (ebx & CPUID7_EBX_AVX512BW))
        features |= TZ_CPU_AVX512;
    return features;
}

#elif defined(__aarch64__)
#include <sys/auxv.h>

#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1ul << 1)
#endif

static int32_t detect_features(void) {
    return (getauxval(AT_HWCAP) & HWCAP_ASIMD) ? TZ_CPU_NEON : 0;
}

#else
static int32_t detect_features(void) { return 0; }
#endif

static pthread_once_t detect_once = PTHREAD_ONCE_INIT;
static int32_t detected;

static void run_detection(void) { detected = detect_features(); }

int32_t tz_cpu_detect(void) {
    pthread_once(&detect_once, run_detection);
    return detected;
}
