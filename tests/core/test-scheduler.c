/* test-scheduler.c — MpScheduler with a fake clock */
#include <gio/gio.h>

#include "mp-error.h"
#include "fake-clock.h"
#include "mp-scheduler.h"

#define MIN_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct {
  MpClock     *clock;
  MpScheduler *sched;
  GPtrArray   *due;     /* ids in order of check-due */
  GArray      *times;   /* clock time of each check-due */
} Fixture;

static void
on_check_due (MpScheduler *sched, const char *id, Fixture *f)
{
  gint64 now = mp_clock_now (f->clock);

  g_ptr_array_add (f->due, g_strdup (id));
  g_array_append_val (f->times, now);
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->clock = mp_fake_clock_new (1000 * G_USEC_PER_SEC);
  f->sched = mp_scheduler_new (f->clock, 42, FALSE);
  f->due = g_ptr_array_new_with_free_func (g_free);
  f->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (f->sched, "check-due", G_CALLBACK (on_check_due), f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_object_unref (f->sched);
  /* all timers removed with the scheduler */
  g_assert_cmpuint (mp_fake_clock_get_n_pending (f->clock), ==, 0);
  mp_fake_clock_free (f->clock);
  g_ptr_array_unref (f->due);
  g_array_unref (f->times);
}

static gint64
t (Fixture *f, guint i)
{
  return g_array_index (f->times, gint64, i);
}

static void
test_interval_and_jitter (Fixture *f, gconstpointer data)
{
  gint64 start = mp_clock_now (f->clock);
  gint64 min_seen = G_MAXINT64, max_seen = 0;

  mp_scheduler_add_account (f->sched, "a", 5, 0);
  /* never emitted from inside add_account */
  g_assert_cmpuint (f->due->len, ==, 0);
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 1);
  g_assert_cmpstr (f->due->pdata[0], ==, "a");
  g_assert_cmpint (t (f, 0), ==, start);
  g_assert_true (mp_scheduler_is_in_flight (f->sched, "a"));

  /* 200 successful checks: each next one 5 min ± 10 % after the report */
  for (guint i = 1; i <= 200; i++)
    {
      gint64 reported = mp_clock_now (f->clock);
      gint64 gap;

      mp_scheduler_report_success (f->sched, "a");
      g_assert_false (mp_scheduler_is_in_flight (f->sched, "a"));
      gap = mp_scheduler_get_next_due (f->sched, "a") - reported;
      g_assert_cmpint (gap, >=, 5 * MIN_US * 9 / 10);
      g_assert_cmpint (gap, <=, 5 * MIN_US * 11 / 10);
      mp_fake_clock_advance (f->clock, gap - 1);
      g_assert_cmpuint (f->due->len, ==, i);
      mp_fake_clock_advance (f->clock, 1);
      g_assert_cmpuint (f->due->len, ==, i + 1);
      g_assert_cmpint (t (f, i), ==, reported + gap);
      min_seen = MIN (min_seen, gap);
      max_seen = MAX (max_seen, gap);
    }
  /* the jitter really spreads (not a constant 5 min) */
  g_assert_cmpint (max_seen - min_seen, >, 30 * G_USEC_PER_SEC);
}

static void
test_jitter_deterministic (Fixture *f, gconstpointer data)
{
  MpClock *clock2 = mp_fake_clock_new (1000 * G_USEC_PER_SEC);
  MpScheduler *s2 = mp_scheduler_new (clock2, 42, FALSE);
  MpScheduler *s3 = mp_scheduler_new (clock2, 43, FALSE);

  mp_scheduler_add_account (f->sched, "a", 10, 0);
  mp_scheduler_add_account (s2, "a", 10, 0);
  mp_scheduler_add_account (s3, "a", 10, 0);
  mp_fake_clock_advance (f->clock, 0);
  mp_fake_clock_advance (clock2, 0);
  mp_scheduler_report_success (f->sched, "a");
  mp_scheduler_report_success (s2, "a");
  mp_scheduler_report_success (s3, "a");
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), ==,
                   mp_scheduler_get_next_due (s2, "a"));
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), !=,
                   mp_scheduler_get_next_due (s3, "a"));
  g_object_unref (s2);
  g_object_unref (s3);
  mp_fake_clock_free (clock2);
}

static void
test_backoff_sequence (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = g_error_new_literal (MP_ERROR, MP_ERROR_NETWORK, "down");
  static const gint64 expected_min[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };

  mp_scheduler_add_account (f->sched, "a", 5, 0);
  mp_fake_clock_advance (f->clock, 0);

  for (guint i = 0; i < G_N_ELEMENTS (expected_min); i++)
    {
      gint64 reported = mp_clock_now (f->clock);

      mp_scheduler_report_failure (f->sched, "a", err);
      g_assert_cmpint (mp_scheduler_get_backoff (f->sched, "a"), ==,
                       expected_min[i] * MIN_US);
      g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), ==,
                       reported + expected_min[i] * MIN_US);
      /* not a microsecond early */
      mp_fake_clock_advance (f->clock, expected_min[i] * MIN_US - 1);
      g_assert_cmpuint (f->due->len, ==, i + 1);
      mp_fake_clock_advance (f->clock, 1);
      g_assert_cmpuint (f->due->len, ==, i + 2);
    }

  /* success resets: back to interval ± jitter, and the next failure starts at 1 min */
  mp_scheduler_report_success (f->sched, "a");
  g_assert_cmpint (mp_scheduler_get_backoff (f->sched, "a"), ==, 0);
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a") - mp_clock_now (f->clock), >=,
                   5 * MIN_US * 9 / 10);
  mp_fake_clock_advance (f->clock, 6 * MIN_US);
  mp_scheduler_report_failure (f->sched, "a", err);
  g_assert_cmpint (mp_scheduler_get_backoff (f->sched, "a"), ==, MIN_US);
}

