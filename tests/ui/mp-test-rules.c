/* mp-test-rules.c — see mp-test-rules.h.  Widgets are found by their id in the
 * dialog's template (GtkBuildable) and driven as a user does: clicks, typing,
 * choosing in a drop-down.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <string.h>

#include "mp-rules-dialog.h"
#include "mp-test-json.h"
#include "mp-test-rules.h"

static GtkWindow *
find_window (GType       type,
             const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (!gtk_widget_get_visible (GTK_WIDGET (w)))
        continue;
      if (type != G_TYPE_INVALID && G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
      if (title && g_strcmp0 (gtk_window_get_title (w), title) == 0)
        return w;
    }
  return NULL;
}

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  if (GTK_IS_BUILDABLE (root) && g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_by_id (c, id);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_of_type (c, type);

      if (found)
        return found;
    }
  return NULL;
}

/* The Save dialog (GtkFileChooserNative shows a GtkFileChooserDialog when no
 * portal runs): type NAME in the folder it opened on and press Save, as a user
 * does.  Reports the file the dialog had chosen. */
static GFile *
choose_file (const char *name)
{
  GtkWindow *dialog = find_window (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  if (dialog == NULL)
    return NULL;
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  /* The chooser loads its folder asynchronously and has no file until it
   * did (a user sees the folder before pressing Save): wait for it. */
  for (;;)
    {
      g_autoptr (GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *base = chosen ? g_file_get_basename (chosen) : NULL;

      if (g_strcmp0 (base, name) == 0)
        {
          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
          G_GNUC_END_IGNORE_DEPRECATIONS
          return g_steal_pointer (&chosen);
        }
      if (g_get_monotonic_time () > deadline)
        return NULL;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    }
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found)
        return found;
    }
  return NULL;
}

/* The titles of the AdwPreferencesRows of a list box, as a JSON array. */
static void
add_row_titles (GString    *s,
                const char *key,
                GtkWidget  *list)
{
  gboolean first = TRUE;

  g_string_append_printf (s, ",\"%s\":[", key);
  for (GtkWidget *c = list ? gtk_widget_get_first_child (list) : NULL; c; c = gtk_widget_get_next_sibling (c))
    if (ADW_IS_PREFERENCES_ROW (c))
      {
        if (!first)
          g_string_append_c (s, ',');
        first = FALSE;
        mp_test_json_string (s, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)));
      }
  g_string_append_c (s, ']');
}

static gboolean
select_label (GtkDropDown *dropdown,
              const char  *label)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return TRUE;
      }
  return FALSE;
}

static void
rules_dialog_command (GtkWidget  *dialog,
                      const char *cmd,
                      const char *arg,
                      GString    *s)
{
  if (g_str_equal (cmd, "rules-add"))
    {
      g_signal_emit_by_name (find_by_id (dialog, "add_button"), "clicked");
      gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "name_entry")), arg);
    }
  else if (g_str_equal (cmd, "rules-cond"))
    {
      /* LABEL|VALUE into the last condition row. */
      g_auto (GStrv) parts = g_strsplit (arg, "|", 2);
      GtkWidget *row = gtk_widget_get_last_child (find_by_id (dialog, "cond_box"));
      GtkWidget *dropdown = row ? find_of_type (row, GTK_TYPE_DROP_DOWN) : NULL;
      GtkWidget *entry = row ? find_of_type (row, GTK_TYPE_ENTRY) : NULL;

      mp_test_json_add_bool (s, "found", dropdown && entry && parts[0] && parts[1] &&
                                         select_label (GTK_DROP_DOWN (dropdown), parts[0]));
      if (entry && parts[0] && parts[1])
        gtk_editable_set_text (GTK_EDITABLE (entry), parts[1]);
    }
  else if (g_str_equal (cmd, "rules-action"))
    mp_test_json_add_bool (s, "found", select_label (GTK_DROP_DOWN (find_by_id (dialog, "action_dropdown")), arg));
  else if (g_str_equal (cmd, "rules-enable"))
    gtk_switch_set_active (GTK_SWITCH (find_by_id (dialog, "enabled_switch")), TRUE);
  else if (g_str_equal (cmd, "rules-save"))
    g_signal_emit_by_name (find_by_id (dialog, "save_button"), "clicked");
  else if (g_str_equal (cmd, "rules-dry-run"))
    {
      GtkWidget *error = find_by_id (dialog, "error_label");

      mp_test_json_add_str (s, "title", gtk_label_get_text (GTK_LABEL (find_by_id (dialog, "dry_run_title"))));
      mp_test_json_add_str (s, "error", gtk_widget_get_visible (error) ? gtk_label_get_text (GTK_LABEL (error)) : "");
      add_row_titles (s, "rows", find_by_id (dialog, "dry_run_list"));
      add_row_titles (s, "rules", find_by_id (dialog, "rule_list"));
    }
}

