/* mp-scheduler.c — per-account timers with jitter, backoff and wake-up triggers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-scheduler.h"

#include "mp-error.h"

#define JITTER 0.10

typedef struct {
  MpScheduler *scheduler;      /* unowned back pointer */
  char        *id;             /* owned */
  guint        interval_min;
  gint64       backoff_us;     /* 0 after a success */
  gint64       not_before;     /* LOGIN-DELAY floor, clock µs (0 = none) */
  gint64       login_delay_us; /* server's LOGIN-DELAY capability */
  gint64       next_due;
  guint        timer_id;
  gboolean     in_flight;
} Entry;

struct _MpScheduler
{
  GObject          parent_instance;

  MpClock         *clock;          /* unowned */
  GRand           *rand;           /* owned */
  GHashTable      *entries;        /* id → owned Entry */
  gboolean         network_available;

  GNetworkMonitor *monitor;        /* owned, nullable */
  gulong           monitor_handler;
  GCancellable    *cancellable;    /* owned: system bus lookup */
  GDBusConnection *system_bus;     /* owned, nullable */
  guint            sleep_subscription;
};

G_DEFINE_FINAL_TYPE (MpScheduler, mp_scheduler, G_TYPE_OBJECT)

enum {
  SIGNAL_CHECK_DUE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_cancel_timer (Entry *entry)
{
  if (entry->timer_id != 0)
    {
      entry->scheduler->clock->remove_timeout (entry->scheduler->clock, entry->timer_id);
      entry->timer_id = 0;
    }
}

static void
entry_free (Entry *entry)
{
  entry_cancel_timer (entry);
  g_free (entry->id);
  g_free (entry);
}

static gboolean on_due (gpointer data);

static void
entry_schedule (Entry  *entry,
                gint64  delay_us)
{
  MpScheduler *self = entry->scheduler;
  gint64 now = mp_clock_now (self->clock);

  entry_cancel_timer (entry);
  if (now + delay_us < entry->not_before)
    delay_us = entry->not_before - now;
  delay_us = MAX (delay_us, 0);
  entry->next_due = now + delay_us;
  entry->timer_id = self->clock->add_timeout (self->clock, delay_us, on_due, entry);
}

static gint64
jittered_interval (MpScheduler *self,
                   Entry       *entry)
{
  gint64 base = (gint64) entry->interval_min * 60 * G_USEC_PER_SEC;
  double factor = 1.0 + g_rand_double_range (self->rand, -JITTER, JITTER);

  return MAX ((gint64) (base * factor), entry->login_delay_us);
}

static gboolean
on_due (gpointer data)
{
  Entry *entry = data;
  MpScheduler *self = entry->scheduler;
  g_autofree char *id = g_strdup (entry->id);

  entry->timer_id = 0;
  entry->in_flight = TRUE;
  /* Fallback in case the receiver never reports (or nobody listens). */
  entry_schedule (entry, jittered_interval (self, entry));

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CHECK_DUE], 0, id);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static Entry *
lookup (MpScheduler *self,
        const char  *id)
{
  return id != NULL ? g_hash_table_lookup (self->entries, id) : NULL;
}

void
mp_scheduler_add_account (MpScheduler *self,
                          const char  *account_id,
                          guint        interval_minutes,
                          gint64       first_delay_us)
{
  Entry *entry;

  g_return_if_fail (MP_IS_SCHEDULER (self));
  g_return_if_fail (account_id != NULL);

  entry = lookup (self, account_id);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->scheduler = self;
      entry->id = g_strdup (account_id);
      g_hash_table_insert (self->entries, entry->id, entry);
    }
  entry->interval_min = MAX (interval_minutes, 1);
  entry_schedule (entry, first_delay_us);
}

void
mp_scheduler_set_interval (MpScheduler *self,
                           const char  *account_id,
                           guint        interval_minutes)
{
  Entry *entry;

  g_return_if_fail (MP_IS_SCHEDULER (self));
  entry = lookup (self, account_id);
  if (entry == NULL || entry->interval_min == MAX (interval_minutes, 1))
    return;
  entry->interval_min = MAX (interval_minutes, 1);
  /* A pending normal wait is re-timed; a backoff or a running check keeps its own. */
  if (!entry->in_flight && entry->backoff_us == 0)
    entry_schedule (entry, jittered_interval (self, entry));
}

void
mp_scheduler_remove_account (MpScheduler *self,
                             const char  *account_id)
{
  g_return_if_fail (MP_IS_SCHEDULER (self));
  if (account_id != NULL)
    g_hash_table_remove (self->entries, account_id);
}

void
mp_scheduler_set_login_delay (MpScheduler *self,
                              const char  *account_id,
                              guint        seconds)
{
  Entry *entry;

  g_return_if_fail (MP_IS_SCHEDULER (self));
  entry = lookup (self, account_id);
  if (entry != NULL)
    entry->login_delay_us = (gint64) seconds * G_USEC_PER_SEC;
}

static void
check_now_entry (Entry *entry)
{
  if (entry->in_flight)
    return;  /* one is already running; its report schedules the next */
  entry_schedule (entry, 0);
}

void
mp_scheduler_check_now (MpScheduler *self,
                        const char  *account_id)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (MP_IS_SCHEDULER (self));

  if (account_id != NULL)
    {
      Entry *entry = lookup (self, account_id);
      if (entry != NULL)
        check_now_entry (entry);
      return;
    }
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    check_now_entry (value);
}

static void
note_login (MpScheduler *self,
            Entry       *entry)
{
  if (entry->login_delay_us > 0)
    entry->not_before = MAX (entry->not_before,
                             mp_clock_now (self->clock) + entry->login_delay_us);
}

