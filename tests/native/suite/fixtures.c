#include "fixtures.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

corpus tz_corpus;

uint64_t test_rand(uint64_t *state) {
    /* xorshift64*: deterministic across runs so a failure reproduces. */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void fill_random(uint8_t *p, size_t len, uint64_t *state) {
    for (size_t i = 0; i < len; i++) p[i] = (uint8_t)(test_rand(state) >> 56);
}

static edge_page pages[256 + 64];
static size_t page_count;

static edge_page *add(const char *name, int same_word, int same_byte) {
    edge_page *e = &pages[page_count++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->same_word = same_word;
    e->same_byte = same_byte;
    return e;
}

static void add_period(const char *name, const uint8_t *unit, size_t period, int same_word) {
    edge_page *e = add(name, same_word, 0);
    for (size_t i = 0; i < PAGE; i++) e->page[i] = unit[i % period];
}

static void build(void) {
    for (int v = 0; v < 256; v++) {
        char name[48];
        snprintf(name, sizeof name, "byte 0x%02x", v);
        memset(add(name, 1, 1)->page, v, PAGE);
    }
    static const uint8_t unit[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                     0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01};
    add_period("period 2", unit, 2, 1);
    add_period("period 4", unit, 4, 1);
    add_period("period 8", unit, 8, 1);
    add_period("period 3", unit, 3, 0);
    add_period("period 16", unit, 16, 0);
    static const size_t positions[] = {0, PAGE / 2, PAGE - 1};
    static const char *where[] = {"first", "middle", "last"};
    for (int base = 0; base < 2; base++) {
        for (int k = 0; k < 3; k++) {
            char name[48];
            snprintf(name, sizeof name, "%s fill, %s byte differs", base ? "0xab" : "zero", where[k]);
            edge_page *e = add(name, 0, 0);
            memset(e->page, base ? 0xab : 0, PAGE);
            e->page[positions[k]] ^= 0x01;
        }
    }
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    fill_random(add("random", 0, 0)->page, PAGE, &seed);
    edge_page *text = add("text", 0, 0);
    static const char prose[] = "The quick brown fox jumps over the lazy dog; pages of text compress well. ";
    for (size_t i = 0; i < PAGE; i++) text->page[i] = (uint8_t)prose[i % (sizeof prose - 1)];
}

const edge_page *edge_pages(size_t *count) {
    if (page_count == 0) build();
    *count = page_count;
    return pages;
}

guarded guarded_alloc(size_t len) {
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (len + ps - 1) / ps * ps;
    guarded g = {NULL, NULL, body + ps};
    g.map = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.map == MAP_FAILED) {
        g.map = NULL;
        return g;
    }
    mprotect((uint8_t *)g.map + body, ps, PROT_NONE);
    g.data = (uint8_t *)g.map + body - len;
    return g;
}

void guarded_free(guarded *g) {
    if (g->map != NULL) munmap(g->map, g->map_len);
    g->map = NULL;
    g->data = NULL;
}
