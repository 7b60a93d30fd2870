/* mp-test-heartbeat.c — see mp-test-heartbeat.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "mp-test-heartbeat.h"
#include "mp-test-json.h"
#include "mp-test-window.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* A 2 ms timer: a gap between two ticks is how long the main loop did not come
 * back to it. */
#define TICK_MS 2

struct _MpTestHeartbeat
{
  MpWindow *window;        /* weak */
  guint     id;            /* the 2 ms timer */
  gint64    start;
  gint64    last;
  gint64    max;           /* largest wall-clock gap */
  guint64   ticks;
  guint64   over;          /* wall-clock gaps over 16 ms */
  gint64    cpu_last;
  gint64    cpu_max;       /* most main-thread CPU time within one gap */
  guint64   cpu_over;
  gint64    wait_last;     /* this thread's run-queue wait so far; -1 unknown */
  gint64    xwait_last;    /* the X server's; -1 unknown */
  gint64    others_last;   /* this process's other threads', summed; -1 unknown */
  gint64    own_max;       /* largest gap less the waiting for a CPU in it */
  gint64    own_wall;      /* wall-clock length of that gap */
  gint64    own_wait;      /* this thread's run-queue wait in it */
  gint64    own_xwait;     /* the X server's or our workers' run-queue wait subtracted */
  gint64    own_cpu;       /* main-thread CPU time in it */
  guint64   own_over;      /* corrected gaps over 16 ms */
  char     *x_server_stat; /* owned; /proc/PID/schedstat of the X server, "" if unknown */
  GString  *log;           /* owned; "at:wall:cpu:wait:slept:proxy_wait:rows" (ms) of each stall */
  /* The window's last frame, for what a stall was made of: when it began (our
   * before-paint handler) and how long its update + layout and its paint
   * (snapshot and render) took, in µs.  Our handlers are connected after GTK's. */
  GdkFrameClock *clock;    /* weak */
  GString  *frames;        /* owned; "at:layout:paint:rows" (ms) of every frame */
  gint64    rss_start;     /* KiB resident when the heartbeat started */
  gint64    frame_start;
  gint64    frame_layout_end;
  gint64    frame_layout;
  gint64    frame_paint;
};

/* A "VmRSS:"-style field of /proc/self/status, in KiB; -1 when missing. */
static gint64
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *at;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (at = strstr (text, field)) == NULL)
    return -1;
  return g_ascii_strtoll (at + strlen (field), NULL, 10);
}

/* CPU time used by the calling (main) thread, in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Time a task spent runnable but waiting for a CPU, in µs (the second field of
 * /proc/…/schedstat); -1 when the kernel does not say. */
static gint64
runqueue_wait_us (const char *path)
{
  char buf[128];
  FILE *f = fopen (path, "re");
  size_t n;
  char **fields;
  gint64 wait = -1;

  if (!f)
    return -1;
  n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  fields = g_strsplit (buf, " ", 3);
  if (fields[0] && fields[1])
    wait = g_ascii_strtoll (fields[1], NULL, 10) / 1000;
  g_strfreev (fields);
  return wait;
}

static gint64
thread_runqueue_wait_us (void)
{
  return runqueue_wait_us ("/proc/thread-self/schedstat");
}

/* The X server's run-queue wait: while the main thread sleeps in an X round trip
 * (GDK asks for the monitor's work area on every relayout), a starved X server
 * stalls it without this thread waiting for a CPU itself.  The server is the
 * peer of the display connection (SO_PEERCRED). */
static gint64
x_server_runqueue_wait_us (MpTestHeartbeat *hb)
{
  if (hb->x_server_stat == NULL)
    {
      GdkDisplay *display = gdk_display_get_default ();
      int pid = -1;

#ifdef GDK_WINDOWING_X11
      if (GDK_IS_X11_DISPLAY (display))
        {
          int fd = ConnectionNumber (gdk_x11_display_get_xdisplay (display));
          struct ucred cred;
          socklen_t len = sizeof cred;

          if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
            pid = cred.pid;
        }
#endif
      hb->x_server_stat = pid > 0 ? g_strdup_printf ("/proc/%d/schedstat", pid) : g_strdup ("");
    }
  return *hb->x_server_stat ? runqueue_wait_us (hb->x_server_stat) : -1;
}

/* The run-queue wait of this process's other threads (workers), summed: a worker
 * preempted while it holds a lock the main thread needs (the main context's, a
 * list's) stalls the main thread the same way a starved X server does. */