void
mp_scheduler_report_success (MpScheduler *self,
                             const char  *account_id)
{
  Entry *entry;

  g_return_if_fail (MP_IS_SCHEDULER (self));
  entry = lookup (self, account_id);
  if (entry == NULL)
    return;
  entry->in_flight = FALSE;
  entry->backoff_us = 0;
  note_login (self, entry);
  entry_schedule (entry, jittered_interval (self, entry));
}

void
mp_scheduler_report_failure (MpScheduler  *self,
                             const char   *account_id,
                             const GError *error)
{
  Entry *entry;
  guint retry_after;

  g_return_if_fail (MP_IS_SCHEDULER (self));
  g_return_if_fail (error != NULL);
  entry = lookup (self, account_id);
  if (entry == NULL)
    return;
  entry->in_flight = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      entry_schedule (entry, entry->backoff_us > 0 ? entry->backoff_us
                                                   : jittered_interval (self, entry));
      return;
    }

  if (entry->backoff_us == 0)
    entry->backoff_us = MP_SCHEDULER_BACKOFF_MIN_US;
  else
    entry->backoff_us = MIN (entry->backoff_us * 2, MP_SCHEDULER_BACKOFF_MAX_US);

  retry_after = mp_error_get_retry_after (error);
  if (retry_after > 0)
    entry->not_before = MAX (entry->not_before, mp_clock_now (self->clock) +
                                                (gint64) retry_after * G_USEC_PER_SEC);
  entry_schedule (entry, entry->backoff_us);
}

gint64
mp_scheduler_get_next_due (MpScheduler *self,
                           const char  *account_id)
{
  Entry *entry;

  g_return_val_if_fail (MP_IS_SCHEDULER (self), -1);
  entry = lookup (self, account_id);
  return entry != NULL && entry->timer_id != 0 ? entry->next_due : -1;
}

gint64
mp_scheduler_get_backoff (MpScheduler *self,
                          const char  *account_id)
{
  Entry *entry;

  g_return_val_if_fail (MP_IS_SCHEDULER (self), 0);
  entry = lookup (self, account_id);
  return entry != NULL ? entry->backoff_us : 0;
}

gboolean
mp_scheduler_is_in_flight (MpScheduler *self,
                           const char  *account_id)
{
  Entry *entry;

  g_return_val_if_fail (MP_IS_SCHEDULER (self), FALSE);
  entry = lookup (self, account_id);
  return entry != NULL && entry->in_flight;
}

void
mp_scheduler_network_changed (MpScheduler *self,
                              gboolean     available)
{
  gboolean was = self->network_available;

  g_return_if_fail (MP_IS_SCHEDULER (self));
  self->network_available = available;
  /* "network-changed" fires for every route change; only coming back matters. */
  if (available && !was)
    mp_scheduler_check_now (self, NULL);
}

void
mp_scheduler_resumed (MpScheduler *self)
{
  g_return_if_fail (MP_IS_SCHEDULER (self));
  mp_scheduler_check_now (self, NULL);
}

/* ---- system triggers ---- */

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  mp_scheduler_network_changed (MP_SCHEDULER (user_data), available);
}

static void
on_prepare_for_sleep (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean going_to_sleep;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep)
    mp_scheduler_resumed (MP_SCHEDULER (user_data));
}

static void
got_system_bus (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(MpScheduler) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  g_weak_ref_clear (weak);
  g_free (weak);

  if (bus == NULL)
    {
      /* No system bus (container, CI): resume detection is simply off. */
      g_debug ("No system bus, not watching for resume: %s", error->message);
      return;
    }
  if (self == NULL)
    return;
  self->system_bus = g_steal_pointer (&bus);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (self->system_bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager",
                                        "PrepareForSleep", "/org/freedesktop/login1",
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prepare_for_sleep, self, NULL);
}

static void
watch_system (MpScheduler *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->monitor);
  self->monitor_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (on_network_changed), self);

  g_weak_ref_init (weak, self);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, got_system_bus, weak);
}

static void
mp_scheduler_dispose (GObject *object)
{
  MpScheduler *self = MP_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_clear_object (&self->monitor);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  g_hash_table_remove_all (self->entries);

  G_OBJECT_CLASS (mp_scheduler_parent_class)->dispose (object);
}

static void
mp_scheduler_finalize (GObject *object)
{
  MpScheduler *self = MP_SCHEDULER (object);

  g_hash_table_unref (self->entries);
  g_rand_free (self->rand);
  g_object_unref (self->cancellable);
  G_OBJECT_CLASS (mp_scheduler_parent_class)->finalize (object);
}

static void
mp_scheduler_class_init (MpSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_scheduler_dispose;
  object_class->finalize = mp_scheduler_finalize;

  /**
   * MpScheduler::check-due:
   * @account_id: the account whose check is due
   */
  signals[SIGNAL_CHECK_DUE] =
    g_signal_new ("check-due", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mp_scheduler_init (MpScheduler *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) entry_free);
  self->cancellable = g_cancellable_new ();
  self->network_available = TRUE;
}

MpScheduler *
mp_scheduler_new (MpClock  *clock,
                  guint32   seed,
                  gboolean  watch_system_events)
{
  MpScheduler *self = g_object_new (MP_TYPE_SCHEDULER, NULL);

  self->clock = clock != NULL ? clock : mp_clock_get_system ();
  self->rand = g_rand_new_with_seed (seed);
  if (watch_system_events)
    watch_system (self);
  return self;
}
