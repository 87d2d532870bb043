/*
 * The sampling baseline for the equivalence bench: evaluates two first-match rule sets on every packet of a
 * packet file and counts the packets on which their verdicts differ. This is what a user without an exact tool
 * does (test traffic), written as fast packet classifiers are, so that the bench compares tagwall with a strong
 * sampler: the bit-vector scheme (Lakshman and Stiliadis, SIGCOMM 1998). Per dimension, the bounds of every
 * box cut the value range into elementary intervals, and each interval carries one bit per box (in rule order)
 * for the boxes that cover it. A packet's verdict is five binary searches and the AND of five bit rows; its
 * first set bit is the first box that matches. A scan of the rules per packet, with a binary search per
 * dimension, was 40-50x slower on the bench's 1k pair.
 *
 * Rules file (text, IPv4, TCP/UDP): "rules N default A", then per rule "rule A B" and B boxes of five interval
 * lists "n lo hi lo hi ..." (protocols, sources, destinations, source ports, destination ports).
 * Packets file: binary, per packet five uint32 (protocol, src, dst, sport, dport).
 * Prints "differing D packets P ms T build B" where T is the time of the evaluation loop alone and B that of
 * building both classifiers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIMENSIONS 5

typedef struct { uint32_t n; uint32_t *b; } ivs;          /* n intervals, bounds lo,hi pairs */

/* One rule set as a classifier: per dimension, the elementary intervals' first values and their bit rows. */
typedef struct {
  int dflt;
  uint32_t nbox, words;
  uint8_t *allow;                                           /* per box: its rule's action */
  uint32_t rows[DIMENSIONS];
  uint32_t *starts[DIMENSIONS];                             /* rows[d] first values, ascending, starts[d][0] = 0 */
  uint64_t *bits[DIMENSIONS];                               /* rows[d] * words */
} classifier;

typedef struct { uint64_t at; uint32_t box; int32_t step; } event;

static void *must(void *p) {
  if (!p) { fprintf(stderr, "out of memory\n"); exit(4); }
  return p;
}

static void readivs(FILE *f, ivs *s) {
  if (fscanf(f, "%u", &s->n) != 1) exit(3);
  s->b = must(malloc(sizeof(uint32_t) * 2 * (s->n ? s->n : 1)));
  for (uint32_t i = 0; i < 2 * s->n; i++) if (fscanf(f, "%u", &s->b[i]) != 1) exit(3);
}

