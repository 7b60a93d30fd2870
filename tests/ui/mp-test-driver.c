/* mp-test-driver.c — see mp-test-driver.h.
 *
 * Commands (one per line, '#' comments):
 *   wait-drawn [timeout_s]        until the window is mapped and has drawn frames
 *   wait-idle [timeout_s]         until the current account is not checking, has
 *                                 finished at least one check and all rows are in
 *   wait-progress N [timeout_s]   until a check (running, or ended since) reports ≥ N headers fetched
 *   rows                          dump the rows the column view shows (once the
 *                                 incremental filter/sort models are done)
 *   wait-rows N [timeout_s]       until ≥ N rows are shown (cached rows too) and the
 *                                 list models are done; waited_ms + state
 *   wait-settled [timeout_s]      until those models are done (no dump)
 *   select INDEX | select-subject TEXT | select-all
 *   select-add-subject TEXT       add a row to the selection (Ctrl+click)
 *   sort COLUMN asc|desc          sort as a click on a column header does
 *   wait-preview [timeout_s]      until the preview shows text or an error
 *   action NAME                   activate win.NAME
 *   wait-dialog [timeout_s]       until the delete confirmation is shown
 *   respond ID                    answer the delete confirmation
 *   undo                          click the toast's Undo button
 *   wait-delete [timeout_s]       until the delete job reported success or failure
 *   filter TEXT                   type TEXT in the filter entry
 *   status                        status line and error banner
 *   heartbeat-start / heartbeat-report   main-loop gap measurement (mp-test-heartbeat.c)
 *   stop-measure [timeout_s]      activate win.stop, time until the check ended
 *   scroll-end                    scroll the list to its last row
 *   scroll-pos                    the list's vertical scroll position (value, lower,
 *                                 upper, page size in pixels)
 *   bold-rows                     the rows drawn bold (new messages): each row
 *                                 widget with the mp-new class, as its cells' texts
 *   dialog-set FIELD VALUE        type into the open account dialog
 *   dialog-click test|save|cancel click a button of the account dialog
 *   wait-test-result [timeout_s]  until "Test connection" has an answer
 *   accounts                      the accounts in the sidebar, each with its state,
 *                                 message count and error
 *   windows                       titles of the open windows (dialogs)
 *   close-dialogs                 close every window but the main one
 *   next-due                      seconds until the current account's next scheduled check
 *   app-action NAME               activate app.NAME as a menu item does (toggles a
 *                                 boolean stateful action)
 *   menu                          the main menu's items: label, action, whether the
 *                                 action exists, and its boolean state if it has one
 *   animations off                no transitions (leaflet pages switch at once)
 *   layout                        window size, folded leaflets, the message page, the
 *                                 back button, list/preview widths, column headers
 *   resize W H                    resize the window (as dragging its border does)
 *   open-row                      open the selected row as Enter does
 *   back                          click the content header's back button
 *   set-divider W                 move the list/preview divider: the preview W px wide
 *   close-window                  close the main window as its close button does
 *                                 (the script goes on while the app runs)
 *
 * Commands that need no window (the application's MpSession; the others report
 * "no window" while none is open, and use the new one once it is):
 *   session-wait-idle [timeout_s] until no account is checking and each has checked
 *                                 (or failed) at least once; the first account's state
 *   session-check                 check every account (as the tray's Check Now)
 *   scheduled-check               make every account's scheduled check due now
 *   wait-window-gone [timeout_s]  until the closed main window is finalized
 *   wait-file PATH [timeout_s]    until PATH exists (the test did something outside:
 *                                 delivered mail, looked at the notification daemon)
 *   open-window                   open the main window (as the tray's Open does);
 *                                 its current account's state and rows at once
 *   screenshot PATH | sleep MS | quit
 *
 * Rules (mp-test-rules.c; the Rules dialog must be open for rules-*):
 *   rules-add NAME | rules-cond LABEL|VALUE | rules-action LABEL | rules-enable
 *   rules-save | rules-dry-run (its title, rows and the list of rules)
 *   activity                      the activity log's entries
 *   wait-activity N [timeout_s]   until the activity log has ≥ N entries
 *   recycle-rows                  the open Recycle Bin's rows
 *   recycle-open N                select the Recycle Bin's row N and click
 *                                 "Open in Mail Program"
 *   recycle-save N                select row N and click "Save as .eml…"
 *   save-as NAME                  in the open Save dialog: type NAME, press Save
 *                                 (the file the dialog chose: path)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp-test-driver.h"
#include "mp-account-dialog.h"
#include "mp-test-heartbeat.h"
#include "mp-test-json.h"
#include "mp-test-rules.h"
#include "mp-test-window.h"

typedef struct _Driver Driver;
typedef gboolean (*Predicate) (Driver *d);
typedef void (*Finish) (Driver *d, gboolean ok);

struct _Driver
{
  MpApplication *app;             /* unowned: the driver lives until its shutdown */
  MpWindow      *window;          /* weak */
  gboolean       needs_window;    /* the wait ends when the window goes */
  char         **lines;           /* owned */
  guint          pc;
  FILE          *out;
  char          *out_dir;         /* owned */

  Predicate      predicate;
  Finish         finish;
  gint64         deadline;
  guint          poll_id;
  guint          wait_count;      /* wait-activity */
  char          *cmd;             /* owned; command being waited for */
  gint64         started;

  MpAccountState *watched;         /* weak; mailbox whose signals we count */
  guint          checks_finished;
  guint          checks_at_wait;
  guint          deletes_done;
  guint          deletes_at_wait;
  guint          last_delete_n;
  char          *last_delete_error; /* owned */
  guint          progress_target;
  char          *wait_path;       /* owned; wait-file's PATH */

  gint64         stop_started;
  MpTestHeartbeat *heartbeat;     /* owned */
};

static void run_next (Driver *d);

/* ---------------------------------------------------------------- output */

static void
emit (Driver  *d,
      GString *s)
{
  g_string_append (s, "}\n");
  fputs (s->str, d->out);
  fflush (d->out);
  g_string_free (s, TRUE);
}

