/* mp-account-dialog.c — account settings.
 *
 * The password goes to the keyring (MpKeyring, on a worker thread), never to the
 * account file.  "Test connection" runs a test-login job with the settings as typed
 * — through the session, so an existing account's test waits in that account's
 * one job queue instead of opening a second session beside a check — and shows the
 * server's capabilities.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mp-a11y.h"
#include "mp-account-dialog.h"
#include "mp-error.h"
#include "mp-keyring.h"
#include "mp-session.h"

struct _MpAccountDialog
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *title_widget;
  GtkButton           *cancel_button;
  GtkButton           *save_button;
  AdwEntryRow         *name_row;
  AdwEntryRow         *host_row;
  AdwComboRow         *security_row;
  GtkSpinButton       *port_spin;
  AdwActionRow        *insecure_row;
  GtkSwitch           *plaintext_switch;
  AdwEntryRow         *username_row;
  AdwActionRow        *password_row;
  GtkPasswordEntry    *password_entry;
  AdwComboRow         *auth_row;
  GtkSpinButton       *interval_spin;
  GtkSpinButton       *preview_spin;
  GtkSwitch           *notify_switch;
  GtkButton           *test_button;
  GtkSpinner          *test_spinner;
  GtkButton           *trust_button;
  GtkLabel            *test_result;

  MpAccount           *account;        /* owned; NULL when adding */
  MpSession           *session;        /* owned */
  gboolean             testing;        /* a test runs */
  GCancellable        *cancellable;    /* owned; cancelled when the dialog goes */
  char                *pinned_sha256;  /* owned; certificate trusted in this dialog */
  char                *offered_sha256; /* owned; fingerprint of the last test's cert error */
  gboolean             port_edited;
  gboolean             setting_port;
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpAccountDialog, mp_account_dialog, ADW_TYPE_WINDOW)

/* Combo positions ↔ engine enums. */
static const MpPop3Security security_values[] = {
  MP_POP3_SECURITY_TLS, MP_POP3_SECURITY_STARTTLS, MP_POP3_SECURITY_NONE,
};
static const MpPop3AuthMethod auth_values[] = {
  MP_POP3_AUTH_AUTO, MP_POP3_AUTH_USER, MP_POP3_AUTH_APOP,
  MP_POP3_AUTH_PLAIN, MP_POP3_AUTH_LOGIN, MP_POP3_AUTH_CRAM_MD5,
};

static MpPop3Security
selected_security (MpAccountDialog *self)
{
  guint pos = adw_combo_row_get_selected (self->security_row);
  return pos < G_N_ELEMENTS (security_values) ? security_values[pos] : MP_POP3_SECURITY_TLS;
}

static MpPop3AuthMethod
selected_auth (MpAccountDialog *self)
{
  guint pos = adw_combo_row_get_selected (self->auth_row);
  return pos < G_N_ELEMENTS (auth_values) ? auth_values[pos] : MP_POP3_AUTH_AUTO;
}

static void
update_sensitivity (MpAccountDialog *self)
{
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->host_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  gboolean ok = host && *host && user && *user;

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), ok && !self->testing);
}

static void
on_security_changed (MpAccountDialog *self)
{
  MpPop3Security security = selected_security (self);

  gtk_widget_set_visible (GTK_WIDGET (self->insecure_row), security == MP_POP3_SECURITY_NONE);
  if (!self->port_edited)
    {
      self->setting_port = TRUE;
      gtk_spin_button_set_value (self->port_spin, security == MP_POP3_SECURITY_TLS ? 995 : 110);
      self->setting_port = FALSE;
    }
}

static void
on_port_changed (MpAccountDialog *self)
{
  if (!self->setting_port)
    self->port_edited = TRUE;
}

