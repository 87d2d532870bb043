/*
 * The sampling baseline for the equivalence bench: evaluates two first-match rule sets on every packet of a
 * packet file and counts the packets on which their verdicts differ. This is what a user without an exact tool
 * does (test traffic); written to be fast (binary search per dimension, no allocation in the loop) so that the
 * bench compares tagwall with a good sampler, not a slow one.
 *
 * Rules file (text, IPv4, TCP/UDP): "rules N default A", then per rule "rule A B" and B boxes of five interval
 * lists "n lo hi lo hi ..." (protocols, sources, destinations, source ports, destination ports).
 * Packets file: binary, per packet five uint32 (protocol, src, dst, sport, dport).
 * Prints "differing D packets P ms T" where T is the time of the evaluation loop alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct { uint32_t n; uint32_t *b; } ivs;          /* n intervals, bounds lo,hi pairs, sorted */
typedef struct { ivs d[5]; } box;
typedef struct { int allow; uint32_t nbox; box *boxes; } rule;
typedef struct { uint32_t n; int dflt; rule *rules; } ruleset;

static int in(const ivs *s, uint32_t v) {
  uint32_t lo = 0, hi = s->n;                               /* first interval whose hi >= v */
  while (lo < hi) { uint32_t mid = (lo + hi) / 2; if (s->b[2 * mid + 1] < v) lo = mid + 1; else hi = mid; }
  return lo < s->n && s->b[2 * lo] <= v;
}

static void readivs(FILE *f, ivs *s) {
  if (fscanf(f, "%u", &s->n) != 1) exit(3);
  s->b = malloc(sizeof(uint32_t) * 2 * (s->n ? s->n : 1));
  for (uint32_t i = 0; i < 2 * s->n; i++) if (fscanf(f, "%u", &s->b[i]) != 1) exit(3);
}

static void readset(const char *path, ruleset *rs) {
  FILE *f = fopen(path, "r");
  if (!f || fscanf(f, " rules %u default %d", &rs->n, &rs->dflt) != 2) exit(3);
  rs->rules = calloc(rs->n ? rs->n : 1, sizeof(rule));
  for (uint32_t r = 0; r < rs->n; r++) {
    rule *x = &rs->rules[r];
    if (fscanf(f, " rule %d %u", &x->allow, &x->nbox) != 2) exit(3);
    x->boxes = calloc(x->nbox ? x->nbox : 1, sizeof(box));
    for (uint32_t b = 0; b < x->nbox; b++) for (int d = 0; d < 5; d++) readivs(f, &x->boxes[b].d[d]);
  }
  fclose(f);
}

static int verdict(const ruleset *rs, const uint32_t *p) {
  for (uint32_t r = 0; r < rs->n; r++) {
    const rule *x = &rs->rules[r];
    for (uint32_t b = 0; b < x->nbox; b++) {
      const box *y = &x->boxes[b];
      if (in(&y->d[0], p[0]) && in(&y->d[4], p[4]) && in(&y->d[3], p[3]) && in(&y->d[2], p[2]) && in(&y->d[1], p[1])) return x->allow;
    }
  }
  return rs->dflt;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: sampler A.rules B.rules packets.bin\n"); return 2; }
  ruleset a, b;
  readset(argv[1], &a);
  readset(argv[2], &b);
  FILE *f = fopen(argv[3], "rb");
  if (!f) return 3;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint32_t *packets = malloc(size);
  if (fread(packets, 1, size, f) != (size_t)size) return 3;
  fclose(f);
  long count = size / 20;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long differing = 0;
  for (long i = 0; i < count; i++) differing += verdict(&a, packets + 5 * i) != verdict(&b, packets + 5 * i);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("differing %ld packets %ld ms %.3f\n", differing, count, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  return 0;
}
