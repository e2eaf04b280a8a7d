/* A tiny test runner: RUN counts one test, CHECK fails the current test with the failing expression. */
#ifndef TZ_TEST_CHECK_H
#define TZ_TEST_CHECK_H

#include <stdio.h>

void tz_test_run(const char *name, void (*fn)(void));
void tz_test_fail(const char *file, int line, const char *what);
/* 0 while every test so far passed: prints the summary line and gives the exit status. */
int tz_test_summary(void);

#define RUN(fn) tz_test_run(#fn, fn)
#define CHECK(cond)                                        \
    do {                                                   \
        if (!(cond)) {                                     \
            tz_test_fail(__FILE__, __LINE__, #cond);       \
            return;                                        \
        }                                                  \
    } while (0)
/* CHECK with the loop position that failed, for checks over many pages. */
#define CHECK_AT(cond, index)                                          \
    do {                                                               \
        if (!(cond)) {                                                 \
            char what_[256];                                           \
            snprintf(what_, sizeof what_, "%s (at %ld)", #cond, (long)(index)); \
            tz_test_fail(__FILE__, __LINE__, what_);                   \
            return;                                                    \
        }                                                              \
    } while (0)

#endif
