/* mp-connect-clock.c — LD_PRELOAD helper of the benchmark (never installed)
 *
 * run-bench.py compares mailpeek-cli with a reference client that runs inside
 * the bench's own process and is timed from its connect() to QUIT's reply. To
 * time mailpeek-cli's dialogue the same way, this notes the monotonic clock at
 * the program's first TCP connect() and, as the program exits, writes
 * "CONNECT_NS EXIT_NS" to $MP_BENCH_CLOCK_FILE. Nothing is written when the
 * program never connected (GNU time, which runs it, inherits this too).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

static long long connect_ns = -1;

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
connect (int fd, const struct sockaddr *addr, socklen_t len)
{
  static int (*real_connect) (int, const struct sockaddr *, socklen_t);

  if (real_connect == NULL)
    real_connect = (int (*) (int, const struct sockaddr *, socklen_t)) dlsym (RTLD_NEXT, "connect");
  if (connect_ns < 0 && addr != NULL
      && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6))
    connect_ns = now_ns ();
  return real_connect (fd, addr, len);
}

/* A preloaded library is finalised last: after main() returned, stdout was
 * flushed and every atexit handler ran. */
__attribute__((destructor)) static void
report (void)
{
  const char *path = getenv ("MP_BENCH_CLOCK_FILE");
  FILE *f;

  if (connect_ns < 0 || path == NULL)
    return;
  f = fopen (path, "w");
  if (f == NULL)
    return;
  fprintf (f, "%lld %lld\n", connect_ns, now_ns ());
  fclose (f);
}
