/* test-rules-state.c — the session's rules at work (src/app, no GTK), against
 * the scripted fake server: a check applies the user's rules file (delete →
 * RETR into the recycle bin, DELE, QUIT; junk → hidden and never new), the
 * activity log records and keeps the deletions, the dry run lists exactly what
 * a rule would hit, and a rules file that does not load is kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mp-error.h"
#include "mp-recycle-bin.h"
#include "app-test-util.h"

#define LOGIN MP_TEST_FAKE_LOGIN

#define RULES \
  "[rules]\nversion=1\n\n" \
  "[allow]\nsenders=friend@example.org\n\n" \
  "[rule 1]\nname=Spam by the server\nenabled=true\npreviewed=true\naction=delete\nspam-flag=true\n\n" \
  "[rule 2]\nname=Newsletters\nenabled=true\naction=junk\nsubject-contains=newsletter\n"

/* Three messages: spam (deleted by rule 1), a newsletter (junk), and spam from
 * an allowed sender (kept as it is); fetched newest first. */
#define CHECK \
  "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend 3 300\nsend .\n" \
  "expect UIDL\nsend +OK\nsend 1 uid-spam\nsend 2 uid-news\nsend 3 uid-friend\nsend .\n" \
  "expect TOP 3 0\nsend +OK\nsend From: friend@example.org\n" \
  "send Subject: hello\nsend X-Spam-Flag: YES\nsend \nsend .\n" \
  "expect TOP 2 0\nsend +OK\nsend From: news@list.example\n" \
  "send Subject: Weekly newsletter\nsend \nsend .\n" \
  "expect TOP 1 0\nsend +OK\nsend From: Spammer <bad@spam.example>\n" \
  "send Subject: cheap pills\nsend X-Spam-Flag: YES\nsend \nsend .\n"

#define DELETE \
  "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend 3 300\nsend .\n" \
  "expect UIDL\nsend +OK\nsend 1 uid-spam\nsend 2 uid-news\nsend 3 uid-friend\nsend .\n" \
  "expect RETR 1\nsend +OK\nsend From: Spammer <bad@spam.example>\n" \
  "send Subject: cheap pills\nsend X-Spam-Flag: YES\nsend \nsend buy now\nsend .\n" \
  "expect DELE 1\nsend +OK\nexpect QUIT\nsend +OK bye\n"

static void
on_check_finished (MpAccountState *state,
                   const GError   *error,
                   gpointer        data)
{
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static void
on_rules_deleted (MpRulesState   *rules,
                  MpAccountState *state,
                  guint           n,
                  gpointer        data)
{
  *(guint *) data = n;
}

static MpMessageSummary *
find_row (MpAccountState *state,
          const char     *uidl)
{
  GListModel *model = mp_account_state_get_messages (state);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);

      if (g_str_equal (mp_message_summary_get_uidl (summary), uidl))
        return g_steal_pointer (&summary);
    }
  return NULL;
}

/* A background check (no window) applies the rules file: the spam is copied
 * to the recycle bin, deleted in the account's queue (the script checks RETR
 * before DELE, then QUIT), logged and announced once; the newsletter is junk,
 * not new; the allowed sender's spam stays. */