static void
emit_error (Driver     *d,
            const char *cmd,
            const char *message)
{
  GString *s = mp_test_json_begin (cmd);
  mp_test_json_add_str (s, "error", message);
  emit (d, s);
}

/* ---------------------------------------------------------------- waiting */

static gboolean
poll_cb (gpointer user_data)
{
  Driver *d = user_data;

  if (d->needs_window && !d->window)
    return G_SOURCE_REMOVE;
  if (d->predicate (d))
    {
      d->poll_id = 0;
      d->finish (d, TRUE);
      run_next (d);
      return G_SOURCE_REMOVE;
    }
  if (g_get_monotonic_time () > d->deadline)
    {
      d->poll_id = 0;
      d->finish (d, FALSE);
      run_next (d);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
wait_for (Driver     *d,
          Predicate   predicate,
          Finish      finish,
          const char *timeout_arg,
          double      default_timeout_s)
{
  double timeout = timeout_arg && *timeout_arg ? g_ascii_strtod (timeout_arg, NULL) : default_timeout_s;

  d->predicate = predicate;
  d->finish = finish;
  d->needs_window = TRUE;
  d->started = g_get_monotonic_time ();
  d->deadline = d->started + (gint64) (timeout * G_USEC_PER_SEC);
  /* 5 ms polling: cheap, and fine-grained enough for the stop-latency check. */
  d->poll_id = g_timeout_add (5, poll_cb, d);
}

/* ---------------------------------------------------------------- signals */

static void
on_check_finished (MpAccountState *mailbox,
                   const GError   *error,
                   Driver         *d)
{
  d->checks_finished++;
}

static void
on_deleted (MpAccountState *mailbox,
            guint           n,
            Driver         *d)
{
  d->deletes_done++;
  d->last_delete_n = n;
  g_clear_pointer (&d->last_delete_error, g_free);
}

static void
on_delete_failed (MpAccountState *mailbox,
                  const GError   *error,
                  Driver         *d)
{
  d->deletes_done++;
  g_free (d->last_delete_error);
  d->last_delete_error = g_strdup (error ? error->message : "?");
}

static MpAccountState *
watch_current (Driver *d)
{
  MpAccountState *mailbox = mp_test_window_get_current_mailbox (d->window);

  if (mailbox && mailbox != d->watched)
    {
      if (d->watched)
        g_signal_handlers_disconnect_by_data (d->watched, d);
      d->watched = mailbox;
      g_object_add_weak_pointer (G_OBJECT (mailbox), (gpointer *) &d->watched);
      g_signal_connect (mailbox, "check-finished", G_CALLBACK (on_check_finished), d);
      g_signal_connect (mailbox, "deleted", G_CALLBACK (on_deleted), d);
      g_signal_connect (mailbox, "delete-failed", G_CALLBACK (on_delete_failed), d);
    }
  return mailbox;
}

/* ---------------------------------------------------------------- observations */

static const char *
state_name (MpAccountState *mailbox)
{
  switch (mp_account_state_get_state (mailbox))
    {
    case MP_MAILBOX_STATE_CHECKING: return "checking";
    case MP_MAILBOX_STATE_ERROR: return "error";
    case MP_MAILBOX_STATE_OFFLINE: return "offline";
    case MP_MAILBOX_STATE_IDLE:
    default: return "idle";
    }
}

/* Any account's state as the session has it (not only the window's current one). */
static void
add_account_state (GString        *s,
                   MpAccountState *state)
{
  const GError *error = state ? mp_account_state_get_error (state) : NULL;

  if (!state)
    return;
  mp_test_json_add_str (s, "state", state_name (state));
  mp_test_json_add_int (s, "messages", mp_account_state_get_n_messages (state));
  if (error)
    mp_test_json_add_str (s, "error", error->message);
}

static void
add_mailbox_state (Driver  *d,
                   GString *s)
{
  MpAccountState *mailbox = mp_test_window_get_current_mailbox (d->window);
  GListModel *shown = G_LIST_MODEL (mp_test_window_get_selection (d->window));
  g_autofree char *status = mp_test_window_dup_status_text (d->window);
  g_autofree char *error = mp_test_window_dup_error_text (d->window);

  if (mailbox)
    {
      guint done = 0, total = 0;

      mp_account_state_get_progress (mailbox, &done, &total);
      mp_test_json_add_str (s, "state", state_name (mailbox));
      mp_test_json_add_int (s, "messages", mp_account_state_get_n_messages (mailbox));
      mp_test_json_add_int (s, "new", mp_account_state_get_n_new (mailbox));
      mp_test_json_add_int (s, "done", done);
      mp_test_json_add_int (s, "total", total);
    }
  mp_test_json_add_int (s, "rows", g_list_model_get_n_items (shown));
  mp_test_json_add_str (s, "status", status);
  if (error)
    mp_test_json_add_str (s, "banner", error);
}

static void
dump_rows (Driver *d)
{
  GListModel *model = G_LIST_MODEL (mp_test_window_get_selection (d->window));
  guint n = g_list_model_get_n_items (model);
  GString *s = mp_test_json_begin ("rows");

  mp_test_json_add_int (s, "count", n);
  g_string_append (s, ",\"rows\":[");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);
      g_autofree char *from = mp_message_summary_dup_from_display (summary);
      GDateTime *date = mp_message_summary_get_date (summary);
      g_autofree char *iso = date ? g_date_time_format_iso8601 (date) : NULL;

      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, "{\"uidl\":");
      mp_test_json_string (s, mp_message_summary_get_uidl (summary));
      mp_test_json_add_str (s, "from", from);
      mp_test_json_add_str (s, "from_name", mp_message_summary_get_from_name (summary));
      mp_test_json_add_str (s, "from_addr", mp_message_summary_get_from_address (summary));
      mp_test_json_add_str (s, "subject", mp_message_summary_get_subject (summary));
      mp_test_json_add_str (s, "date", iso);
      mp_test_json_add_int (s, "size", (gint64) mp_message_summary_get_size (summary));
      mp_test_json_add_bool (s, "attachments", mp_message_summary_get_has_attachments (summary));
      mp_test_json_add_bool (s, "new", mp_message_summary_get_is_new (summary));
      g_string_append_c (s, '}');
    }
  g_string_append_c (s, ']');
  emit (d, s);
}

