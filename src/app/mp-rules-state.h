/* mp-rules-state.h — the user's rules at work in the running application.
 *
 * One per MpSession.  Loads the rules file (mp_rules_default_path()) and hands
 * it to every account's mailbox, so every check — with or without a window —
 * evaluates it on the worker; sets each mailbox's recycle bin
 * (mp_recycle_bin_default_dir()); sends the deletions a check's delete rules
 * found through the account's one queue (recycled first, committed on QUIT's
 * +OK) and writes them to the activity log; purges recycle-bin copies older
 * than the retention at start and daily.  Also computes the Rules dialog's dry
 * run from every account's current list.
 *
 * A rules file that does not load (corrupt, newer version) is kept as it is:
 * no rule acts, load_error says why, and saving refuses to overwrite it until
 * the user chose to (mp_rules_state_save with @replace).
 *
 * GTK-free.  Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-account-state.h"
#include "mp-activity-log.h"
#include "mp-rules.h"

G_BEGIN_DECLS

typedef struct _MpSession MpSession;

/* One message a rule would act on (the dry run). */
typedef struct {
  MpAccountState   *state;    /* owned ref */
  MpMessageSummary *summary;  /* owned ref */
  char             *reason;   /* owned */
} MpDryRunHit;

void mp_dry_run_hit_free (MpDryRunHit *hit);

#define MP_TYPE_RULES_STATE (mp_rules_state_get_type ())
G_DECLARE_FINAL_TYPE (MpRulesState, mp_rules_state, MP, RULES_STATE, GObject)

/* @session is not referenced (it owns this object).  @rules_path, @log_path:
 * NULL for the defaults. */
MpRulesState   *mp_rules_state_new            (MpSession    *session,
                                               const char   *rules_path,
                                               const char   *log_path);
/* The rules in force (borrowed; never NULL: empty when the file failed). */
MpRuleSet      *mp_rules_state_get_rules      (MpRulesState *self);
const char     *mp_rules_state_get_path       (MpRulesState *self);
/* Why the file did not load, or NULL. */
const GError   *mp_rules_state_get_load_error (MpRulesState *self);
/* Writes @rules to the file and puts them in force for every account's next
 * check ("changed").  Refuses to replace a file that does not load unless
 * @replace. */
gboolean        mp_rules_state_save           (MpRulesState *self,
                                               MpRuleSet    *rules,
                                               gboolean      replace,
                                               GError      **error);
MpActivityLog  *mp_rules_state_get_activity   (MpRulesState *self);

/* Days a recycle-bin copy is kept ("retention-days", default 30; the
 * application binds it to GSettings).  Setting it purges. */
guint           mp_rules_state_get_retention_days (MpRulesState *self);
void            mp_rules_state_set_retention_days (MpRulesState *self,
                                                   guint         days);
/* Removes expired copies from every bin now (on a worker); the result is the
 * number removed (mp_rules_state_purge_finish). */
void            mp_rules_state_purge_async    (MpRulesState        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
guint           mp_rules_state_purge_finish   (MpRulesState  *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* The dry run of @rule, placed in @rules (it may be a rule being edited, not
 * in @rules: then as if last): every message in the current lists of every
 * account it would act on — not allowed, not taken by an earlier enabled
 * rule — with the reason.  @rule is tried even when disabled.  Returns
 * MpDryRunHit (owned). */
GPtrArray      *mp_rules_state_dry_run        (MpRulesState *self,
                                               MpRuleSet    *rules,
                                               const MpRule *rule);

G_END_DECLS
