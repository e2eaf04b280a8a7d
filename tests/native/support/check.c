#include "check.h"

static int passed, failed, current_failed;
static const char *current;

void tz_test_fail(const char *file, int line, const char *what) {
    current_failed = 1;
    fprintf(stderr, "FAIL %s: %s:%d: %s\n", current, file, line, what);
}

void tz_test_run(const char *name, void (*fn)(void)) {
    current = name;
    current_failed = 0;
    fn();
    if (current_failed) failed++;
    else passed++;
}

int tz_test_summary(void) {
    printf("native: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