/* ---------------------------------------------------------------- predicates */

static gboolean
pred_drawn (Driver *d)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (d->window));

  return gtk_widget_get_mapped (GTK_WIDGET (d->window)) && clock &&
         gdk_frame_clock_get_frame_counter (clock) >= 3;
}

/* The start of a reply to a timed wait: "error" when it timed out, then
 * key with the ms since since. */
static GString *
begin_timed (Driver     *d,
             gboolean    ok,
             const char *key,
             gint64      since)
{
  GString *s = mp_test_json_begin (d->cmd);

  if (!ok)
    mp_test_json_add_str (s, "error", "timeout");
  mp_test_json_add_int (s, key, (g_get_monotonic_time () - since) / 1000);
  return s;
}

static void
finish_simple (Driver  *d,
               gboolean ok)
{
  emit (d, begin_timed (d, ok, "waited_ms", d->started));
}

static MpAccountDialog *
find_account_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (MP_IS_ACCOUNT_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return MP_ACCOUNT_DIALOG (w);
    }
  return NULL;
}

static gboolean
pred_test_result (Driver *d)
{
  MpAccountDialog *dialog = find_account_dialog ();
  return dialog && !mp_test_account_dialog_is_testing (dialog);
}

static void
finish_test_result (Driver  *d,
                    gboolean ok)
{
  MpAccountDialog *dialog = find_account_dialog ();
  GString *s = mp_test_json_begin (d->cmd);

  if (!ok || !dialog)
    mp_test_json_add_str (s, "error", "timeout");
  else
    mp_test_json_add_str (s, "result", mp_test_account_dialog_get_test_result (dialog));
  emit (d, s);
}

/* The filter and sort models work incrementally: dump once they are done. */
static gboolean
pred_settled (Driver *d)
{
  return mp_test_window_get_pending (d->window) == 0;
}

static void
finish_rows (Driver  *d,
             gboolean ok)
{
  if (!ok)
    emit_error (d, "rows-settle", "timeout");
  dump_rows (d);
}

static gboolean
pred_idle (Driver *d)
{
  MpAccountState *mailbox = watch_current (d);

  return mailbox &&
         mp_account_state_get_state (mailbox) != MP_MAILBOX_STATE_CHECKING &&
         (mp_account_state_get_last_check (mailbox) || mp_account_state_get_error (mailbox) ||
          mp_account_state_get_state (mailbox) == MP_MAILBOX_STATE_OFFLINE) &&
         mp_test_window_get_pending (d->window) == 0;
}

/* At least progress_target rows shown (cached ones too), the list settled. */
static gboolean
pred_rows (Driver *d)
{
  GListModel *shown = G_LIST_MODEL (mp_test_window_get_selection (d->window));

  return g_list_model_get_n_items (shown) >= d->progress_target &&
         mp_test_window_get_pending (d->window) == 0;
}

static void
finish_state (Driver  *d,
              gboolean ok)
{
  GString *s = begin_timed (d, ok, "waited_ms", d->started);

  add_mailbox_state (d, s);
  emit (d, s);
}

static gboolean
pred_progress (Driver *d)
{
  MpAccountState *mailbox = watch_current (d);
  guint done = 0, total = 0;

  if (!mailbox)
    return FALSE;
  mp_account_state_get_progress (mailbox, &done, &total);
  if (done < d->progress_target)
    return FALSE;
  /* Still checking, or the check ended since the wait began: its last batches
   * and its end can all come between two 5 ms polls (a loaded machine, a fast
   * check), and waiting for a CHECKING state that is over took the timeout. */
  return mp_account_state_get_state (mailbox) == MP_MAILBOX_STATE_CHECKING ||
         d->checks_finished > d->checks_at_wait;
}

static gboolean
pred_preview (Driver *d)
{
  const char *state = mp_test_preview_get_state (mp_test_window_get_preview_pane (d->window));

  return g_strcmp0 (state, "text") == 0 || g_strcmp0 (state, "error") == 0;
}

static void
finish_preview (Driver  *d,
                gboolean ok)
{
  MpPreviewPane *pane = mp_test_window_get_preview_pane (d->window);
  g_autofree char *text = mp_test_preview_dup_text (pane);
  GString *s = mp_test_json_begin (d->cmd);

  if (!ok)
    mp_test_json_add_str (s, "error", "timeout");
  mp_test_json_add_str (s, "state", mp_test_preview_get_state (pane));
  mp_test_json_add_str (s, "text", text);
  mp_test_json_add_bool (s, "load_whole_enabled",
            mp_test_window_get_action_enabled (d->window, "win.load-whole"));
  emit (d, s);
}

static gboolean
pred_dialog (Driver *d)
{
  GtkWidget *dialog = mp_test_window_get_delete_dialog (d->window);
  return dialog && gtk_widget_get_mapped (dialog);
}