static int byAt(const void *x, const void *y) {
  const event *a = x, *b = y;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* One dimension's rows, by a sweep over the boxes' interval bounds: a count per box of its intervals covering
   the current value (so that overlapping or adjacent intervals of one box need no normalising). */
static void buildDimension(classifier *c, ivs *const *lists, int d) {
  size_t total = 0;
  for (uint32_t k = 0; k < c->nbox; k++) total += 2 * (size_t)lists[k]->n;
  event *events = must(malloc(sizeof(event) * (total ? total : 1)));
  size_t n = 0;
  for (uint32_t k = 0; k < c->nbox; k++) {
    for (uint32_t i = 0; i < lists[k]->n; i++) {
      uint64_t lo = lists[k]->b[2 * i], hi = lists[k]->b[2 * i + 1];
      if (lo > hi) continue;
      events[n++] = (event){ lo, k, 1 };
      if (hi < UINT32_MAX) events[n++] = (event){ hi + 1, k, -1 };
    }
  }
  qsort(events, n, sizeof(event), byAt);
  size_t rows = 1;
  for (size_t i = 0; i < n; i++) if (events[i].at != 0 && (i == 0 || events[i].at != events[i - 1].at)) rows++;
  c->rows[d] = (uint32_t)rows;
  c->starts[d] = must(malloc(sizeof(uint32_t) * rows));
  c->bits[d] = must(calloc(rows * c->words, sizeof(uint64_t)));
  int32_t *count = must(calloc(c->nbox ? c->nbox : 1, sizeof(int32_t)));
  uint64_t *current = must(calloc(c->words ? c->words : 1, sizeof(uint64_t)));
  size_t row = 0, e = 0;
  c->starts[d][0] = 0;
  for (;;) {
    uint64_t at = row == 0 ? 0 : c->starts[d][row];
    for (; e < n && events[e].at == at; e++) {
      uint32_t k = events[e].box;
      count[k] += events[e].step;
      if (count[k] > 0) current[k >> 6] |= 1ull << (k & 63);
      else current[k >> 6] &= ~(1ull << (k & 63));
    }
    memcpy(c->bits[d] + row * c->words, current, sizeof(uint64_t) * c->words);
    if (e == n) break;
    c->starts[d][++row] = (uint32_t)events[e].at;
  }
  free(count);
  free(current);
  free(events);
}

static void readset(const char *path, classifier *c) {
  FILE *f = fopen(path, "r");
  uint32_t nrules;
  if (!f || fscanf(f, " rules %u default %d", &nrules, &c->dflt) != 2) exit(3);
  size_t capacity = 64;
  ivs *boxes = must(malloc(sizeof(ivs) * DIMENSIONS * capacity));
  c->allow = must(malloc(capacity));
  c->nbox = 0;
  for (uint32_t r = 0; r < nrules; r++) {
    int allow;
    uint32_t nbox;
    if (fscanf(f, " rule %d %u", &allow, &nbox) != 2) exit(3);
    for (uint32_t b = 0; b < nbox; b++) {
      if (c->nbox == capacity) {
        capacity *= 2;
        boxes = must(realloc(boxes, sizeof(ivs) * DIMENSIONS * capacity));
        c->allow = must(realloc(c->allow, capacity));
      }
      for (int d = 0; d < DIMENSIONS; d++) readivs(f, &boxes[DIMENSIONS * c->nbox + d]);
      c->allow[c->nbox++] = (uint8_t)allow;
    }
  }
  fclose(f);
  c->words = (c->nbox + 63) / 64;
  ivs **lists = must(malloc(sizeof(ivs *) * (c->nbox ? c->nbox : 1)));
  for (int d = 0; d < DIMENSIONS; d++) {
    for (uint32_t k = 0; k < c->nbox; k++) lists[k] = &boxes[DIMENSIONS * k + d];
    buildDimension(c, lists, d);
  }
  for (uint32_t k = 0; k < DIMENSIONS * c->nbox; k++) free(boxes[k].b);
  free(lists);
  free(boxes);
}

/* The row of the elementary interval holding v: the last start <= v. */
static const uint64_t *rowOf(const classifier *c, int d, uint32_t v) {
  const uint32_t *s = c->starts[d];
  uint32_t lo = 0, hi = c->rows[d];                         /* s[0] = 0 <= v: the answer is in [0, hi) */
  while (hi - lo > 1) { uint32_t mid = lo + (hi - lo) / 2; if (s[mid] <= v) lo = mid; else hi = mid; }
  return c->bits[d] + (size_t)lo * c->words;
}

static int verdict(const classifier *c, const uint32_t *p) {
  const uint64_t *r0 = rowOf(c, 0, p[0]), *r1 = rowOf(c, 1, p[1]), *r2 = rowOf(c, 2, p[2]), *r3 = rowOf(c, 3, p[3]), *r4 = rowOf(c, 4, p[4]);
  for (uint32_t w = 0; w < c->words; w++) {
    uint64_t x = r0[w] & r1[w] & r2[w] & r3[w] & r4[w];
    if (x) return c->allow[64 * w + (uint32_t)__builtin_ctzll(x)];
  }
  return c->dflt;
}

static double since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: sampler A.rules B.rules packets.bin\n"); return 2; }
  classifier a, b;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  readset(argv[1], &a);
  readset(argv[2], &b);
  double build = since(&t0);
  FILE *f = fopen(argv[3], "rb");
  if (!f) return 3;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint32_t *packets = must(malloc(size ? size : 1));
  if (fread(packets, 1, size, f) != (size_t)size) return 3;
  fclose(f);
  long count = size / 20;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long differing = 0;
  for (long i = 0; i < count; i++) differing += verdict(&a, packets + 5 * i) != verdict(&b, packets + 5 * i);
  printf("differing %ld packets %ld ms %.3f build %.3f\n", differing, count, since(&t0), build);
  return 0;
}
