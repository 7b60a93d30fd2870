/* mp-activity-log.h — what rules did: "Deleted by rules" with sender, subject,
 * size, rule and time, newest last.
 *
 * Kept in a small key file (g_get_user_data_dir()/mailpeek/activity.log by
 * default), bounded to the last MP_ACTIVITY_LOG_MAX entries; written after
 * every change, atomically.  GTK-free.  Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MP_ACTIVITY_LOG_MAX 500

typedef struct {
  char      *account;     /* owned: the account's name as it was then */
  char      *from;        /* owned */
  char      *subject;     /* owned */
  guint64    size;        /* octets */
  char      *rule;        /* owned: the rule's name */
  GDateTime *time;        /* owned, local */
} MpActivityEntry;

void             mp_activity_entry_free (MpActivityEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpActivityEntry, mp_activity_entry_free)

#define MP_TYPE_ACTIVITY_LOG (mp_activity_log_get_type ())
G_DECLARE_FINAL_TYPE (MpActivityLog, mp_activity_log, MP, ACTIVITY_LOG, GObject)

/* Reads @path (a missing or unreadable file is an empty log: the log is a
 * convenience, never a reason to stop). */
MpActivityLog   *mp_activity_log_new         (const char      *path);
/* g_get_user_data_dir()/mailpeek/activity.log (owned). */
char            *mp_activity_log_default_path (void);
/* MpActivityEntry, oldest first (borrowed). */
GPtrArray       *mp_activity_log_get_entries (MpActivityLog   *self);
/* Takes @entry; drops the oldest beyond the bound, saves, emits "changed". */
void             mp_activity_log_add         (MpActivityLog   *self,
                                              MpActivityEntry *entry);
void             mp_activity_log_clear       (MpActivityLog   *self);

G_END_DECLS