/* Applies the fields to @account (used for saving and for a test login). */
static void
apply_fields (MpAccountDialog *self,
              MpAccount       *account)
{
  g_autofree char *host = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row))));
  g_autofree char *user = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  MpPop3Security security = selected_security (self);

  mp_account_set_name (account, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  mp_account_set_host (account, host);
  mp_account_set_security (account, security);
  mp_account_set_port (account, (guint) gtk_spin_button_get_value_as_int (self->port_spin));
  mp_account_set_username (account, user);
  mp_account_set_auth (account, selected_auth (self));
  mp_account_set_allow_plaintext_password (account,
                                           security == MP_POP3_SECURITY_NONE &&
                                           gtk_switch_get_active (self->plaintext_switch));
  mp_account_set_check_interval (account, (guint) gtk_spin_button_get_value_as_int (self->interval_spin));
  mp_account_set_preview_lines (account, (guint) gtk_spin_button_get_value_as_int (self->preview_spin));
  mp_account_set_notify (account, gtk_switch_get_active (self->notify_switch));
  if (self->pinned_sha256)
    mp_account_set_pinned_sha256 (account, self->pinned_sha256);
}

static void
finish_save (MpAccountDialog *self)
{
  gboolean is_new = self->account == NULL;
  g_autoptr (MpAccount) account = NULL;

  account = self->account ? g_object_ref (self->account)
                          : g_object_ref (g_object_get_data (G_OBJECT (self), "new-account"));
  apply_fields (self, account);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, account, is_new);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
password_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (MpAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!mp_keyring_store_finish (result, &error))
    {
      g_autofree char *msg = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      msg = g_strdup_printf (_("Could not store the password: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (msg));
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
      return;
    }
  finish_save (self);
}

static void
on_save_clicked (MpAccountDialog *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  MpAccount *account = self->account;

  if (!account)
    {
      account = mp_account_new (NULL);
      g_object_set_data_full (G_OBJECT (self), "new-account", account, g_object_unref);
    }

  if (password && *password)
    {
      g_autofree char *name = NULL;
      g_autofree char *label = NULL;

      apply_fields (self, account);
      name = mp_account_dup_display_name (account);
      label = g_strdup_printf (_("Mailpeek: %s"), name);
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
      /* The check that follows the save needs the password: save only once stored. */
      mp_keyring_store_async (mp_account_get_id (account), label, password,
                              self->cancellable, password_stored, g_object_ref (self));
      return;
    }
  finish_save (self);
}

static void on_test_clicked (MpAccountDialog *self);

static void
test_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (MpAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) caps = NULL;

  caps = mp_session_test_login_finish (MP_SESSION (source), result, &error);
  /* Only the dialog going away leaves the spinner as it is; a test the
   * account's queue stopped (the account removed meanwhile) still ends. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  gtk_spinner_stop (self->test_spinner);
  self->testing = FALSE;
  update_sensitivity (self);

  if (caps)
    {
      g_autofree char *list = g_strjoinv (", ", caps);
      g_autofree char *msg = g_strdup_printf (_("Login succeeded. The server offers: %s"), list);
      gtk_label_set_text (self->test_result, msg);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_result), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_result), "success");
    }
  else
    {
      const char *fingerprint = mp_error_get_fingerprint (error);
      g_autofree char *details = mp_error_dup_details (error);
      g_autofree char *msg = g_strdup_printf ("%s\n%s", mp_error_title (error), details);

      gtk_label_set_text (self->test_result, msg);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_result), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_result), "error");
      g_free (self->offered_sha256);
      self->offered_sha256 = g_strdup (fingerprint);
      gtk_widget_set_visible (GTK_WIDGET (self->trust_button), fingerprint != NULL);
    }
}

static void
on_trust_clicked (MpAccountDialog *self)
{
  if (!self->offered_sha256)
    return;
  /* Pinned for this account only, once saved; the test runs again with it. */
  g_free (self->pinned_sha256);
  self->pinned_sha256 = g_steal_pointer (&self->offered_sha256);
  gtk_widget_set_visible (GTK_WIDGET (self->trust_button), FALSE);
  on_test_clicked (self);
}

