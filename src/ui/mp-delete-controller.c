/* mp-delete-controller.c — see mp-delete-controller.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-a11y.h"

#include "mp-delete-controller-private.h"
#include "mp-error.h"

enum {
  SIGNAL_TOAST_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpDeleteController, mp_delete_controller, G_TYPE_OBJECT)

static void
add_toast (MpDeleteController *self,
           AdwToast           *toast)
{
  g_signal_emit (self, signals[SIGNAL_TOAST_SHOWN], 0, adw_toast_get_title (toast));
  if (self->overlay)
    mp_a11y_add_toast (self->overlay, toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

typedef struct {
  MpDeleteController *controller;  /* owned */
  MpAccountState      *mailbox;     /* owned */
  guint               id;
  gboolean            done;        /* undone or committed */
} PendingDelete;

static void
pending_delete_free (gpointer data)
{
  PendingDelete *pd = data;

  g_object_unref (pd->controller);
  g_object_unref (pd->mailbox);
  g_free (pd);
}

static void
on_undo_clicked (AdwToast      *toast,
                 PendingDelete *pd)
{
  if (pd->done)
    return;
  pd->done = TRUE;
  mp_account_state_undo_delete (pd->mailbox, pd->id);
}

static void
on_undo_toast_dismissed (AdwToast      *toast,
                         PendingDelete *pd)
{
  if (pd->controller->undo_toast == toast)
    pd->controller->undo_toast = NULL;
  if (pd->done)
    return;
  pd->done = TRUE;
  /* The undo period is over: only now is anything sent to the server (unless
   * the window closed first: then it was sent at once). */
  mp_account_state_commit_delete (pd->mailbox, pd->id);
}

static void
start_delete (MpDeleteController *self,
              MpAccountState      *mailbox,
              GPtrArray          *summaries)
{
  PendingDelete *pd;
  AdwToast *toast;
  g_autofree char *title = NULL;
  guint id = mp_account_state_delete_later (mailbox, summaries);
  guint n = mp_account_state_get_n_pending_rows (mailbox, id);

  /* The toast counts what will go: selected rows still leaving the view after
   * an earlier Delete are pending already and are not taken twice. */
  if (n == 0)
    return;
  pd = g_new0 (PendingDelete, 1);
  pd->controller = g_object_ref (self);
  pd->mailbox = g_object_ref (mailbox);
  pd->id = id;

  title = g_strdup_printf (ngettext ("%u message will be deleted from the server",
                                     "%u messages will be deleted from the server", n), n);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 5);
  /* Normal priority, never dismissed from code: libadwaita 1.2 aborts or crashes
   * when an interrupted or dismissed toast's widget is still hiding.  Should
   * another toast be showing, this one waits; its undo period starts when shown. */
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_clicked), pd);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), pd,
                         (GClosureNotify) (void (*) (void)) pending_delete_free, 0);
  self->undo_toast = toast;
  add_toast (self, toast);
}

static void
on_delete_response (AdwMessageDialog   *dialog,
                    const char         *response,
                    MpDeleteController *self)
{
  GPtrArray *summaries = g_object_get_data (G_OBJECT (dialog), "summaries");
  MpAccountState *mailbox = g_object_get_data (G_OBJECT (dialog), "mailbox");

  if (self->dialog == GTK_WIDGET (dialog))
    self->dialog = NULL;
  if (g_strcmp0 (response, "delete") != 0 || !self->parent ||
      gtk_widget_in_destruction (GTK_WIDGET (self->parent)))
    return;
  start_delete (self, mailbox, summaries);
}

void
mp_delete_controller_confirm (MpDeleteController *self,
                              MpAccountState      *mailbox,
                              GPtrArray          *summaries)
{
  g_autofree char *heading = NULL;
  g_autofree char *size_text = NULL;
  guint64 total = 0;
  GtkWidget *dialog;

  g_return_if_fail (MP_IS_DELETE_CONTROLLER (self));
  g_return_if_fail (MP_IS_ACCOUNT_STATE (mailbox));
  g_return_if_fail (summaries != NULL);

  if (summaries->len == 0 || self->dialog || !self->parent)
    return;

  for (guint i = 0; i < summaries->len; i++)
    total += mp_message_summary_get_size (g_ptr_array_index (summaries, i));
  size_text = g_format_size (total);

  heading = g_strdup_printf (ngettext ("Delete %u Message from the Server?",
                                       "Delete %u Messages from the Server?", summaries->len),
                             summaries->len);
  dialog = adw_message_dialog_new (self->parent, heading, NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  ngettext ("%s will be removed from the server for good. "
                                            "Any mail program that has not downloaded it yet will never see it.",
                                            "%s in total will be removed from the server for good. "
                                            "Any mail program that has not downloaded them yet will never see them.",
                                            summaries->len),
                                  size_text);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "summaries",
                          g_ptr_array_ref (summaries), (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "mailbox",
                          g_object_ref (mailbox), g_object_unref);
  /* "response" may come more than once (a response, then the close response). */
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  self->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

void
mp_delete_controller_show_failure (MpDeleteController *self,
                                   const GError       *error)
{
  g_autofree char *msg = NULL;
  AdwToast *toast;

  g_return_if_fail (MP_IS_DELETE_CONTROLLER (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, MP_ERROR, MP_ERROR_NOT_DELETED))
    msg = g_strdup (_("Nothing was deleted: the server did not confirm the deletion"));
  else
    /* Translators: %s is the reason in plain words */
    msg = g_strdup_printf (_("Nothing was deleted: %s"), mp_error_title (error));
  toast = adw_toast_new (msg);
  adw_toast_set_timeout (toast, 5);
  add_toast (self, toast);
}

static void
mp_delete_controller_dispose (GObject *object)
{
  MpDeleteController *self = MP_DELETE_CONTROLLER (object);

  g_clear_weak_pointer (&self->parent);
  g_clear_weak_pointer (&self->overlay);
  G_OBJECT_CLASS (mp_delete_controller_parent_class)->dispose (object);
}

static void
mp_delete_controller_class_init (MpDeleteControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_delete_controller_dispose;

  signals[SIGNAL_TOAST_SHOWN] =
    g_signal_new ("toast-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mp_delete_controller_init (MpDeleteController *self)
{
}

MpDeleteController *
mp_delete_controller_new (GtkWindow       *parent,
                          AdwToastOverlay *overlay)
{
  MpDeleteController *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ADW_IS_TOAST_OVERLAY (overlay), NULL);

  self = g_object_new (MP_TYPE_DELETE_CONTROLLER, NULL);
  g_set_weak_pointer (&self->parent, parent);
  g_set_weak_pointer (&self->overlay, overlay);
  return self;
}