static void
test_check_applies_rules (void)
{
  MpAppFixture f = { 0 };
  MpAccountState *state;
  MpRulesState *rules;
  gboolean finished = FALSE;
  guint deleted = 0;
  GPtrArray *entries;
  MpActivityEntry *entry;
  g_autoptr (MpMessageSummary) news = NULL;
  g_autoptr (MpMessageSummary) friend = NULL;
  g_autoptr (MpMessageSummary) spam = NULL;
  g_autoptr (MpRecycleBin) bin = NULL;
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (MpActivityLog) reread = NULL;
  g_autofree char *bin_dir = NULL;
  g_autofree char *log_path = NULL;

  if (!mp_app_fixture_start (&f, RULES, LOGIN CHECK DELETE))
    return mp_app_fixture_finish (&f);

  rules = mp_session_get_rules (f.session);
  g_assert_null (mp_rules_state_get_load_error (rules));
  g_assert_cmpuint (mp_rules_state_get_rules (rules)->rules->len, ==, 2);
  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  /* The session stays open after the check (the first check only starts from
   * an idle): the rules' delete runs in it, as in the app. */
  mp_mailbox_set_idle_timeout (mp_account_state_get_mailbox (state), MP_MAILBOX_DEFAULT_IDLE_TIMEOUT_MS);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  g_signal_connect (rules, "rules-deleted", G_CALLBACK (on_rules_deleted), &deleted);

  mp_app_run_until (&finished);
  mp_app_run_until_nonzero (&deleted);
  g_assert_cmpuint (deleted, ==, 1);

  /* The list: the spam row is gone, the newsletter is junk and not new. */
  spam = find_row (state, "uid-spam");
  news = find_row (state, "uid-news");
  friend = find_row (state, "uid-friend");
  g_assert_null (spam);
  g_assert_nonnull (news);
  g_assert_nonnull (friend);
  g_assert_true (mp_message_summary_get_junk (news));
  g_assert_false (mp_message_summary_get_is_new (news));
  {
    guint count = 0;
    guint64 size = 0;

    /* The server's listing at the check, for the overview. */
    mp_account_state_get_server_totals (state, &count, &size);
    g_assert_cmpuint (count, ==, 3);
    g_assert_cmpuint (size, ==, 600);
  }
  g_assert_false (mp_message_summary_get_junk (friend));

  /* The recycle bin keeps the whole message, named with the rule. */
  bin_dir = mp_recycle_bin_default_dir (mp_account_get_id (f.account));
  bin = mp_recycle_bin_new (bin_dir, mp_account_get_id (f.account));
  kept = mp_recycle_bin_list (bin, NULL);
  g_assert_nonnull (kept);
  g_assert_cmpuint (kept->len, ==, 1);
  g_assert_cmpstr (((MpRecycleEntry *) kept->pdata[0])->uidl, ==, "uid-spam");
  g_assert_cmpstr (((MpRecycleEntry *) kept->pdata[0])->rule, ==, "Spam by the server");

  /* The activity log has it, and so has its file. */
  entries = mp_activity_log_get_entries (mp_rules_state_get_activity (rules));
  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->subject, ==, "cheap pills");
  g_assert_cmpstr (entry->rule, ==, "Spam by the server");
  g_assert_cmpstr (entry->account, ==, "Work");
  g_assert_cmpuint (entry->size, ==, 100);
  g_assert_nonnull (strstr (entry->from, "bad@spam.example"));
  log_path = mp_activity_log_default_path ();
  reread = mp_activity_log_new (log_path);
  g_assert_cmpuint (mp_activity_log_get_entries (reread)->len, ==, 1);
  g_assert_cmpstr (((MpActivityEntry *) mp_activity_log_get_entries (reread)->pdata[0])->subject,
                   ==, "cheap pills");
  mp_app_fixture_finish (&f);
}

/* The same, with the friend's messages not allowed but made quiet by a rule
 * that comes first ("don't notify" wins over the spam rule). */
#define RULES_QUIET_FRIEND \
  "[rules]\nversion=1\n\n" \
  "[rule 0]\nname=Friends quietly\nenabled=true\naction=no-notify\nfrom-address-is=friend@example.org\n\n" \
  "[rule 1]\nname=Spam by the server\nenabled=true\npreviewed=true\naction=delete\nspam-flag=true\n\n" \
  "[rule 2]\nname=Newsletters\nenabled=true\naction=junk\nsubject-contains=newsletter\n"

#define SCAN_KNOWN \
  "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend 3 300\nsend .\n" \
  "expect UIDL\nsend +OK\nsend 1 uid-spam\nsend 2 uid-news\nsend 3 uid-friend\nsend .\n"

/* Rules saved after the rows were listed act on those rows at the next check
 * (what the dry run showed is what happens), not only on messages that check
 * sees for the first time: the check fetches no headers again (no TOP), and
 * the spam row is deleted in the same session; the allowed sender's is kept.
 * With RULES_QUIET_FRIEND the friend's row turns quiet (no notification) as
 * the newsletter turns junk: the same holds for rows listed from the header
 * cache at start, which keeps no rule's verdict. */