static void
finish_dialog (Driver  *d,
               gboolean ok)
{
  GtkWidget *dialog = mp_test_window_get_delete_dialog (d->window);
  GString *s = mp_test_json_begin (d->cmd);

  if (!ok || !dialog)
    mp_test_json_add_str (s, "error", "timeout");
  else
    {
      mp_test_json_add_str (s, "heading", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
      mp_test_json_add_str (s, "body", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
    }
  emit (d, s);
}

static gboolean
pred_delete (Driver *d)
{
  return d->deletes_done > d->deletes_at_wait;
}

static void
finish_delete (Driver  *d,
               gboolean ok)
{
  GString *s = mp_test_json_begin (d->cmd);

  if (!ok)
    mp_test_json_add_str (s, "error", "timeout");
  else if (d->last_delete_error)
    {
      mp_test_json_add_str (s, "result", "failed");
      mp_test_json_add_str (s, "message", d->last_delete_error);
    }
  else
    {
      mp_test_json_add_str (s, "result", "deleted");
      mp_test_json_add_int (s, "n", d->last_delete_n);
    }
  mp_test_json_add_int (s, "waited_ms", (g_get_monotonic_time () - d->started) / 1000);
  mp_test_json_add_str (s, "toast", mp_test_window_get_last_toast_title (d->window));
  add_mailbox_state (d, s);
  emit (d, s);
  d->deletes_at_wait = d->deletes_done;
}

static gboolean
pred_check_ended (Driver *d)
{
  return d->checks_finished > d->checks_at_wait;
}

static void
finish_stop (Driver  *d,
             gboolean ok)
{
  GString *s = begin_timed (d, ok, "stop_ms", d->stop_started);

  add_mailbox_state (d, s);
  emit (d, s);
}

static gboolean
pred_sleep (Driver *d)
{
  return FALSE;
}

static void
finish_sleep (Driver  *d,
              gboolean ok)
{
}

static gboolean
pred_file (Driver *d)
{
  return g_file_test (d->wait_path, G_FILE_TEST_EXISTS);
}

static gboolean
pred_activity (Driver *d)
{
  return mp_test_rules_activity_count (d->app) >= d->wait_count;
}

/* ---------------------------------------------------------------- commands */

static void
collect_buttons_with_label (GtkWidget  *root,
                            const char *label,
                            GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      /* Only buttons on screen. */
      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        g_ptr_array_add (found, child);
      collect_buttons_with_label (child, label, found);
    }
}

/* A dismissed toast stays on screen while it hides: wait until the only Undo
 * button shown is the one of the current toast. */
static gboolean
pred_undo_button (Driver *d)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();

  if (!mp_test_window_get_undo_toast (d->window))
    return FALSE;
  collect_buttons_with_label (GTK_WIDGET (d->window), "_Undo", found);
  return found->len == 1;
}

static void
finish_undo (Driver  *d,
             gboolean ok)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  GString *s = mp_test_json_begin (d->cmd);

  collect_buttons_with_label (GTK_WIDGET (d->window), "_Undo", found);
  if (!ok || found->len != 1)
    mp_test_json_add_str (s, "error", "no single undo button");
  else
    /* What a pointer click does (gtk_widget_activate would add a 250 ms delay). */
    g_signal_emit_by_name (g_ptr_array_index (found, 0), "clicked");
  add_mailbox_state (d, s);
  emit (d, s);
}

static void
screenshot_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Driver *d = user_data;
  g_autoptr (GError) error = NULL;
  GString *s = mp_test_json_begin (d->cmd);

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error))
    mp_test_json_add_str (s, "error", error->message);
  emit (d, s);
  run_next (d);
}

static void
take_screenshot (Driver     *d,
                 const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autofree char *full = g_path_is_absolute (path) ? g_strdup (path)
                                                     : g_build_filename (d->out_dir, path, NULL);
  g_autofree char *dir = g_path_get_dirname (full);

  g_mkdir_with_parents (dir, 0755);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                           "import", "-window", "root", full, NULL);
  if (!proc)
    {
      emit_error (d, d->cmd, error->message);
      run_next (d);
      return;
    }
  g_subprocess_wait_check_async (proc, NULL, screenshot_done, d);
}

/* Lists the main menu's items (sections flattened) with their app/win action, so a
 * test sees what a user can pick and whether the action behind it exists. */
static void
emit_menu (Driver *d)
{
  GMenuModel *menu = mp_test_window_get_primary_menu (d->window);
  GString *s = mp_test_json_begin ("menu");
  gboolean first = TRUE;

  g_string_append (s, ",\"items\":[");
  for (int i = 0; menu && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *label = NULL;
          g_autofree char *action = NULL;
          GActionGroup *group = NULL;
          const char *name = NULL;

          g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &label);
          g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          if (action && g_str_has_prefix (action, "app."))
            group = G_ACTION_GROUP (g_application_get_default ());
          else if (action && g_str_has_prefix (action, "win."))
            group = G_ACTION_GROUP (d->window);
          if (group)
            name = action + 4;

          if (!first)
            g_string_append_c (s, ',');
          first = FALSE;
          g_string_append (s, "{\"label\":");
          mp_test_json_string (s, label);
          mp_test_json_add_str (s, "action", action);
          mp_test_json_add_bool (s, "exists", name && g_action_group_has_action (group, name));
          if (name && g_action_group_has_action (group, name))
            {
              g_autoptr (GVariant) state = g_action_group_get_action_state (group, name);

              if (state && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
                mp_test_json_add_bool (s, "state", g_variant_get_boolean (state));
            }
          g_string_append_c (s, '}');
        }
    }
  g_string_append_c (s, ']');
  emit (d, s);
}

/* ---------------------------------------------------------------- no window */

static gboolean
ensure_window (Driver *d)
{
  MpWindow *window;

  if (d->window)
    return TRUE;
  window = mp_application_get_main_window (d->app);
  if (!window)
    return FALSE;
  d->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &d->window);
  return TRUE;
}

static MpAccountState *
first_state (Driver *d)
{
  MpSession *session = mp_application_get_session (d->app);
  GListModel *store = G_LIST_MODEL (mp_session_get_store (session));
  g_autoptr (MpAccount) account = g_list_model_get_n_items (store) > 0
                                  ? g_list_model_get_item (store, 0) : NULL;

  return account ? mp_session_lookup (session, mp_account_get_id (account)) : NULL;
}

static gboolean
pred_session_idle (Driver *d)
{
  MpSession *session = mp_application_get_session (d->app);
  GListModel *store = G_LIST_MODEL (mp_session_get_store (session));

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      MpAccountState *state = mp_session_lookup (session, mp_account_get_id (account));

      if (!state || mp_account_state_get_state (state) == MP_MAILBOX_STATE_CHECKING ||
          (!mp_account_state_get_last_check (state) && !mp_account_state_get_error (state) &&
           mp_account_state_get_state (state) != MP_MAILBOX_STATE_OFFLINE))
        return FALSE;
    }
  return TRUE;
}