static gint64
other_threads_runqueue_wait_us (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  g_autofree char *self_link = g_file_read_link ("/proc/thread-self", NULL);
  const char *self_tid = self_link ? strrchr (self_link, '/') : NULL;
  const char *name;
  gint64 sum = 0;

  if (!dir || !self_tid)
    return -1;
  self_tid++;
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      gint64 wait;

      if (g_str_equal (name, self_tid))
        continue;
      path = g_strdup_printf ("/proc/self/task/%s/schedstat", name);
      wait = runqueue_wait_us (path);
      if (wait > 0)
        sum += wait;
    }
  return sum;
}

static void
on_before_paint (GdkFrameClock *clock, MpTestHeartbeat *hb)
{
  hb->frame_start = g_get_monotonic_time ();
  hb->frame_layout = hb->frame_paint = -1;
}

static void
on_layout (GdkFrameClock *clock, MpTestHeartbeat *hb)
{
  hb->frame_layout_end = g_get_monotonic_time ();
  hb->frame_layout = hb->frame_layout_end - hb->frame_start;
}

static void
on_paint (GdkFrameClock *clock, MpTestHeartbeat *hb)
{
  hb->frame_paint = g_get_monotonic_time () - hb->frame_layout_end;
  if (hb->frames && hb->start > 0)
    {
      MpAccountState *mailbox = hb->window ? mp_test_window_get_current_mailbox (hb->window) : NULL;
      g_string_append_printf (hb->frames, "%s%.1f:%.1f:%.1f:%u", hb->frames->len ? " " : "",
                              (hb->frame_start - hb->start) / 1000.0, hb->frame_layout / 1000.0,
                              hb->frame_paint / 1000.0,
                              mailbox ? mp_account_state_get_n_messages (mailbox) : 0);
    }
}

static void
watch_frames (MpTestHeartbeat *hb)
{
  GdkFrameClock *clock = hb->window ? gtk_widget_get_frame_clock (GTK_WIDGET (hb->window)) : NULL;

  if (!clock || clock == hb->clock)
    return;
  g_set_weak_pointer (&hb->clock, clock);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), hb);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout), hb);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint), hb);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  MpTestHeartbeat *hb = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - hb->last;
  gint64 cpu = thread_cpu_us ();
  gint64 cpu_gap = cpu - hb->cpu_last;
  gint64 wait = thread_runqueue_wait_us ();
  gint64 wait_gap = (wait >= 0 && hb->wait_last >= 0) ? wait - hb->wait_last : 0;
  gint64 xwait = x_server_runqueue_wait_us (hb);
  gint64 xwait_gap = (xwait >= 0 && hb->xwait_last >= 0) ? xwait - hb->xwait_last : 0;
  gint64 others = other_threads_runqueue_wait_us ();
  gint64 others_gap = (others >= 0 && hb->others_last >= 0) ? others - hb->others_last : 0;
  /* Sleeping up to a tick is the loop waiting for the timer; longer, it waited
   * for someone inside a dispatch: the X server or one of our own threads. */
  gint64 slept = MAX (0, gap - wait_gap - cpu_gap - TICK_MS * 1000);
  gint64 proxy_wait = MIN (MAX (xwait_gap, others_gap), slept);
  /* The gap without the time this thread waited for a CPU, and without the time
   * it slept while whoever it waited on waited for a CPU. */
  gint64 own = gap - wait_gap - proxy_wait;

  hb->wait_last = wait;
  hb->xwait_last = xwait;
  hb->others_last = others;
  if (own > hb->own_max)
    {
      hb->own_max = own;
      hb->own_wait = wait_gap;
      hb->own_xwait = proxy_wait;
      hb->own_wall = gap;
      hb->own_cpu = cpu_gap;
    }
  if (own > 16000)
    hb->own_over++;

  /* Wall-clock gaps also count time the thread waited for a CPU (2 shared cores,
   * worker threads parsing headers); the CPU time within a gap is the work the
   * main loop itself did without returning. */
  hb->cpu_last = cpu;
  if (cpu_gap > hb->cpu_max)
    hb->cpu_max = cpu_gap;
  if (cpu_gap > 16000)
    hb->cpu_over++;

  hb->ticks++;
  if (gap > hb->max)
    hb->max = gap;
  /* Every wall-clock gap over 16 ms is logged with its CPU time and run-queue wait. */
  if (gap > 16000)
    {
      MpAccountState *mailbox = hb->window ? mp_test_window_get_current_mailbox (hb->window) : NULL;

      hb->over++;
      g_string_append_printf (hb->log, "%s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                              ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                              ":%" G_GINT64_FORMAT ":%u",
                              hb->log->len ? " " : "",
                              (hb->last - hb->start) / 1000, gap / 1000,
                              cpu_gap / 1000, wait_gap / 1000, slept / 1000, proxy_wait / 1000,
                              mailbox ? mp_account_state_get_n_messages (mailbox) : 0);
      /* A frame that began within the gap: its layout and paint (ms). */
      if (hb->frame_start >= hb->last && hb->frame_paint >= 0)
        g_string_append_printf (hb->log, ":L%.1f:P%.1f", hb->frame_layout / 1000.0,
                                hb->frame_paint / 1000.0);
    }
  hb->last = now;
  return G_SOURCE_CONTINUE;
}

