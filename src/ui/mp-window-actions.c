/* mp-window-actions.c — the main window's win.* actions: check and stop, find,
 * select all, delete (through MpDeleteController), the account dialogs, whole
 * message and source view, trusting a certificate.  Keyboard shortcuts for them
 * are set by MpApplication; their enabled state by mp_window_update_actions().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-window-private.h"
#include "mp-account-dialog.h"
#include "mp-error.h"
#include "mp-keyring.h"

static GPtrArray *
dup_selected_summaries (MpWindow *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint pos;

  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_iter_init_first (&iter, set, &pos))
    {
      do
        g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->selection), pos));
      while (gtk_bitset_iter_next (&iter, &pos));
    }
  return items;
}

/* ---------------------------------------------------------------- accounts */

static void
save_store (MpWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!mp_account_store_save (self->store, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not save the accounts: %s"),
                                              error->message);
      mp_window_show_toast (self, msg);
    }
}

static void
on_account_dialog_saved (MpAccountDialog *dialog,
                         MpAccount       *account,
                         gboolean         is_new,
                         MpWindow        *self)
{
  MpAccountState *mailbox;

  if (is_new)
    {
      mp_account_store_add (self->store, account);
      mp_window_select_account (self, mp_account_get_id (account));
    }
  save_store (self);
  mailbox = mp_session_lookup (self->session, mp_account_get_id (account));
  if (mailbox)
    {
      mp_account_state_stop (mailbox);
      mp_account_state_check (mailbox);
    }
  if (mailbox == self->current)
    mp_window_update_for_current (self);
}

static void
add_account_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpAccountDialog *dialog = mp_account_dialog_new (GTK_WINDOW (self), self->session, NULL);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_account_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_account_activated (GtkWidget  *widget,
                        const char *action,
                        GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpAccountDialog *dialog;

  if (!self->current)
    return;
  dialog = mp_account_dialog_new (GTK_WINDOW (self), self->session,
                                  mp_account_state_get_account (self->current));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_account_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  MpWindow *self = user_data;
  const char *id = g_object_get_data (G_OBJECT (dialog), "account-id");

  if (g_strcmp0 (response, "remove") != 0 || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  /* items-changed → the session cancels the account's jobs. */
  if (mp_account_store_remove (self->store, id))
    {
      save_store (self);
      mp_keyring_clear_async (id, NULL, NULL, NULL);
    }
}

static void
remove_account_activated (GtkWidget  *widget,
                          const char *action,
                          GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpAccount *account;
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  if (!self->current)
    return;
  account = mp_account_state_get_account (self->current);
  name = mp_account_dup_display_name (account);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Account?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” will be removed from Mailpeek with its stored password. "
                                    "Messages on the server are not touched."), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account-id",
                          g_strdup (mp_account_get_id (account)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------- actions */

static void
check_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  if (self->current)
    mp_account_state_check (self->current);
}

static void
stop_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  if (self->current)
    mp_account_state_stop (self->current);
  /* Stop also ends a preview (or whole message) still loading. */
  mp_preview_loader_stop (self->preview_loader);
  mp_window_update_actions (self);
}

static void
find_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
select_all_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  /* Ctrl+A in the search entry selects its text instead. */
  if (gtk_widget_has_focus (GTK_WIDGET (self->search_entry)) ||
      gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (self)), GTK_WIDGET (self->search_entry)))
    {
      gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
      return;
    }
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  g_autoptr (GPtrArray) summaries = dup_selected_summaries (self);

  if (!self->current)
    return;
  mp_delete_controller_confirm (self->deleter, self->current, summaries);
}

static void
load_whole_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpMessageSummary *shown = mp_preview_loader_get_summary (self->preview_loader);
  g_autoptr (MpMessageSummary) summary = NULL;

  if (!shown)
    return;
  summary = g_object_ref (shown);
  mp_window_load_preview (self, summary, TRUE);
}

static void
view_source_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  mp_preview_loader_show_source (self->preview_loader, GTK_WINDOW (self));
}

static void
trust_certificate_activated (GtkWidget  *widget,
                             const char *action,
                             GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  const GError *error;
  const char *fingerprint;

  if (!self->current)
    return;
  error = mp_account_state_get_error (self->current);
  if (!error || !g_error_matches (error, MP_ERROR, MP_ERROR_CERTIFICATE))
    return;
  fingerprint = mp_error_get_fingerprint (error);
  if (!fingerprint)
    return;
  mp_account_state_trust_certificate (self->current, fingerprint);
  save_store (self);
  mp_account_state_check (self->current);
}

void
mp_window_actions_install (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.check", NULL, check_activated);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_activated);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_activated);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_activated);
  gtk_widget_class_install_action (widget_class, "win.edit-account", NULL, edit_account_activated);
  gtk_widget_class_install_action (widget_class, "win.remove-account", NULL, remove_account_activated);
  gtk_widget_class_install_action (widget_class, "win.load-whole", NULL, load_whole_activated);
  gtk_widget_class_install_action (widget_class, "win.view-source", NULL, view_source_activated);
  gtk_widget_class_install_action (widget_class, "win.trust-certificate", NULL, trust_certificate_activated);
}