GString *
mp_test_rules_command (MpApplication *app,
                       const char    *cmd,
                       const char    *arg)
{
  GString *s;

  if (g_str_has_prefix (cmd, "rules-"))
    {
      GtkWindow *dialog = find_window (MP_TYPE_RULES_DIALOG, NULL);

      s = mp_test_json_begin (cmd);
      mp_test_json_add_bool (s, "dialog", dialog != NULL);
      if (dialog)
        rules_dialog_command (GTK_WIDGET (dialog), cmd, arg ? arg : "", s);
      return s;
    }
  if (g_str_equal (cmd, "activity"))
    {
      GPtrArray *entries = mp_activity_log_get_entries (
        mp_rules_state_get_activity (mp_session_get_rules (mp_application_get_session (app))));

      s = mp_test_json_begin (cmd);
      g_string_append (s, ",\"entries\":[");
      for (guint i = 0; i < entries->len; i++)
        {
          MpActivityEntry *e = g_ptr_array_index (entries, i);

          g_string_append (s, i > 0 ? ",{" : "{");
          mp_test_json_string (s, "subject");
          g_string_append_c (s, ':');
          mp_test_json_string (s, e->subject);
          g_string_append_c (s, ',');
          mp_test_json_string (s, "rule");
          g_string_append_c (s, ':');
          mp_test_json_string (s, e->rule);
          g_string_append_c (s, '}');
        }
      g_string_append_c (s, ']');
      return s;
    }
  if (g_str_equal (cmd, "recycle-open") || g_str_equal (cmd, "recycle-save"))
    {
      gboolean save = g_str_equal (cmd, "recycle-save");
      GtkWindow *window = find_window (G_TYPE_INVALID, "Recycle Bin");
      GtkWidget *list = window ? find_of_type (GTK_WIDGET (window), GTK_TYPE_LIST_BOX) : NULL;
      GtkListBoxRow *row = list ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (list),
                                                                 arg ? atoi (arg) : 0) : NULL;
      GtkWidget *button = window ? find_button (GTK_WIDGET (window),
                                                save ? "Save as _.eml…" : "Open in _Mail Program") : NULL;

      s = mp_test_json_begin (cmd);
      mp_test_json_add_bool (s, "window", window != NULL);
      if (row)
        gtk_list_box_select_row (GTK_LIST_BOX (list), row);
      mp_test_json_add_bool (s, "clicked", row && button && gtk_widget_is_sensitive (button) &&
                                           gtk_widget_activate (button));
      return s;
    }
  if (g_str_equal (cmd, "save-as"))
    {
      g_autoptr (GFile) chosen = choose_file (arg);
      g_autofree char *path = chosen ? g_file_get_path (chosen) : NULL;

      s = mp_test_json_begin (cmd);
      mp_test_json_add_bool (s, "chosen", chosen != NULL);
      mp_test_json_add_str (s, "path", path);
      return s;
    }
  if (g_str_equal (cmd, "recycle-rows"))
    {
      GtkWindow *window = find_window (G_TYPE_INVALID, "Recycle Bin");

      s = mp_test_json_begin (cmd);
      mp_test_json_add_bool (s, "window", window != NULL);
      add_row_titles (s, "rows", window ? find_of_type (GTK_WIDGET (window), GTK_TYPE_LIST_BOX) : NULL);
      return s;
    }
  return NULL;
}

guint
mp_test_rules_activity_count (MpApplication *app)
{
  MpRulesState *rules = mp_session_get_rules (mp_application_get_session (app));

  return mp_activity_log_get_entries (mp_rules_state_get_activity (rules))->len;
}