MpTestHeartbeat *
mp_test_heartbeat_new (MpWindow *window)
{
  MpTestHeartbeat *hb = g_new0 (MpTestHeartbeat, 1);

  g_set_weak_pointer (&hb->window, window);
  hb->frame_start = -1;
  hb->frames = g_string_new (NULL);
  hb->log = g_string_new (NULL);
  return hb;
}

void
mp_test_heartbeat_start (MpTestHeartbeat *hb)
{
  watch_frames (hb);
  hb->rss_start = status_kib ("VmRSS:");
  hb->last = g_get_monotonic_time ();
  hb->start = hb->last;
  hb->cpu_last = thread_cpu_us ();
  hb->cpu_max = 0;
  hb->cpu_over = 0;
  hb->wait_last = thread_runqueue_wait_us ();
  hb->xwait_last = x_server_runqueue_wait_us (hb);
  hb->others_last = other_threads_runqueue_wait_us ();
  hb->own_max = 0;
  hb->own_wall = 0;
  hb->own_wait = 0;
  hb->own_xwait = 0;
  hb->own_cpu = 0;
  hb->own_over = 0;
  g_string_truncate (hb->log, 0);
  g_string_truncate (hb->frames, 0);
  hb->max = 0;
  hb->ticks = 0;
  hb->over = 0;
  if (!hb->id)
    hb->id = g_timeout_add (TICK_MS, heartbeat_cb, hb);
}

void
mp_test_heartbeat_report (MpTestHeartbeat *hb,
                          GString         *s)
{
  mp_test_json_add_int (s, "max_gap_us", hb->max);
  mp_test_json_add_int (s, "ticks", (gint64) hb->ticks);
  mp_test_json_add_int (s, "gaps_over_16ms", (gint64) hb->over);
  mp_test_json_add_int (s, "max_cpu_gap_us", hb->cpu_max);
  mp_test_json_add_int (s, "cpu_gaps_over_16ms", (gint64) hb->cpu_over);
  mp_test_json_add_int (s, "max_own_gap_us", hb->own_max);
  mp_test_json_add_int (s, "own_gap_wall_us", hb->own_wall);
  mp_test_json_add_int (s, "own_gap_wait_us", hb->own_wait);
  mp_test_json_add_int (s, "own_gap_x_wait_us", hb->own_xwait);
  mp_test_json_add_bool (s, "x_schedstat", hb->xwait_last >= 0);
  mp_test_json_add_int (s, "own_gap_cpu_us", hb->own_cpu);
  mp_test_json_add_int (s, "own_gaps_over_16ms", (gint64) hb->own_over);
  mp_test_json_add_bool (s, "schedstat", hb->wait_last >= 0);
  mp_test_json_add_str (s, "stalls", hb->log->str);
  mp_test_json_add_str (s, "frames", hb->frames->str);
  /* What the process holds when the heartbeat started and now, and its peak. */
  mp_test_json_add_int (s, "rss_start_kib", hb->rss_start);
  mp_test_json_add_int (s, "rss_kib", status_kib ("VmRSS:"));
  mp_test_json_add_int (s, "rss_peak_kib", status_kib ("VmHWM:"));
  if (hb->window)
    {
      mp_test_json_add_int (s, "window_width", gtk_widget_get_width (GTK_WIDGET (hb->window)));
      mp_test_json_add_int (s, "window_height", gtk_widget_get_height (GTK_WIDGET (hb->window)));
    }
  /* CLOCK_MONOTONIC µs, so a profile recorded with `perf record -k CLOCK_MONOTONIC`
   * can be cut to the stalls ("at" is relative to it). */
  mp_test_json_add_int (s, "start_us", hb->start);
}