static void
on_test_clicked (MpAccountDialog *self)
{
  g_autoptr (MpAccount) probe = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  /* Same id as the edited account so an empty password field uses the keyring. */
  probe = mp_account_new (self->account ? mp_account_get_id (self->account) : NULL);
  if (self->account)
    {
      mp_account_set_pinned_sha256 (probe, mp_account_get_pinned_sha256 (self->account));
      mp_account_set_ca_file (probe, mp_account_get_ca_file (self->account));
    }
  apply_fields (self, probe);

  self->testing = TRUE;
  gtk_label_set_text (self->test_result, _("Connecting…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_result), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_result), "success");
  gtk_spinner_start (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->trust_button), FALSE);
  update_sensitivity (self);
  mp_session_test_login_async (self->session,
                               self->account ? mp_account_get_id (self->account) : NULL,
                               probe, password && *password ? password : NULL,
                               self->cancellable, test_done, g_object_ref (self));
}

static void
mp_account_dialog_dispose (GObject *object)
{
  MpAccountDialog *self = MP_ACCOUNT_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_pointer (&self->pinned_sha256, g_free);
  g_clear_pointer (&self->offered_sha256, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), MP_TYPE_ACCOUNT_DIALOG);
  G_OBJECT_CLASS (mp_account_dialog_parent_class)->dispose (object);
}

static void
mp_account_dialog_class_init (MpAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mp_account_dialog_dispose;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, MP_TYPE_ACCOUNT, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/mailpeek/Mailpeek/ui/mp-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, title_widget);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, security_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, port_spin);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, insecure_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, plaintext_switch);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, auth_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, preview_spin);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, trust_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, test_result);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mp_account_dialog_init (MpAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  mp_a11y_name_buttons (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (gtk_window_close), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self);
  g_signal_connect_swapped (self->test_button, "clicked", G_CALLBACK (on_test_clicked), self);
  g_signal_connect_swapped (self->trust_button, "clicked", G_CALLBACK (on_trust_clicked), self);
  g_signal_connect_swapped (self->host_row, "changed", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->username_row, "changed", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->security_row, "notify::selected", G_CALLBACK (on_security_changed), self);
  g_signal_connect_swapped (self->port_spin, "value-changed", G_CALLBACK (on_port_changed), self);
}

static guint
index_of_security (MpPop3Security security)
{
  /* STARTTLS_IF_AVAILABLE is shown as STARTTLS: it never falls back silently for the
   * password (see mp-pop3-options.h). */
  if (security == MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE)
    security = MP_POP3_SECURITY_STARTTLS;
  for (guint i = 0; i < G_N_ELEMENTS (security_values); i++)
    if (security_values[i] == security)
      return i;
  return 0;
}

static guint
index_of_auth (MpPop3AuthMethod auth)
{
  for (guint i = 0; i < G_N_ELEMENTS (auth_values); i++)
    if (auth_values[i] == auth)
      return i;
  return 0;
}

MpAccountDialog *
mp_account_dialog_new (GtkWindow *parent,
                       MpSession *session,
                       MpAccount *account)
{
  MpAccountDialog *self = g_object_new (MP_TYPE_ACCOUNT_DIALOG,
                                        "transient-for", parent, NULL);

  self->session = g_object_ref (session);

  if (account)
    {
      g_autofree char *name = mp_account_dup_display_name (account);

      self->account = g_object_ref (account);
      adw_window_title_set_title (self->title_widget, _("Edit Account"));
      adw_window_title_set_subtitle (self->title_widget, name);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), mp_account_get_name (account));
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), mp_account_get_host (account));
      adw_combo_row_set_selected (self->security_row, index_of_security (mp_account_get_security (account)));
      if (mp_account_get_port (account) != 0)
        {
          self->setting_port = TRUE;
          gtk_spin_button_set_value (self->port_spin, mp_account_get_port (account));
          self->setting_port = FALSE;
          self->port_edited = TRUE;
        }
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), mp_account_get_username (account));
      adw_combo_row_set_selected (self->auth_row, index_of_auth (mp_account_get_auth (account)));
      gtk_switch_set_active (self->plaintext_switch, mp_account_get_allow_plaintext_password (account));
      gtk_spin_button_set_value (self->interval_spin, mp_account_get_check_interval (account));
      gtk_spin_button_set_value (self->preview_spin, mp_account_get_preview_lines (account));
      gtk_switch_set_active (self->notify_switch, mp_account_get_notify (account));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                     _("Password (leave empty to keep)"));
    }
  else
    {
      adw_window_title_set_title (self->title_widget, _("Add Account"));
      gtk_button_set_label (self->save_button, _("_Add"));
    }
  on_security_changed (self);
  update_sensitivity (self);
  return self;
}