static void
add_session_state (Driver  *d,
                   GString *s)
{
  MpAccountState *state = first_state (d);

  if (!state)
    return;
  mp_test_json_add_str (s, "state", state_name (state));
  mp_test_json_add_int (s, "messages", mp_account_state_get_n_messages (state));
  mp_test_json_add_int (s, "new", mp_account_state_get_n_new (state));
  mp_test_json_add_bool (s, "window", d->window != NULL);
}

static void
finish_session_state (Driver  *d,
                      gboolean ok)
{
  GString *s = begin_timed (d, ok, "waited_ms", d->started);

  add_session_state (d, s);
  emit (d, s);
}

static gboolean
pred_window_gone (Driver *d)
{
  return d->window == NULL;
}

static void
open_window (Driver *d)
{
  MpWindow *window = mp_application_ensure_window (d->app);
  GString *s = mp_test_json_begin (d->cmd);

  gtk_window_present (GTK_WINDOW (window));
  ensure_window (d);
  /* What the new window shows before any check of its own. */
  add_mailbox_state (d, s);
  mp_test_json_add_int (s, "list_items",
                        g_list_model_get_n_items (mp_account_state_get_messages (first_state (d))));
  emit (d, s);
}

/* ---------------------------------------------------------------- commands
 *
 * One function per command, found in a table (a chain of string compares grew
 * past 300 lines).  Each returns TRUE when the command completed at once, FALSE
 * when it waits (run_next() goes on when the wait ends). */

typedef gboolean (*CommandFunc) (Driver *d, const char *cmd, const char *arg);

/* "N [timeout_s]": N, and the timeout (or NULL) in *rest. */
static guint
count_arg (const char *arg,
           char      **rest)
{
  g_auto (GStrv) a = g_strsplit (arg, " ", 2);

  *rest = a[0] ? g_strdup (a[1]) : NULL;
  return (guint) g_ascii_strtoull (a[0] ? a[0] : "1", NULL, 10);
}

/* A wait that needs no window: it goes on if the window closes. */
static gboolean
wait_windowless (Driver     *d,
                 Predicate   pred,
                 Finish      finish,
                 const char *timeout_s,
                 double      default_s)
{
  wait_for (d, pred, finish, timeout_s, default_s);
  d->needs_window = FALSE;
  return FALSE;
}

static gboolean
cmd_sleep (Driver *d, const char *cmd, const char *arg)
{
  g_autofree char *secs = g_strdup_printf ("%f", g_ascii_strtod (arg, NULL) / 1000.0);

  return wait_windowless (d, pred_sleep, finish_sleep, secs, 0);
}

static gboolean
cmd_wait_file (Driver *d, const char *cmd, const char *arg)
{
  g_auto (GStrv) words = g_strsplit (arg, " ", 2);

  g_free (d->wait_path);
  d->wait_path = g_strdup (words[0] ? words[0] : "");
  return wait_windowless (d, pred_file, finish_simple, words[0] ? words[1] : NULL, 60);
}

static gboolean
cmd_wait_activity (Driver *d, const char *cmd, const char *arg)
{
  g_autofree char *timeout = NULL;

  d->wait_count = count_arg (arg, &timeout);
  return wait_windowless (d, pred_activity, finish_simple, timeout, 60);
}

static gboolean
cmd_session_check (Driver *d, const char *cmd, const char *arg)
{
  MpSession *session = mp_application_get_session (d->app);

  emit (d, mp_test_json_begin (cmd));
  if (g_str_equal (cmd, "session-check"))
    mp_session_check_all (session);
  else
    mp_scheduler_check_now (mp_session_get_scheduler (session), NULL);
  return TRUE;
}

static gboolean
cmd_open_window (Driver *d, const char *cmd, const char *arg)
{
  open_window (d);
  return TRUE;
}

static gboolean
cmd_app_action (Driver *d, const char *cmd, const char *arg)
{
  GActionGroup *app = G_ACTION_GROUP (d->app);
  gboolean exists = g_action_group_has_action (app, arg);
  GString *s = mp_test_json_begin (cmd);

  mp_test_json_add_str (s, "name", arg);
  mp_test_json_add_bool (s, "exists", exists);
  emit (d, s);
  if (exists)
    g_action_group_activate_action (app, arg, NULL);
  return TRUE;
}

static gboolean
cmd_quit (Driver *d, const char *cmd, const char *arg)
{
  emit (d, mp_test_json_begin (cmd));
  if (d->window)
    gtk_window_close (GTK_WINDOW (d->window));
  mp_application_quit (d->app);
  return FALSE;
}

static gboolean
cmd_close_window (Driver *d, const char *cmd, const char *arg)
{
  GString *s = mp_test_json_begin (cmd);

  /* What the window's close button does; the script goes on while the app
   * runs (it exits by itself once nothing holds it). */
  mp_test_json_add_int (s, "at_us", g_get_real_time ());
  emit (d, s);
  gtk_window_close (GTK_WINDOW (d->window));
  return TRUE;
}

/* Waits on the window and its current account. */

static gboolean
cmd_wait_progress (Driver *d, const char *cmd, const char *arg)
{
  g_autofree char *timeout = NULL;

  d->progress_target = count_arg (arg, &timeout);
  d->checks_at_wait = d->checks_finished;
  wait_for (d, g_str_equal (cmd, "wait-rows") ? pred_rows : pred_progress, finish_state,
            timeout, 60);
  return FALSE;
}

static gboolean
cmd_screenshot (Driver *d, const char *cmd, const char *arg)
{
  take_screenshot (d, arg);
  return FALSE;
}

/* The list: sorting, selection, scrolling, filter. */

static gboolean
cmd_sort (Driver *d, const char *cmd, const char *arg)
{
  g_auto (GStrv) a = g_strsplit (arg, " ", 2);
  GString *s = mp_test_json_begin (cmd);

  if (!a[0] || !mp_test_window_sort_by (d->window, (guint) g_ascii_strtoull (a[0], NULL, 10),
                                        a[1] && g_str_equal (a[1], "desc")))
    mp_test_json_add_str (s, "error", "no such column");
  emit (d, s);
  return TRUE;
}