static void
test_saved_rules_act_on_listed_rows (gconstpointer data)
{
  const char *rules_text = data;
  MpAppFixture f = { 0 };
  MpAccountState *state;
  MpRulesState *rules;
  gboolean finished = FALSE;
  guint deleted = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (MpRuleSet) set = NULL;
  g_autoptr (MpMessageSummary) spam = NULL;
  g_autoptr (MpMessageSummary) news = NULL;
  g_autoptr (MpMessageSummary) friend = NULL;

  if (!mp_app_fixture_start (&f, NULL, LOGIN CHECK "expect QUIT\nsend +OK bye\nnext-session\n"
                      LOGIN SCAN_KNOWN DELETE))
    return mp_app_fixture_finish (&f);
  rules = mp_session_get_rules (f.session);
  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  mp_mailbox_set_idle_timeout (mp_account_state_get_mailbox (state), MP_MAILBOX_DEFAULT_IDLE_TIMEOUT_MS);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  g_signal_connect (rules, "rules-deleted", G_CALLBACK (on_rules_deleted), &deleted);
  mp_app_run_until (&finished);
  while (g_list_model_get_n_items (mp_account_state_get_messages (state)) < 3)
    g_main_context_iteration (NULL, TRUE);

  set = mp_rule_set_from_data (rules_text, strlen (rules_text), &error);
  g_assert_no_error (error);
  g_assert_true (mp_rules_state_save (rules, set, FALSE, &error));
  finished = FALSE;
  mp_account_state_check (state);
  mp_app_run_until (&finished);
  mp_app_run_until_nonzero (&deleted);
  g_assert_cmpuint (deleted, ==, 1);
  spam = find_row (state, "uid-spam");
  g_assert_null (spam);
  news = find_row (state, "uid-news");
  g_assert_nonnull (news);
  g_assert_true (mp_message_summary_get_junk (news));
  friend = find_row (state, "uid-friend");
  g_assert_nonnull (friend);
  g_assert_cmpint (mp_message_summary_get_quiet (friend), ==, strstr (rules_text, "no-notify") != NULL);
  g_assert_cmpuint (mp_activity_log_get_entries (mp_rules_state_get_activity (rules))->len, ==, 1);
  mp_app_fixture_finish (&f);
}

/* A manual delete of a message over the recycle bin's limit (every account
 * has a bin in the app) sends no DELE; the row stays out of the list, waiting,
 * and "delete-too-large" lets the window ask; agreed, it is deleted with a
 * forced copy in the same queue. */
static void
on_too_large (MpAccountState *state,
              guint           id,
              const GError   *error,
              gpointer        data)
{
  g_assert_error (error, MP_ERROR, MP_ERROR_TOO_LARGE);
  *(guint *) data = id;
}

static void
on_forced (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (GError) error = NULL;

  *(char ***) data = mp_account_state_commit_delete_finish (MP_ACCOUNT_STATE (source), result, &error);
  g_assert_no_error (error);
}

