/* mp-scheduler.h — when to check which account
 *
 * Per account: a check every interval (minutes) ± 10 % jitter (from a GRand seeded
 * by the caller, so tests are deterministic).  After a failure the next check comes
 * after a backoff doubling 1 min, 2, 4 … up to 60 min, and never before the
 * server's LOGIN-DELAY (mp_error_get_retry_after()); a success resets the backoff.
 * mp_scheduler_check_now() and two events make checks due at once: the network
 * becoming available (GNetworkMonitor) and resume from suspend (logind
 * PrepareForSleep(false) on the system bus, when reachable; silently nothing when
 * not).  Immediate triggers still respect a LOGIN-DELAY.
 *
 * Signal "check-due" (const char *account_id), emitted on the main context of the
 * clock.  The receiver starts the check and reports its outcome with
 * mp_scheduler_report_success/_failure(), which schedules the next one.  Until then
 * the account is "in flight": no further check-due for it (a fallback timer of
 * the interval re-arms it in case the report never comes).
 *
 * Main thread only.
 */
#pragma once

#include <gio/gio.h>

#include "mp-clock.h"

G_BEGIN_DECLS

#define MP_SCHEDULER_BACKOFF_MIN_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define MP_SCHEDULER_BACKOFF_MAX_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

#define MP_TYPE_SCHEDULER (mp_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (MpScheduler, mp_scheduler, MP, SCHEDULER, GObject)

/* @clock: NULL = system clock (must outlive the scheduler).  @seed: jitter seed.
 * @watch_system: TRUE to follow GNetworkMonitor and logind (FALSE in unit tests). */
MpScheduler *mp_scheduler_new               (MpClock     *clock,
                                             guint32      seed,
                                             gboolean     watch_system);

/* Adds (or updates) an account; its first check is due after @delay_us (0 = now,
 * deferred to an idle/timeout, never emitted from inside this call). */
void         mp_scheduler_add_account       (MpScheduler *self,
                                             const char  *account_id,
                                             guint        interval_minutes,
                                             gint64       first_delay_us);
void         mp_scheduler_set_interval      (MpScheduler *self,
                                             const char  *account_id,
                                             guint        interval_minutes);
void         mp_scheduler_remove_account    (MpScheduler *self,
                                             const char  *account_id);
/* @account_id NULL = all accounts. */
void         mp_scheduler_check_now         (MpScheduler *self,
                                             const char  *account_id);
void         mp_scheduler_report_success    (MpScheduler *self,
                                             const char  *account_id);
/* Cancellation (G_IO_ERROR_CANCELLED) is not a failure: normal interval. */
void         mp_scheduler_report_failure    (MpScheduler  *self,
                                             const char   *account_id,
                                             const GError *error);

/* The server's LOGIN-DELAY capability (MpCheckResult.login_delay): no check starts
 * sooner than @seconds after the previous one (0 = none). */
void         mp_scheduler_set_login_delay   (MpScheduler *self,
                                             const char  *account_id,
                                             guint        seconds);

/* Monotonic µs (clock time) of the next check-due (while in flight: of the
 * fallback), or -1 for an unknown id. */
gint64       mp_scheduler_get_next_due      (MpScheduler *self,
                                             const char  *account_id);
/* Current backoff step in µs (0 when the last check succeeded). */
gint64       mp_scheduler_get_backoff       (MpScheduler *self,
                                             const char  *account_id);
/* TRUE between check-due and the report. */
gboolean     mp_scheduler_is_in_flight      (MpScheduler *self,
                                             const char  *account_id);

/* For tests and for the UI's own detectors: what the monitors call. */
void         mp_scheduler_network_changed   (MpScheduler *self,
                                             gboolean     available);
void         mp_scheduler_resumed           (MpScheduler *self);

G_END_DECLS
