/* mp-activity-log.c — the rules' activity log and its file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <errno.h>

#include "mp-activity-log.h"

struct _MpActivityLog
{
  GObject    parent_instance;

  char      *path;      /* owned */
  GPtrArray *entries;   /* owned, of MpActivityEntry, oldest first */
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpActivityLog, mp_activity_log, G_TYPE_OBJECT)

void
mp_activity_entry_free (MpActivityEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->account);
  g_free (entry->from);
  g_free (entry->subject);
  g_free (entry->rule);
  g_clear_pointer (&entry->time, g_date_time_unref);
  g_free (entry);
}

char *
mp_activity_log_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "mailpeek", "activity.log", NULL);
}

static char *
get_string (GKeyFile   *kf,
            const char *group,
            const char *key)
{
  char *value = g_key_file_get_string (kf, group, key, NULL);

  return value ? value : g_strdup ("");
}

static void
load (MpActivityLog *self)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_auto (GStrv) groups = NULL;

  if (!g_key_file_load_from_file (kf, self->path, G_KEY_FILE_NONE, NULL))
    return;
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      MpActivityEntry *entry;
      gint64 when = g_key_file_get_int64 (kf, groups[i], "time", NULL);

      if (when <= 0)
        continue;
      entry = g_new0 (MpActivityEntry, 1);
      entry->account = get_string (kf, groups[i], "account");
      entry->from = get_string (kf, groups[i], "from");
      entry->subject = get_string (kf, groups[i], "subject");
      entry->rule = get_string (kf, groups[i], "rule");
      entry->size = g_key_file_get_uint64 (kf, groups[i], "size", NULL);
      entry->time = g_date_time_new_from_unix_local (when);
      g_ptr_array_add (self->entries, entry);
    }
  if (self->entries->len > MP_ACTIVITY_LOG_MAX)
    g_ptr_array_remove_range (self->entries, 0, self->entries->len - MP_ACTIVITY_LOG_MAX);
}

static void
save (MpActivityLog *self)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);

  for (guint i = 0; i < self->entries->len; i++)
    {
      MpActivityEntry *entry = g_ptr_array_index (self->entries, i);
      g_autofree char *group = g_strdup_printf ("entry %u", i + 1);

      g_key_file_set_string (kf, group, "account", entry->account);
      g_key_file_set_string (kf, group, "from", entry->from);
      g_key_file_set_string (kf, group, "subject", entry->subject);
      g_key_file_set_string (kf, group, "rule", entry->rule);
      g_key_file_set_uint64 (kf, group, "size", entry->size);
      g_key_file_set_int64 (kf, group, "time", g_date_time_to_unix (entry->time));
    }
  /* The log is a convenience: a failure to write it is logged, never fatal. */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_key_file_save_to_file (kf, self->path, &error))
    g_warning ("Could not save the activity log %s: %s", self->path,
               error ? error->message : g_strerror (errno));
}

GPtrArray *
mp_activity_log_get_entries (MpActivityLog *self)
{
  g_return_val_if_fail (MP_IS_ACTIVITY_LOG (self), NULL);
  return self->entries;
}

void
mp_activity_log_add (MpActivityLog   *self,
                     MpActivityEntry *entry)
{
  g_return_if_fail (MP_IS_ACTIVITY_LOG (self));
  g_return_if_fail (entry != NULL && entry->time != NULL);

  g_ptr_array_add (self->entries, entry);
  if (self->entries->len > MP_ACTIVITY_LOG_MAX)
    g_ptr_array_remove_range (self->entries, 0, self->entries->len - MP_ACTIVITY_LOG_MAX);
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
mp_activity_log_clear (MpActivityLog *self)
{
  g_return_if_fail (MP_IS_ACTIVITY_LOG (self));

  g_ptr_array_set_size (self->entries, 0);
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
mp_activity_log_finalize (GObject *object)
{
  MpActivityLog *self = MP_ACTIVITY_LOG (object);

  g_free (self->path);
  g_ptr_array_unref (self->entries);
  G_OBJECT_CLASS (mp_activity_log_parent_class)->finalize (object);
}

static void
mp_activity_log_class_init (MpActivityLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_activity_log_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mp_activity_log_init (MpActivityLog *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_activity_entry_free);
}

MpActivityLog *
mp_activity_log_new (const char *path)
{
  MpActivityLog *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MP_TYPE_ACTIVITY_LOG, NULL);
  self->path = g_strdup (path);
  load (self);
  return self;
}