static void
test_manual_delete_too_large (void)
{
  const char *big_scan =
    "expect LIST\nsend +OK\nsend 1 100\nsend 2 60000000\nsend .\n"
    "expect UIDL\nsend +OK\nsend 1 uid-one\nsend 2 uid-two\nsend .\n";
  g_autofree char *script = g_strconcat (
    LOGIN, big_scan,
    "expect TOP 2 0\nsend +OK\nsend Subject: backup\nsend \nsend .\n"
    "expect TOP 1 0\nsend +OK\nsend Subject: one\nsend \nsend .\n",
    big_scan, "expect-eof\nnext-session\n",
    LOGIN, big_scan, "expect RETR 2\nsend +OK\nsend Subject: backup\nsend \nsend body\nsend .\n"
    "expect DELE 2\nsend +OK\nexpect QUIT\nsend +OK bye\n", NULL);
  MpAppFixture f = { 0 };
  MpAccountState *state;
  gboolean finished = FALSE;
  guint too_large = 0;
  char **deleted = NULL;
  g_autoptr (MpMessageSummary) big = NULL;
  g_autoptr (MpMessageSummary) gone = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  if (!mp_app_fixture_start (&f, NULL, script))
    return mp_app_fixture_finish (&f);
  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  /* The check's session stays open: the first delete runs in it. */
  mp_mailbox_set_idle_timeout (mp_account_state_get_mailbox (state), MP_MAILBOX_DEFAULT_IDLE_TIMEOUT_MS);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  g_signal_connect (state, "delete-too-large", G_CALLBACK (on_too_large), &too_large);
  mp_app_run_until (&finished);
  while (g_list_model_get_n_items (mp_account_state_get_messages (state)) < 2)
    g_main_context_iteration (NULL, TRUE);

  big = find_row (state, "uid-two");
  g_ptr_array_add (rows, big);
  mp_account_state_commit_delete (state, mp_account_state_delete_later (state, rows));
  mp_app_run_until_nonzero (&too_large);
  gone = find_row (state, "uid-two");
  g_assert_null (gone);
  g_assert_cmpuint (mp_account_state_get_n_pending_deletes (state), ==, 1);

  mp_account_state_commit_delete_full (state, too_large, NULL, TRUE, NULL, on_forced, &deleted);
  while (deleted == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (deleted[0], ==, "uid-two");
  g_strfreev (deleted);
  mp_app_fixture_finish (&f);
}

/* A delete rule that hits a message larger than the recycle bin keeps: the
 * other hits are deleted (before, the one big message failed the whole batch,
 * at every check), the big one is not touched (no RETR, no DELE), its row
 * stays, and "rule-held" names it and the rule so that the user is asked. */
static void
on_rule_held (MpRulesState     *rules,
              MpAccountState   *state,
              MpMessageSummary *summary,
              const char       *rule,
              gpointer          data)
{
  g_ptr_array_add (data, g_strdup_printf ("%s|%s", mp_message_summary_get_uidl (summary), rule));
}

/* Rows already pending deletion are not taken again: a second deletion of the
 * same rows takes none of them and is no deletion at all (id 0: the window then
 * shows no undo toast), and undoing the first puts each row back once. */
static void
test_delete_pending_rows_again (void)
{
  const char *scan =
    "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n"
    "expect UIDL\nsend +OK\nsend 1 uid-one\nsend 2 uid-two\nsend .\n";
  g_autofree char *script = g_strconcat (
    LOGIN, scan,
    "expect TOP 2 0\nsend +OK\nsend Subject: two\nsend \nsend .\n"
    "expect TOP 1 0\nsend +OK\nsend Subject: one\nsend \nsend .\n", NULL);
  MpAppFixture f = { 0 };
  MpAccountState *state;
  gboolean finished = FALSE;
  g_autoptr (MpMessageSummary) two = NULL;
  g_autoptr (MpMessageSummary) back = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GListModel *messages;
  guint first, second;

  if (!mp_app_fixture_start (&f, NULL, script))
    return mp_app_fixture_finish (&f);
  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  messages = mp_account_state_get_messages (state);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  mp_app_run_until (&finished);
  while (g_list_model_get_n_items (messages) < 2)
    g_main_context_iteration (NULL, TRUE);

  two = find_row (state, "uid-two");
  g_ptr_array_add (rows, two);
  first = mp_account_state_delete_later (state, rows);
  second = mp_account_state_delete_later (state, rows);
  g_assert_cmpuint (mp_account_state_get_n_pending_rows (state, first), ==, 1);
  g_assert_cmpuint (second, ==, 0);
  g_assert_cmpuint (mp_account_state_get_n_pending_rows (state, second), ==, 0);
  g_assert_cmpuint (mp_account_state_get_n_pending_deletes (state), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);

  mp_account_state_undo_delete (state, second);
  mp_account_state_undo_delete (state, first);
  while (mp_account_state_get_n_messages (state) != g_list_model_get_n_items (messages))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  back = find_row (state, "uid-two");
  g_assert_true (back == two);
  g_assert_cmpuint (mp_account_state_get_n_pending_deletes (state), ==, 0);
  mp_app_fixture_finish (&f);
}

static void
test_rule_hits_too_large (void)
{
  const char *scan =
    "expect LIST\nsend +OK\nsend 1 100\nsend 2 60000000\nsend .\n"
    "expect UIDL\nsend +OK\nsend 1 uid-spam\nsend 2 uid-huge-spam\nsend .\n";
  g_autofree char *script = g_strconcat (
    LOGIN, scan,
    "expect TOP 2 0\nsend +OK\nsend Subject: huge pills\nsend X-Spam-Flag: YES\nsend \nsend .\n"
    "expect TOP 1 0\nsend +OK\nsend Subject: cheap pills\nsend X-Spam-Flag: YES\nsend \nsend .\n",
    scan, "expect RETR 1\nsend +OK\nsend Subject: cheap pills\nsend X-Spam-Flag: YES\n"
    "send \nsend buy now\nsend .\nexpect DELE 1\nsend +OK\nexpect QUIT\nsend +OK bye\n", NULL);
  MpAppFixture f = { 0 };
  MpAccountState *state;
  gboolean finished = FALSE;
  guint deleted = 0;
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (MpMessageSummary) spam = NULL;
  g_autoptr (MpMessageSummary) huge = NULL;

  if (!mp_app_fixture_start (&f, RULES, script))
    return mp_app_fixture_finish (&f);
  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  mp_mailbox_set_idle_timeout (mp_account_state_get_mailbox (state), MP_MAILBOX_DEFAULT_IDLE_TIMEOUT_MS);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  g_signal_connect (mp_session_get_rules (f.session), "rules-deleted", G_CALLBACK (on_rules_deleted), &deleted);
  g_signal_connect (mp_session_get_rules (f.session), "rule-held", G_CALLBACK (on_rule_held), held);
  mp_app_run_until (&finished);
  mp_app_run_until_nonzero (&deleted);
  g_assert_cmpuint (deleted, ==, 1);
  g_assert_cmpuint (held->len, ==, 1);
  g_assert_cmpstr (held->pdata[0], ==, "uid-huge-spam|Spam by the server");
  spam = find_row (state, "uid-spam");
  huge = find_row (state, "uid-huge-spam");
  g_assert_null (spam);
  g_assert_nonnull (huge);
  g_assert_cmpuint (mp_account_state_get_n_pending_deletes (state), ==, 0);
  g_assert_cmpuint (mp_activity_log_get_entries (
    mp_rules_state_get_activity (mp_session_get_rules (f.session)))->len, ==, 1);
  mp_app_fixture_finish (&f);
}

/* The dry run of a rule being written: every row it would hit in the current
 * list, with the reason; allowed senders and rows an earlier rule takes are
 * not listed; a disabled, not yet previewed delete rule is tried all the same. */
static void
test_dry_run (void)
{
  MpAppFixture f = { 0 };
  MpAccountState *state;
  MpRulesState *rules;
  gboolean finished = FALSE;
  g_autoptr (MpRuleSet) set = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;
  MpRule *rule;
  MpRule *junk;
  MpDryRunHit *hit;

  if (!mp_app_fixture_start (&f, NULL, LOGIN CHECK "expect QUIT\nsend +OK bye\n"))
    return mp_app_fixture_finish (&f);
  rules = mp_session_get_rules (f.session);
  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  mp_app_run_until (&finished);
  while (g_list_model_get_n_items (mp_account_state_get_messages (state)) < 3)
    g_main_context_iteration (NULL, TRUE);

  set = mp_rule_set_new ();
  g_strfreev (set->allow_senders);
  set->allow_senders = g_strsplit ("friend@example.org", ";", -1);
  junk = mp_rule_new ("Lists", MP_RULE_ACTION_JUNK);
  junk->enabled = TRUE;
  g_assert_true (mp_rule_add_condition (junk, "from-domain-is", "list.example", &error));
  g_ptr_array_add (set->rules, junk);
  rule = mp_rule_new ("Everything example", MP_RULE_ACTION_DELETE);
  g_assert_true (mp_rule_add_condition (rule, "from-domain-ends-with", "example", &error));
  g_assert_no_error (error);
  g_ptr_array_add (set->rules, rule);
  g_assert_false (rule->enabled);

  hits = mp_rules_state_dry_run (rules, set, rule);
  g_assert_cmpuint (hits->len, ==, 1);
  hit = hits->pdata[0];
  g_assert_cmpstr (mp_message_summary_get_uidl (hit->summary), ==, "uid-spam");
  g_assert_true (hit->state == state);
  g_assert_nonnull (strstr (hit->reason, "example"));

  /* The junk rule itself hits the list's newsletter. */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = mp_rules_state_dry_run (rules, set, junk);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (mp_message_summary_get_uidl (((MpDryRunHit *) hits->pdata[0])->summary),
                   ==, "uid-news");
  mp_app_fixture_finish (&f);
}

/* A rules file that does not load is kept as it is: no rule acts, the error
 * says why, a save refuses to overwrite it; replacing keeps the old file
 * beside the new one.  A saved set is in force at once. */
static void
test_unreadable_file_kept (void)
{
  MpAppFixture f = { 0 };
  MpRulesState *rules;
  g_autoptr (MpRuleSet) set = mp_rule_set_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GDir) listing = NULL;
  const char *name;
  gboolean kept_aside = FALSE;
  const char *newer = "[rules]\nversion=99\n";

  gboolean finished = FALSE;

  if (!mp_app_fixture_start (&f, newer, LOGIN "expect LIST\nsend +OK\nsend .\n"
                      "expect UIDL\nsend +OK\nsend .\nexpect QUIT\nsend +OK bye\n"))
    return mp_app_fixture_finish (&f);
  g_signal_connect (mp_session_lookup (f.session, mp_account_get_id (f.account)), "check-finished",
                    G_CALLBACK (on_check_finished), &finished);
  mp_app_run_until (&finished);
  rules = mp_session_get_rules (f.session);
  g_assert_error (mp_rules_state_get_load_error (rules), MP_ERROR, MP_ERROR_CONFIG);
  g_assert_cmpuint (mp_rules_state_get_rules (rules)->rules->len, ==, 0);

  g_ptr_array_add (set->rules, mp_rule_new ("Big", MP_RULE_ACTION_JUNK));
  g_assert_false (mp_rules_state_save (rules, set, FALSE, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
  path = g_strdup (mp_rules_state_get_path (rules));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, newer);

  g_clear_error (&error);
  g_assert_true (mp_rules_state_save (rules, set, TRUE, &error));
  g_assert_no_error (error);
  g_assert_null (mp_rules_state_get_load_error (rules));
  g_assert_true (mp_rules_state_get_rules (rules) == set);
  dir = g_path_get_dirname (path);
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "rules.conf.unreadable-"))
      {
        g_autofree char *old_path = g_build_filename (dir, name, NULL);
        g_autofree char *old = NULL;

        g_assert_true (g_file_get_contents (old_path, &old, NULL, NULL));
        g_assert_cmpstr (old, ==, newer);
        kept_aside = TRUE;
      }
  g_assert_true (kept_aside);
  mp_app_fixture_finish (&f);
}