static void
test_login_delay_floor (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) busy = g_error_new_literal (MP_ERROR, MP_ERROR_SERVER_BUSY, "wait");
  gint64 reported;

  mp_error_set_retry_after (busy, 600);   /* 10 min > first backoff step */
  mp_scheduler_add_account (f->sched, "a", 5, 0);
  mp_fake_clock_advance (f->clock, 0);
  reported = mp_clock_now (f->clock);
  mp_scheduler_report_failure (f->sched, "a", busy);
  g_assert_cmpint (mp_scheduler_get_backoff (f->sched, "a"), ==, MIN_US);
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), ==,
                   reported + 600 * G_USEC_PER_SEC);

  /* "check now" and network/resume triggers respect the floor too */
  mp_scheduler_check_now (f->sched, "a");
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), ==,
                   reported + 600 * G_USEC_PER_SEC);
  mp_scheduler_resumed (f->sched);
  mp_fake_clock_advance (f->clock, 599 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->due->len, ==, 1);
  mp_fake_clock_advance (f->clock, G_USEC_PER_SEC);
  g_assert_cmpuint (f->due->len, ==, 2);
  g_assert_cmpint (t (f, 1), ==, reported + 600 * G_USEC_PER_SEC);

  /* the LOGIN-DELAY capability floors normal intervals: 20 min > 5 min */
  mp_scheduler_set_login_delay (f->sched, "a", 1200);
  reported = mp_clock_now (f->clock);
  mp_scheduler_report_success (f->sched, "a");
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), ==,
                   reported + 1200 * G_USEC_PER_SEC);
}

static void
test_check_now_and_triggers (Fixture *f, gconstpointer data)
{
  mp_scheduler_add_account (f->sched, "a", 30, 30 * MIN_US);
  mp_scheduler_add_account (f->sched, "b", 30, 30 * MIN_US);
  mp_fake_clock_advance (f->clock, MIN_US);
  g_assert_cmpuint (f->due->len, ==, 0);

  mp_scheduler_check_now (f->sched, "b");
  g_assert_cmpuint (f->due->len, ==, 0);       /* deferred, not re-entrant */
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 1);
  g_assert_cmpstr (f->due->pdata[0], ==, "b");

  /* b is in flight: check-now(all) only fires a */
  mp_scheduler_check_now (f->sched, NULL);
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 2);
  g_assert_cmpstr (f->due->pdata[1], ==, "a");
  mp_scheduler_report_success (f->sched, "a");
  mp_scheduler_report_success (f->sched, "b");

  /* network: a change while available does nothing; going down does nothing;
   * coming back fires both */
  mp_scheduler_network_changed (f->sched, TRUE);
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 2);
  mp_scheduler_network_changed (f->sched, FALSE);
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 2);
  mp_scheduler_network_changed (f->sched, TRUE);
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 4);
  mp_scheduler_report_success (f->sched, "a");
  mp_scheduler_report_success (f->sched, "b");

  /* resume fires both */
  mp_scheduler_resumed (f->sched);
  mp_fake_clock_advance (f->clock, 0);
  g_assert_cmpuint (f->due->len, ==, 6);

  /* removed accounts never fire again */
  mp_scheduler_remove_account (f->sched, "a");
  mp_scheduler_remove_account (f->sched, "b");
  g_assert_cmpuint (mp_fake_clock_get_n_pending (f->clock), ==, 0);
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a"), ==, -1);
}

static void
test_cancel_and_fallback (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  gint64 now;

  mp_scheduler_add_account (f->sched, "a", 5, 0);
  mp_fake_clock_advance (f->clock, 0);
  now = mp_clock_now (f->clock);
  mp_scheduler_report_failure (f->sched, "a", cancelled);
  g_assert_cmpint (mp_scheduler_get_backoff (f->sched, "a"), ==, 0);
  g_assert_cmpint (mp_scheduler_get_next_due (f->sched, "a") - now, >=, 5 * MIN_US * 9 / 10);

  /* no report at all: the fallback timer still brings the next check */
  mp_fake_clock_advance (f->clock, 6 * MIN_US);
  g_assert_cmpuint (f->due->len, ==, 2);
  mp_fake_clock_advance (f->clock, 6 * MIN_US);
  g_assert_cmpuint (f->due->len, ==, 3);
}

static void
test_system_watch_quiet (void)
{
  /* With watch_system the scheduler must construct and die quietly even without a
   * system bus (fatal warnings are on in tests). */
  g_autoptr(MpScheduler) s = mp_scheduler_new (NULL, 1, TRUE);
  GMainContext *ctx = g_main_context_default ();

  for (guint i = 0; i < 50 && g_main_context_iteration (ctx, FALSE); i++)
    ;
  mp_scheduler_add_account (s, "x", 5, 10 * MIN_US);
  g_assert_cmpint (mp_scheduler_get_next_due (s, "x"), >, g_get_monotonic_time ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/core/scheduler/interval-jitter", test_interval_and_jitter);
  ADD ("/core/scheduler/jitter-deterministic", test_jitter_deterministic);
  ADD ("/core/scheduler/backoff", test_backoff_sequence);
  ADD ("/core/scheduler/login-delay", test_login_delay_floor);
  ADD ("/core/scheduler/check-now-triggers", test_check_now_and_triggers);
  ADD ("/core/scheduler/cancel-fallback", test_cancel_and_fallback);
  g_test_add_func ("/core/scheduler/system-watch", test_system_watch_quiet);
  return g_test_run ();
}