/* select INDEX; select-subject / select-add-subject TEXT: the first row with
 * that subject. */
static gint64
row_to_select (GListModel *model,
               const char *cmd,
               const char *arg)
{
  guint n = g_list_model_get_n_items (model);

  if (g_str_equal (cmd, "select"))
    return g_ascii_strtoll (arg, NULL, 10);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);

      if (g_strcmp0 (mp_message_summary_get_subject (summary), arg) == 0)
        return i;
    }
  return -1;
}

static gboolean
cmd_select (Driver *d, const char *cmd, const char *arg)
{
  GtkSelectionModel *selection = mp_test_window_get_selection (d->window);
  GListModel *model = G_LIST_MODEL (selection);
  gint64 index = row_to_select (model, cmd, arg);
  GString *s = mp_test_json_begin (cmd);

  if (index < 0 || index >= g_list_model_get_n_items (model))
    mp_test_json_add_str (s, "error", "no such row");
  else
    {
      g_autoptr (MpMessageSummary) summary = NULL;

      gtk_selection_model_select_item (selection, (guint) index,
                                       !g_str_equal (cmd, "select-add-subject"));
      summary = g_list_model_get_item (model, (guint) index);
      mp_test_json_add_int (s, "index", index);
      mp_test_json_add_str (s, "uidl", mp_message_summary_get_uidl (summary));
      mp_test_json_add_str (s, "subject", mp_message_summary_get_subject (summary));
    }
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_select_all (Driver *d, const char *cmd, const char *arg)
{
  gtk_widget_activate_action (GTK_WIDGET (d->window), "win.select-all", NULL);
  return TRUE;
}

static gboolean
cmd_filter (Driver *d, const char *cmd, const char *arg)
{
  mp_test_window_set_filter_text (d->window, arg);
  return TRUE;
}

static gboolean
cmd_scroll_pos (Driver *d, const char *cmd, const char *arg)
{
  GtkScrolledWindow *scroller = mp_test_window_get_list_scroller (d->window);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);
  GString *s = mp_test_json_begin (cmd);

  mp_test_json_add_int (s, "value", (gint64) gtk_adjustment_get_value (adj));
  mp_test_json_add_int (s, "lower", (gint64) gtk_adjustment_get_lower (adj));
  mp_test_json_add_int (s, "upper", (gint64) gtk_adjustment_get_upper (adj));
  mp_test_json_add_int (s, "page", (gint64) gtk_adjustment_get_page_size (adj));
  emit (d, s);
  return TRUE;
}

/* The texts of the cells under @widget, joined by " | ". */
static void
append_cell_texts (GtkWidget *widget,
                   GString   *texts)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_INSCRIPTION (c))
        {
          const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (c));

          if (texts->len > 0)
            g_string_append (texts, " | ");
          g_string_append (texts, text ? text : "");
        }
      else
        append_cell_texts (c, texts);
    }
}

static void
collect_bold_rows (GtkWidget *widget,
                   GString   *s,
                   guint     *n)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (gtk_widget_has_css_class (c, "mp-new"))
        {
          g_autoptr (GString) texts = g_string_new (NULL);

          append_cell_texts (c, texts);
          if ((*n)++ > 0)
            g_string_append_c (s, ',');
          mp_test_json_string (s, texts->str);
        }
      else
        collect_bold_rows (c, s, n);
    }
}

static gboolean
cmd_bold_rows (Driver *d, const char *cmd, const char *arg)
{
  GString *s = mp_test_json_begin (cmd);
  guint n = 0;

  g_string_append (s, ",\"bold\":[");
  collect_bold_rows (GTK_WIDGET (mp_test_window_get_list_scroller (d->window)), s, &n);
  g_string_append_c (s, ']');
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_scroll_end (Driver *d, const char *cmd, const char *arg)
{
  GListModel *model = G_LIST_MODEL (mp_test_window_get_selection (d->window));
  GtkScrolledWindow *scroller = mp_test_window_get_list_scroller (d->window);
  GString *s = mp_test_json_begin (cmd);

  if (scroller)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);

      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      mp_test_json_add_int (s, "upper", (gint64) gtk_adjustment_get_upper (adj));
    }
  mp_test_json_add_int (s, "rows", g_list_model_get_n_items (model));
  emit (d, s);
  return TRUE;
}

/* Actions, the delete confirmation, the state. */

static gboolean
cmd_action (Driver *d, const char *cmd, const char *arg)
{
  g_autofree char *name = g_strconcat ("win.", arg, NULL);
  gboolean enabled = mp_test_window_get_action_enabled (d->window, name);
  GString *s = mp_test_json_begin (cmd);

  mp_test_json_add_str (s, "name", arg);
  mp_test_json_add_bool (s, "enabled", enabled);
  emit (d, s);
  d->deletes_at_wait = d->deletes_done;
  d->checks_at_wait = d->checks_finished;
  gtk_widget_activate_action (GTK_WIDGET (d->window), name, NULL);
  return TRUE;
}

static gboolean
cmd_respond (Driver *d, const char *cmd, const char *arg)
{
  GtkWidget *dialog = mp_test_window_get_delete_dialog (d->window);
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  const char *label;
  GString *s;

  if (!dialog)
    {
      emit_error (d, cmd, "no dialog");
      return TRUE;
    }
  label = adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), arg)
    ? adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), arg) : NULL;
  s = mp_test_json_begin (cmd);
  mp_test_json_add_str (s, "response", arg);
  /* Click the dialog's button for that response, as a user would. */
  if (label)
    collect_buttons_with_label (dialog, label, found);
  if (found->len != 1)
    mp_test_json_add_str (s, "error", "no such button");
  emit (d, s);
  if (found->len == 1)
    g_signal_emit_by_name (g_ptr_array_index (found, 0), "clicked");
  return TRUE;
}

