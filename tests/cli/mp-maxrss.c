/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mp-maxrss CMD [ARGS...] — runs CMD, then prints "MAXRSS_KB n" (its peak resident
 * set size) on stderr and exits with CMD's status.
 *
 * Why not measure from Python: a child's ru_maxrss includes the address space it
 * was forked (or vforked) from until exec, so a child of a 14 MB Python reports at
 * least 14 MB whatever it does.  This launcher is plain C without GLib: its own
 * footprint stays far below the limits being tested.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct rusage usage;
  int status = 0;
  pid_t pid;

  if (argc < 2)
    {
      fprintf (stderr, "usage: mp-maxrss CMD [ARGS...]\n");
      return 2;
    }
  pid = fork ();
  if (pid < 0)
    {
      perror ("mp-maxrss: fork");
      return 2;
    }
  if (pid == 0)
    {
      execvp (argv[1], argv + 1);
      perror ("mp-maxrss: exec");
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) < 0)
    {
      perror ("mp-maxrss: wait4");
      return 2;
    }
  fprintf (stderr, "MAXRSS_KB %ld\n", usage.ru_maxrss);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + (WIFSIGNALED (status) ? WTERMSIG (status) : 0);
}