/* The log keeps the last MP_ACTIVITY_LOG_MAX entries, in its file too. */
static void
test_activity_log_bounded (void)
{
  g_autofree char *home = mp_test_make_tmp_home ();
  g_autofree char *path = g_build_filename (home, "activity.log", NULL);
  g_autoptr (MpActivityLog) log = mp_activity_log_new (path);
  g_autoptr (MpActivityLog) reread = NULL;
  MpActivityEntry *first;

  for (guint i = 0; i < MP_ACTIVITY_LOG_MAX + 10; i++)
    {
      MpActivityEntry *entry = g_new0 (MpActivityEntry, 1);

      entry->account = g_strdup ("Work");
      entry->from = g_strdup ("a@b.example");
      entry->subject = g_strdup_printf ("message %u", i);
      entry->rule = g_strdup ("Rule; with = odd\ncharacters");
      entry->size = i;
      entry->time = g_date_time_new_now_local ();
      mp_activity_log_add (log, entry);
    }
  g_assert_cmpuint (mp_activity_log_get_entries (log)->len, ==, MP_ACTIVITY_LOG_MAX);
  reread = mp_activity_log_new (path);
  g_assert_cmpuint (mp_activity_log_get_entries (reread)->len, ==, MP_ACTIVITY_LOG_MAX);
  first = mp_activity_log_get_entries (reread)->pdata[0];
  g_assert_cmpstr (first->subject, ==, "message 10");
  g_assert_cmpstr (first->rule, ==, "Rule; with = odd\ncharacters");
  mp_test_rm_rf (home);
}

int
main (int argc, char *argv[])
{
  /* Each case in XDG dirs of its own: GLib keeps the first config dir it was
   * asked for, so the fixture's fresh HOME alone would leave a rules file one
   * case saved to the next. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/rules-state/check-applies-rules", test_check_applies_rules);
  g_test_add_func ("/rules-state/dry-run", test_dry_run);
  g_test_add_func ("/rules-state/manual-delete-too-large", test_manual_delete_too_large);
  g_test_add_func ("/rules-state/rule-hits-too-large", test_rule_hits_too_large);
  g_test_add_func ("/rules-state/delete-pending-rows-again", test_delete_pending_rows_again);
  g_test_add_data_func ("/rules-state/saved-rules-act-on-listed-rows", RULES,
                        test_saved_rules_act_on_listed_rows);
  g_test_add_data_func ("/rules-state/saved-rules-quiet-listed-rows", RULES_QUIET_FRIEND,
                        test_saved_rules_act_on_listed_rows);
  g_test_add_func ("/rules-state/unreadable-file-kept", test_unreadable_file_kept);
  g_test_add_func ("/rules-state/activity-log-bounded", test_activity_log_bounded);
  return g_test_run ();
}