static gboolean
cmd_status (Driver *d, const char *cmd, const char *arg)
{
  GString *s = mp_test_json_begin (cmd);

  add_mailbox_state (d, s);
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_heartbeat_start (Driver *d, const char *cmd, const char *arg)
{
  if (!d->heartbeat)
    d->heartbeat = mp_test_heartbeat_new (d->window);
  mp_test_heartbeat_start (d->heartbeat);
  return TRUE;
}

static gboolean
cmd_heartbeat_report (Driver *d, const char *cmd, const char *arg)
{
  GString *s = mp_test_json_begin (cmd);

  if (d->heartbeat)
    mp_test_heartbeat_report (d->heartbeat, s);
  else
    mp_test_json_add_str (s, "error", "no heartbeat-start");
  add_mailbox_state (d, s);
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_stop_measure (Driver *d, const char *cmd, const char *arg)
{
  d->checks_at_wait = d->checks_finished;
  d->stop_started = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (d->window), "win.stop", NULL);
  wait_for (d, pred_check_ended, finish_stop, arg, 10);
  return FALSE;
}

static gboolean
cmd_next_due (Driver *d, const char *cmd, const char *arg)
{
  MpAccountState *mailbox = mp_test_window_get_current_mailbox (d->window);
  gint64 due = mailbox ? mp_test_window_get_next_check_due (d->window,
                           mp_account_get_id (mp_account_state_get_account (mailbox))) : -1;
  GString *s = mp_test_json_begin (cmd);

  if (due < 0)
    mp_test_json_add_str (s, "error", "no schedule");
  else
    mp_test_json_add_int (s, "seconds", (due - g_get_monotonic_time ()) / G_USEC_PER_SEC);
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_menu (Driver *d, const char *cmd, const char *arg)
{
  emit_menu (d);
  return TRUE;
}

/* The account dialog, the accounts, other windows. */

static gboolean
cmd_dialog (Driver *d, const char *cmd, const char *arg)
{
  MpAccountDialog *dialog = find_account_dialog ();
  g_auto (GStrv) a = g_strsplit (arg, " ", 2);
  GString *s = mp_test_json_begin (cmd);
  gboolean ok = FALSE;

  if (dialog && g_str_equal (cmd, "dialog-set") && a[0] && a[1])
    ok = mp_test_account_dialog_set_field (dialog, a[0], a[1]);
  else if (dialog && g_str_equal (cmd, "dialog-click") && a[0])
    ok = mp_test_account_dialog_click (dialog, a[0]);
  mp_test_json_add_str (s, "arg", a[0]);
  if (!ok)
    mp_test_json_add_str (s, "error", dialog ? "not possible" : "no account dialog");
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_accounts (Driver *d, const char *cmd, const char *arg)
{
  MpSession *session = mp_window_get_session (d->window);
  GListModel *store = G_LIST_MODEL (mp_session_get_store (session));
  GString *s = mp_test_json_begin (cmd);

  g_string_append (s, ",\"accounts\":[");
  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      g_autofree char *name = mp_account_dup_display_name (account);

      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, "{\"id\":");
      mp_test_json_string (s, mp_account_get_id (account));
      mp_test_json_add_str (s, "name", name);
      mp_test_json_add_str (s, "host", mp_account_get_host (account));
      mp_test_json_add_int (s, "port", mp_account_get_port (account));
      mp_test_json_add_bool (s, "notify", mp_account_get_notify (account));
      add_account_state (s, mp_session_lookup (session, mp_account_get_id (account)));
      g_string_append_c (s, '}');
    }
  g_string_append_c (s, ']');
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_windows (Driver *d, const char *cmd, const char *arg)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func (g_object_unref);
  GString *s = mp_test_json_begin (cmd);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (w != GTK_WINDOW (d->window) && gtk_widget_get_visible (GTK_WIDGET (w)))
        g_ptr_array_add (others, g_object_ref (w));
    }
  g_string_append (s, ",\"windows\":[");
  for (guint i = 0; i < others->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      mp_test_json_string (s, G_OBJECT_TYPE_NAME (g_ptr_array_index (others, i)));
    }
  g_string_append_c (s, ']');
  emit (d, s);
  if (g_str_equal (cmd, "close-dialogs"))
    for (guint i = 0; i < others->len; i++)
      gtk_window_close (g_ptr_array_index (others, i));
  return TRUE;
}

/* The window's adaptive layout (mp-window-layout.c). */

static gboolean
cmd_layout (Driver *d, const char *cmd, const char *arg)
{
  GString *s = mp_test_json_begin (cmd);

  mp_test_window_describe_layout (d->window, s);
  emit (d, s);
  return TRUE;
}

static gboolean
cmd_animations (Driver *d, const char *cmd, const char *arg)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations",
                !g_str_equal (arg, "off"), NULL);
  return TRUE;
}

static gboolean
cmd_resize (Driver *d, const char *cmd, const char *arg)
{
  int w = 0, h = 0;

  if (sscanf (arg, "%d %d", &w, &h) == 2)
    gtk_window_set_default_size (GTK_WINDOW (d->window), w, h);
  return TRUE;
}

static gboolean
cmd_open_row (Driver *d, const char *cmd, const char *arg)
{
  mp_test_window_open_selected (d->window);
  return TRUE;
}

static gboolean
cmd_back (Driver *d, const char *cmd, const char *arg)
{
  mp_test_window_click_back (d->window);
  return TRUE;
}

static gboolean
cmd_set_divider (Driver *d, const char *cmd, const char *arg)
{
  mp_test_window_set_preview_width (d->window, atoi (arg));
  return TRUE;
}

/* A command either runs @run, or (@run NULL) is a plain wait: until @pred
 * holds, then @finish reports, the timeout its argument or @timeout_s. */
typedef struct {
  const char  *name;
  CommandFunc  run;
  gboolean     needs_window;  /* "no window" while none is open */
  Predicate    pred;
  Finish       finish;
  double       timeout_s;
} Command;

