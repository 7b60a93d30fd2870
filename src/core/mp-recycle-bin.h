/* mp-recycle-bin.h — deleted messages kept locally for a while (a Maildir)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Before a DELE the message is fetched (RETR) and stored here; if that fails
 * nothing may be deleted (mp_recycle_bin_keep_sync returns FALSE and the caller
 * sends no DELE).  One bin per account, a Maildir under
 * g_get_user_data_dir()/mailpeek/recycle/<account>/: each message is written to
 * tmp/, fsynced, then renamed into cur/ (the directory fsynced too); what a
 * listing shows (account, UIDL, time of deletion, rule or "manual", sender,
 * subject, size) is in meta/<unique name>, a key file written before the
 * message.  Plain struct; one bin must not be used from two threads at once.
 */
#pragma once

#include <gio/gio.h>

#include "mp-pop3-session.h"

G_BEGIN_DECLS

#define MP_RECYCLE_BIN_DEFAULT_MAX_SIZE (50 * 1024 * 1024)
#define MP_RECYCLE_BIN_DEFAULT_RETENTION_DAYS 30

typedef struct _MpRecycleBin MpRecycleBin;

typedef struct {
  char      *id;          /* owned; the Maildir unique name */
  char      *account;     /* owned */
  char      *uidl;        /* owned */
  char      *rule;        /* owned; the rule's name, or "manual" */
  char      *from;        /* owned */
  char      *subject;     /* owned */
  guint64    size;        /* octets stored */
  GDateTime *deleted;     /* owned, UTC */
} MpRecycleEntry;

void            mp_recycle_entry_free          (MpRecycleEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpRecycleEntry, mp_recycle_entry_free)

/* @dir: the account's bin (created when first stored to). */
MpRecycleBin   *mp_recycle_bin_new             (const char   *dir,
                                                const char   *account);
void            mp_recycle_bin_free            (MpRecycleBin *bin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpRecycleBin, mp_recycle_bin_free)
/* The default directory of @account's bin (owned). */
char           *mp_recycle_bin_default_dir     (const char   *account);
const char     *mp_recycle_bin_get_dir         (MpRecycleBin *bin);
/* 0 = no limit. */
void            mp_recycle_bin_set_max_size    (MpRecycleBin *bin,
                                                guint64       max_size);
void            mp_recycle_bin_set_retention_days (MpRecycleBin *bin,
                                                guint         days);

/* Stores one message (its bytes as RETR gave them) and its listing data.
 * G_IO_ERROR (from errno: NO_SPACE, PERMISSION_DENIED, …) when it could not be
 * written durably; nothing is left behind then. */
gboolean        mp_recycle_bin_store           (MpRecycleBin *bin,
                                                GBytes       *message,
                                                const char   *uidl,
                                                const char   *rule,
                                                char        **id_out,
                                                GError      **error);
/* Newest first. */
GPtrArray      *mp_recycle_bin_list            (MpRecycleBin *bin,
                                                GError      **error);
GBytes         *mp_recycle_bin_read            (MpRecycleBin *bin,
                                                const char   *id,
                                                GError      **error);
/* Removes what was deleted more than the retention time before @now (NULL:
 * the current time); returns how many messages went. */
guint           mp_recycle_bin_purge           (MpRecycleBin *bin,
                                                GDateTime    *now,
                                                GError      **error);

/* The step before DELE, in the caller's session: RETR each of @numbers and
 * store it (@uidls and @rules, parallel arrays; a NULL @rules means "manual").
 * A message over the size limit is refused (MP_ERROR_TOO_LARGE) unless
 * @force_large.  Returns FALSE at the first failure: the caller must then send
 * no DELE at all (copies already stored stay in the bin; the messages are
 * still on the server).  Runs in the caller's thread (blocking). */
gboolean        mp_recycle_bin_keep_sync       (MpRecycleBin       *bin,
                                                MpPop3Session      *session,
                                                const guint        *numbers,
                                                const guint64      *sizes,
                                                const char * const *uidls,
                                                const char * const *rules,
                                                guint               n,
                                                gboolean            force_large,
                                                GCancellable       *cancellable,
                                                GError            **error);

G_END_DECLS
