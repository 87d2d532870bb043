/*
 * The native baseline for the CIDR-union bench: parse prefixes (one per line on stdin, one family), sort, merge
 * overlapping and adjacent ranges, and write the minimal CIDR list. Strings in, strings out, as tagwall is
 * timed. Repeats the whole job R times and prints "median_ms M" on stderr, the CIDRs of the last run on stdout.
 * IPv6 addresses are two 64-bit halves; the text forms are what inet_ntop prints, which is RFC 5952's, as
 * tagwall's.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef unsigned __int128 u128;
typedef struct { u128 lo, hi; } range;

static int cmp(const void *a, const void *b) {
  const range *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* 2^bits - 1, the offset of a block's last address; 2^128 - 1 needs no shift past the width. */
static u128 span(int bits) { return bits >= 128 ? ~(u128)0 : (((u128)1) << bits) - 1; }

static int dcmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int v6 = argc > 1 && strcmp(argv[1], "6") == 0, runs = argc > 2 ? atoi(argv[2]) : 1, bits = v6 ? 128 : 32;
  size_t cap = 1 << 20, n = 0, len = 0;
  char *text = malloc(cap), **lines;
  size_t got;
  while ((got = fread(text + len, 1, cap - len, stdin)) > 0) { len += got; if (len == cap) text = realloc(text, cap *= 2); }
  for (size_t i = 0; i < len; i++) n += text[i] == '\n';
  lines = malloc(sizeof(char *) * (n + 1));
  n = 0;
  for (char *p = text, *end = text + len; p < end;) { char *nl = memchr(p, '\n', end - p); if (!nl) break; *nl = 0; lines[n++] = p; p = nl + 1; }
  range *r = malloc(sizeof(range) * n);
  char *out = malloc(n * 48 + 1);
  double *times = malloc(sizeof(double) * runs);
  size_t outlen = 0;
  for (int run = 0; run < runs; run++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < n; i++) {
      char buf[64];
      char *slash = strchr(lines[i], '/');
      size_t alen = slash - lines[i];
      memcpy(buf, lines[i], alen); buf[alen] = 0;
      int plen = atoi(slash + 1);
      unsigned char a[16] = {0};
      inet_pton(v6 ? AF_INET6 : AF_INET, buf, a);
      u128 value = 0;
      for (int k = 0; k < bits / 8; k++) value = (value << 8) | a[k];
      u128 host = plen == bits ? 0 : ((((u128)1) << (bits - plen)) - 1);
      r[i].lo = value & ~host; r[i].hi = r[i].lo | host;
    }
    qsort(r, n, sizeof(range), cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
      if (m > 0 && (r[i].lo <= r[m - 1].hi || r[i].lo == r[m - 1].hi + 1)) { if (r[i].hi > r[m - 1].hi) r[m - 1].hi = r[i].hi; }
      else r[m++] = r[i];
    }
    outlen = 0;
    for (size_t i = 0; i < m; i++) {
      u128 lo = r[i].lo, hi = r[i].hi;
      for (;;) {
        int size = 0;   /* the largest aligned block starting at lo that ends by hi */
        while (size < bits && ((lo >> size) & 1) == 0 && span(size + 1) <= hi - lo) size++;
        unsigned char a[16];
        for (int k = bits / 8 - 1; k >= 0; k--) a[k] = (unsigned char)(lo >> (8 * (bits / 8 - 1 - k)));
        char buf[64];
        inet_ntop(v6 ? AF_INET6 : AF_INET, a, buf, sizeof buf);
        outlen += sprintf(out + outlen, "%s/%d\n", buf, bits - size);
        u128 last = lo + span(size);
        if (last >= hi) break;
        lo = last + 1;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    times[run] = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  }
  fwrite(out, 1, outlen, stdout);
  qsort(times, runs, sizeof(double), dcmp);
  fprintf(stderr, "median_ms %.3f\n", times[runs / 2]);
  return 0;
}