static const Command commands[] = {
  { "sleep", cmd_sleep, FALSE },
  { "session-wait-idle", NULL, FALSE, pred_session_idle, finish_session_state, 60 },
  { "wait-window-gone", NULL, FALSE, pred_window_gone, finish_simple, 10 },
  { "wait-file", cmd_wait_file, FALSE },
  { "wait-activity", cmd_wait_activity, FALSE },
  { "session-check", cmd_session_check, FALSE },
  { "scheduled-check", cmd_session_check, FALSE },
  { "open-window", cmd_open_window, FALSE },
  { "app-action", cmd_app_action, FALSE },
  { "quit", cmd_quit, FALSE },
  { "close-window", cmd_close_window, TRUE },
  { "wait-drawn", NULL, TRUE, pred_drawn, finish_simple, 30 },
  { "wait-idle", NULL, TRUE, pred_idle, finish_state, 60 },
  { "wait-progress", cmd_wait_progress, TRUE },
  { "wait-rows", cmd_wait_progress, TRUE },
  { "wait-settled", NULL, TRUE, pred_settled, finish_simple, 10 },
  { "rows", NULL, TRUE, pred_settled, finish_rows, 10 },
  { "wait-preview", NULL, TRUE, pred_preview, finish_preview, 30 },
  { "wait-dialog", NULL, TRUE, pred_dialog, finish_dialog, 10 },
  { "undo", NULL, TRUE, pred_undo_button, finish_undo, 5 },
  { "wait-delete", NULL, TRUE, pred_delete, finish_delete, 30 },
  { "wait-test-result", NULL, TRUE, pred_test_result, finish_test_result, 30 },
  { "screenshot", cmd_screenshot, TRUE },
  { "sort", cmd_sort, TRUE },
  { "select", cmd_select, TRUE },
  { "select-subject", cmd_select, TRUE },
  { "select-add-subject", cmd_select, TRUE },
  { "select-all", cmd_select_all, TRUE },
  { "filter", cmd_filter, TRUE },
  { "scroll-pos", cmd_scroll_pos, TRUE },
  { "bold-rows", cmd_bold_rows, TRUE },
  { "scroll-end", cmd_scroll_end, TRUE },
  { "action", cmd_action, TRUE },
  { "respond", cmd_respond, TRUE },
  { "status", cmd_status, TRUE },
  { "heartbeat-start", cmd_heartbeat_start, TRUE },
  { "heartbeat-report", cmd_heartbeat_report, TRUE },
  { "stop-measure", cmd_stop_measure, TRUE },
  { "next-due", cmd_next_due, TRUE },
  { "menu", cmd_menu, TRUE },
  { "dialog-set", cmd_dialog, TRUE },
  { "dialog-click", cmd_dialog, TRUE },
  { "accounts", cmd_accounts, TRUE },
  { "windows", cmd_windows, TRUE },
  { "close-dialogs", cmd_windows, TRUE },
  { "layout", cmd_layout, TRUE },
  { "animations", cmd_animations, TRUE },
  { "resize", cmd_resize, TRUE },
  { "open-row", cmd_open_row, TRUE },
  { "back", cmd_back, TRUE },
  { "set-divider", cmd_set_divider, TRUE },
};

static const Command *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* Returns TRUE when the command completed synchronously. */
static gboolean
run_command (Driver     *d,
             const char *line)
{
  g_auto (GStrv) parts = g_strsplit (line, " ", 2);
  const char *cmd = parts[0];
  const char *arg = parts[1] ? parts[1] : "";
  const Command *command = find_command (cmd);
  GString *rules;

  g_free (d->cmd);
  d->cmd = g_strdup (cmd);
  if (command == NULL)
    {
      /* The Rules dialog, activity log and Recycle Bin (mp-test-rules.c). */
      rules = mp_test_rules_command (d->app, cmd, arg);
      if (rules)
        emit (d, rules);
      else
        emit_error (d, cmd, "unknown command");
      return TRUE;
    }
  if (command->needs_window)
    {
      if (!ensure_window (d))
        {
          emit_error (d, cmd, "no window");
          return TRUE;
        }
      watch_current (d);
    }
  if (command->run == NULL)
    {
      wait_for (d, command->pred, command->finish, arg, command->timeout_s);
      d->needs_window = command->needs_window;
      return FALSE;
    }
  return command->run (d, cmd, arg);
}

static void
run_next (Driver *d)
{
  while (d->lines[d->pc])
    {
      const char *line = g_strstrip (d->lines[d->pc++]);

      if (!*line || line[0] == '#')
        continue;
      if (!run_command (d, line))
        return;
    }
}

static gboolean
start_idle (gpointer user_data)
{
  run_next (user_data);
  return G_SOURCE_REMOVE;
}

/* At application shutdown (the test ends by quitting the app). The heartbeat
 * stays: its timer holds it for the rest of the process. */
static void
driver_free (Driver *d)
{
  g_clear_handle_id (&d->poll_id, g_source_remove);
  if (d->window)
    g_object_remove_weak_pointer (G_OBJECT (d->window), (gpointer *) &d->window);
  if (d->watched)
    {
      g_signal_handlers_disconnect_by_data (d->watched, d);
      g_object_remove_weak_pointer (G_OBJECT (d->watched), (gpointer *) &d->watched);
    }
  if (d->out != stdout)
    fclose (d->out);
  g_strfreev (d->lines);
  g_free (d->out_dir);
  g_free (d->cmd);
  g_free (d->last_delete_error);
  g_free (d->wait_path);
  g_free (d);
}

void
mp_test_driver_start (MpApplication *app,
                      const char    *script_path,
                      const char    *output_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  Driver *d;

  if (!g_file_get_contents (script_path, &contents, NULL, &error))
    {
      g_printerr ("MAILPEEK_TEST_SCRIPT: %s\n", error->message);
      return;
    }

  /* Lives until the application shuts down: the test ends by quitting the app. */
  d = g_new0 (Driver, 1);
  d->app = app;
  d->lines = g_strsplit (contents, "\n", -1);
  d->out = output_path && *output_path ? fopen (output_path, "w") : stdout;
  if (!d->out)
    d->out = stdout;
  d->out_dir = output_path && *output_path ? g_path_get_dirname (output_path) : g_get_current_dir ();
  g_signal_connect_swapped (g_application_get_default (), "shutdown", G_CALLBACK (driver_free), d);
  g_idle_add (start_idle, d);
}
