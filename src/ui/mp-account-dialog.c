/* mp-account-dialog.c — account settings.
 *
 * Adding starts from a name, an address and the secret: "Continue" looks the
 * POP3 settings up (MpAccountDiscovery, which also says where they came from)
 * and fills the server fields in; "Configure manually" shows the fields at any
 * step, and a failed search falls back to them with guesses filled in.  The
 * secret comes from the keyring (typed here), a password command (only the
 * command is stored, as password-command) or a GNOME Online Accounts account.
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

#include "mp-a11y.h"
#include "mp-account-dialog.h"
#include "mp-account-discovery.h"
#include "mp-choice-row.h"
#include "mp-error.h"
#include "mp-goa.h"
#include "mp-keyring.h"
#include "mp-password-mask.h"
#include "mp-session.h"

struct _MpAccountDialog
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *title_widget;
  GtkButton           *cancel_button;
  GtkButton           *save_button;
  AdwEntryRow         *name_row;
  AdwEntryRow         *address_row;
  MpChoiceRow         *source_row;
  AdwEntryRow         *command_row;
  MpChoiceRow         *goa_row;
  GtkLabel            *source_hint;
  MpAccountDiscovery  *discover_group;
  GtkWidget           *server_group;
  GtkWidget           *login_group;
  GtkWidget           *test_group;
  GtkWidget           *checking_group;
  AdwEntryRow         *host_row;
  MpChoiceRow         *security_row;
  GtkSpinButton       *port_spin;
  AdwActionRow        *insecure_row;
  GtkSwitch           *plaintext_switch;
  AdwEntryRow         *username_row;
  AdwActionRow        *password_row;
  GtkPasswordEntry    *password_entry;
  MpPasswordMask      *password_mask;
  MpChoiceRow         *auth_row;
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
  GPtrArray           *goa_accounts;  /* owned, MpGoaAccount; NULL until listed */
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
static const char * const security_labels[] = {
  N_("SSL/TLS"), N_("STARTTLS"), N_("None (unencrypted)"), NULL,
};
static const MpPop3AuthMethod auth_values[] = {
  MP_POP3_AUTH_AUTO, MP_POP3_AUTH_USER, MP_POP3_AUTH_APOP,
  MP_POP3_AUTH_PLAIN, MP_POP3_AUTH_LOGIN, MP_POP3_AUTH_CRAM_MD5,
  MP_POP3_AUTH_XOAUTH2, MP_POP3_AUTH_OAUTHBEARER,
};
static const char * const auth_labels[] = {
  N_("Automatic"), N_("USER/PASS"), N_("APOP"), N_("SASL PLAIN"), N_("SASL LOGIN"),
  N_("CRAM-MD5"), N_("OAuth2 (XOAUTH2)"), N_("OAuth2 (OAUTHBEARER)"), NULL,
};

/* Where the secret comes from (source_row positions). */
typedef enum {
  SOURCE_KEYRING,
  SOURCE_COMMAND,
  SOURCE_GOA,
} Source;
static const char * const source_labels[] = {
  N_("Keyring"), N_("Command"), N_("Online Accounts"), NULL,
};

static MpPop3Security
selected_security (MpAccountDialog *self)
{
  guint pos = mp_choice_row_get_selected (self->security_row);
  return pos < G_N_ELEMENTS (security_values) ? security_values[pos] : MP_POP3_SECURITY_TLS;
}

static MpPop3AuthMethod
selected_auth (MpAccountDialog *self)
{
  guint pos = mp_choice_row_get_selected (self->auth_row);
  return pos < G_N_ELEMENTS (auth_values) ? auth_values[pos] : MP_POP3_AUTH_AUTO;
}

static Source
selected_source (MpAccountDialog *self)
{
  return (Source) mp_choice_row_get_selected (self->source_row);
}

static const char *
entry_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* The chosen GNOME Online Accounts account, or NULL. */
static MpGoaAccount *
selected_goa_account (MpAccountDialog *self)
{
  guint pos = mp_choice_row_get_selected (self->goa_row);

  if (selected_source (self) != SOURCE_GOA || !self->goa_accounts || pos >= self->goa_accounts->len)
    return NULL;
  return g_ptr_array_index (self->goa_accounts, pos);
}

static gboolean
secret_ready (MpAccountDialog *self)
{
  g_autofree char *command = NULL;

  switch (selected_source (self))
    {
    case SOURCE_COMMAND:
      command = g_strstrip (g_strdup (entry_text (self->command_row)));
      return *command != '\0';
    case SOURCE_GOA:
      return selected_goa_account (self) != NULL;
    case SOURCE_KEYRING:
    default:
      return TRUE;
    }
}

static void
update_sensitivity (MpAccountDialog *self)
{
  const char *host = entry_text (self->host_row);
  const char *user = entry_text (self->username_row);
  gboolean searching = mp_account_discovery_get_searching (self->discover_group);
  gboolean ok = host && *host && user && *user && secret_ready (self) && !searching;

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), ok && !self->testing);
}

/* The server, login, test and checking fields: hidden while a new account has
 * only its address, shown once "Continue" or "Configure manually" needs them. */
static void
show_details (MpAccountDialog *self,
              gboolean         shown)
{
  gtk_widget_set_visible (self->server_group, shown);
  gtk_widget_set_visible (self->login_group, shown);
  gtk_widget_set_visible (self->test_group, shown);
  gtk_widget_set_visible (self->checking_group, shown);
  mp_account_discovery_set_settings_shown (self->discover_group, shown);
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
set_port (MpAccountDialog *self,
          guint            port)
{
  self->setting_port = TRUE;
  gtk_spin_button_set_value (self->port_spin, port);
  self->setting_port = FALSE;
  self->port_edited = TRUE;
}

static void
on_port_changed (MpAccountDialog *self)
{
  if (!self->setting_port)
    self->port_edited = TRUE;
}

/* Only the chosen source is kept: core prefers GOA over a command over the keyring. */
static void
apply_source (MpAccountDialog *self,
              MpAccount       *account)
{
  g_autofree char *command = g_strstrip (g_strdup (entry_text (self->command_row)));
  MpGoaAccount *goa = selected_goa_account (self);

  mp_account_set_password_command (account, selected_source (self) == SOURCE_COMMAND && *command
                                              ? command : NULL);
  mp_account_set_goa_account_id (account, goa ? goa->id : NULL);
}

/* Applies the fields to @account (used for saving and for a test login). */
static void
apply_fields (MpAccountDialog *self,
              MpAccount       *account)
{
  g_autofree char *host = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row))));
  g_autofree char *user = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  MpPop3Security security = selected_security (self);

  /* A number typed but not yet confirmed (Enter or leaving the field) counts too:
   * Save in the header bar takes no focus, and an accessibility client sets the
   * text without either. */
  gtk_spin_button_update (self->port_spin);
  gtk_spin_button_update (self->interval_spin);
  gtk_spin_button_update (self->preview_spin);
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
  apply_source (self, account);
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
  /* A password kept from before would lie unused in the keyring. */
  if (!is_new && selected_source (self) != SOURCE_KEYRING)
    mp_keyring_clear_async (mp_account_get_id (account), NULL, NULL, NULL);
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
      mp_a11y_add_toast (self->toast_overlay, adw_toast_new (msg));
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
      return;
    }
  finish_save (self);
}

static void
on_save_clicked (MpAccountDialog *self)
{
  const char *password = mp_password_mask_get_text (self->password_mask);
  MpAccount *account = self->account;

  if (!account)
    {
      account = mp_account_new (NULL);
      g_object_set_data_full (G_OBJECT (self), "new-account", account, g_object_unref);
    }

  if (selected_source (self) == SOURCE_KEYRING && password && *password)
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
  const char *password = mp_password_mask_get_text (self->password_mask);

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
  if (selected_source (self) != SOURCE_KEYRING)
    password = NULL;
  mp_session_test_login_async (self->session,
                               self->account ? mp_account_get_id (self->account) : NULL,
                               probe, password && *password ? password : NULL,
                               self->cancellable, test_done, g_object_ref (self));
}

static guint index_of_security (MpPop3Security security);
static guint index_of_auth (MpPop3AuthMethod auth);

/* ---------------------------------------------------------------- discovery */

/* A search keeps Save and Test insensitive; starting one names a nameless
 * account after its address. */
static void
on_searching_changed (MpAccountDialog *self)
{
  if (mp_account_discovery_get_searching (self->discover_group) && !*entry_text (self->name_row))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), entry_text (self->address_row));
  update_sensitivity (self);
}

/* Found settings are saved next; guessed ones are corrected first. */
static void
on_discovered (MpAccountDialog        *self,
               const MpDiscoverResult *found,
               gboolean                guessed)
{
  show_details (self, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), found->host);
  mp_choice_row_set_selected (self->security_row, index_of_security (found->security));
  set_port (self, found->port);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), found->username);
  gtk_widget_grab_focus (guessed ? GTK_WIDGET (self->host_row) : GTK_WIDGET (self->save_button));
}

static void
on_search_stopped (MpAccountDialog *self)
{
  show_details (self, TRUE);
}

static void
on_manual (MpAccountDialog *self)
{
  show_details (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->host_row));
}

/* ---------------------------------------------------------------- secret source */

static void
on_goa_selected (MpAccountDialog *self)
{
  MpGoaAccount *goa = selected_goa_account (self);

  if (goa)
    {
      /* The provider's server and the account's address; the token is OAuth2. */
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), goa->host);
      mp_choice_row_set_selected (self->security_row, index_of_security (MP_POP3_SECURITY_TLS));
      set_port (self, goa->port);
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), goa->username);
      mp_choice_row_set_selected (self->auth_row, index_of_auth (MP_POP3_AUTH_XOAUTH2));
      if (!*entry_text (self->address_row))
        gtk_editable_set_text (GTK_EDITABLE (self->address_row), goa->username);
      show_details (self, TRUE);
    }
  update_sensitivity (self);
}

static void
on_source_changed (MpAccountDialog *self)
{
  Source source = selected_source (self);

  gtk_widget_set_visible (GTK_WIDGET (self->password_row), source == SOURCE_KEYRING);
  gtk_widget_set_visible (GTK_WIDGET (self->command_row), source == SOURCE_COMMAND);
  gtk_widget_set_visible (GTK_WIDGET (self->goa_row), source == SOURCE_GOA);
  switch (source)
    {
    case SOURCE_COMMAND:
      gtk_label_set_text (self->source_hint,
                          _("The first line the command prints is the password or OAuth2 token, "
                            "e.g. “pass show mail/work”. Only the command is saved."));
      break;
    case SOURCE_GOA:
      gtk_label_set_text (self->source_hint,
                          _("Mailpeek asks GNOME Online Accounts for a fresh token at each check."));
      on_goa_selected (self);
      break;
    case SOURCE_KEYRING:
    default:
      gtk_label_set_text (self->source_hint, "");
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->source_hint), source != SOURCE_KEYRING);
  update_sensitivity (self);
}

static void
goa_unavailable (MpAccountDialog *self,
                 const char      *reason)
{
  mp_choice_row_set_choice_sensitive (self->source_row, SOURCE_GOA, FALSE, reason);
}

static void
goa_listed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (MpAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) accounts = mp_goa_list_accounts_finish (result, &error);
  g_autoptr (GPtrArray) labels = NULL;
  const char *wanted;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!accounts || accounts->len == 0)
    {
      goa_unavailable (self, error ? error->message
                                   : _("No Google or Microsoft account with mail is set up in "
                                       "Settings → Online Accounts (or GNOME Online Accounts is "
                                       "not running)"));
      return;
    }
  labels = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < accounts->len; i++)
    {
      MpGoaAccount *a = g_ptr_array_index (accounts, i);
      /* Translators: an Online Accounts account: "alice@gmail.com (Google)" */
      g_ptr_array_add (labels, g_strdup_printf (_("%s (%s)"), a->presentation_identity,
                                                a->provider_name));
    }
  g_ptr_array_add (labels, NULL);
  g_clear_pointer (&self->goa_accounts, g_ptr_array_unref);
  self->goa_accounts = g_steal_pointer (&accounts);
  mp_choice_row_set_choices (self->goa_row, (const char * const *) labels->pdata);
  mp_choice_row_set_choice_sensitive (self->source_row, SOURCE_GOA, TRUE, NULL);

  /* An account set up with GOA: its entry chosen again. */
  wanted = self->account ? mp_account_get_goa_account_id (self->account) : NULL;
  for (guint i = 0; wanted && i < self->goa_accounts->len; i++)
    if (g_str_equal (((MpGoaAccount *) g_ptr_array_index (self->goa_accounts, i))->id, wanted))
      mp_choice_row_set_selected (self->goa_row, i);
  update_sensitivity (self);
}

static void
list_goa_accounts (MpAccountDialog *self)
{
#ifdef HAVE_GOA
  goa_unavailable (self, _("Looking for Online Accounts…"));
  mp_goa_list_accounts_async (self->cancellable, goa_listed, g_object_ref (self));
#else
  goa_unavailable (self, _("This Mailpeek was built without GNOME Online Accounts"));
#endif
}

static void
set_choices (MpChoiceRow        *row,
             const char * const *labels)
{
  g_autoptr (GPtrArray) translated = g_ptr_array_new ();

  for (guint i = 0; labels[i]; i++)
    g_ptr_array_add (translated, (gpointer) gettext (labels[i]));
  g_ptr_array_add (translated, NULL);
  mp_choice_row_set_choices (row, (const char * const *) translated->pdata);
}

static void
mp_account_dialog_dispose (GObject *object)
{
  MpAccountDialog *self = MP_ACCOUNT_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  /* NULL once the template is gone (dispose may run again). */
  if (self->discover_group)
    mp_account_discovery_cancel (self->discover_group);
  g_clear_pointer (&self->goa_accounts, g_ptr_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->password_mask);
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
  g_type_ensure (MP_TYPE_CHOICE_ROW);
  g_type_ensure (MP_TYPE_ACCOUNT_DISCOVERY);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, command_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, goa_row);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, source_hint);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, discover_group);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, server_group);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, login_group);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, test_group);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDialog, checking_group);
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
  set_choices (self->security_row, security_labels);
  set_choices (self->auth_row, auth_labels);
  set_choices (self->source_row, source_labels);
  mp_a11y_name_buttons (GTK_WIDGET (self));
  self->password_mask = mp_password_mask_new (self->password_entry);

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (gtk_window_close), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self);
  g_signal_connect_swapped (self->test_button, "clicked", G_CALLBACK (on_test_clicked), self);
  g_signal_connect_swapped (self->trust_button, "clicked", G_CALLBACK (on_trust_clicked), self);
  g_signal_connect_swapped (self->host_row, "changed", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->username_row, "changed", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->security_row, "notify::selected", G_CALLBACK (on_security_changed), self);
  g_signal_connect_swapped (self->command_row, "changed", G_CALLBACK (update_sensitivity), self);
  g_object_bind_property (self->address_row, "text", self->discover_group, "address", G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->address_row, "entry-activated",
                            G_CALLBACK (mp_account_discovery_start), self->discover_group);
  g_signal_connect_swapped (self->discover_group, "notify::searching", G_CALLBACK (on_searching_changed), self);
  g_signal_connect_swapped (self->discover_group, "found", G_CALLBACK (on_discovered), self);
  g_signal_connect_swapped (self->discover_group, "stopped", G_CALLBACK (on_search_stopped), self);
  g_signal_connect_swapped (self->discover_group, "manual", G_CALLBACK (on_manual), self);
  g_signal_connect_swapped (self->source_row, "notify::selected", G_CALLBACK (on_source_changed), self);
  g_signal_connect_swapped (self->goa_row, "notify::selected", G_CALLBACK (on_goa_selected), self);
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
      mp_choice_row_set_selected (self->security_row, index_of_security (mp_account_get_security (account)));
      if (mp_account_get_port (account) != 0)
        {
          self->setting_port = TRUE;
          gtk_spin_button_set_value (self->port_spin, mp_account_get_port (account));
          self->setting_port = FALSE;
          self->port_edited = TRUE;
        }
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), mp_account_get_username (account));
      mp_choice_row_set_selected (self->auth_row, index_of_auth (mp_account_get_auth (account)));
      gtk_switch_set_active (self->plaintext_switch, mp_account_get_allow_plaintext_password (account));
      gtk_spin_button_set_value (self->interval_spin, mp_account_get_check_interval (account));
      gtk_spin_button_set_value (self->preview_spin, mp_account_get_preview_lines (account));
      gtk_switch_set_active (self->notify_switch, mp_account_get_notify (account));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                     _("Password (leave empty to keep)"));
      if (mp_account_get_password_command (account))
        {
          gtk_editable_set_text (GTK_EDITABLE (self->command_row),
                                 mp_account_get_password_command (account));
          mp_choice_row_set_selected (self->source_row, SOURCE_COMMAND);
        }
      /* The GOA entry is chosen once the accounts are listed (goa_listed). */
      if (mp_account_get_goa_account_id (account))
        mp_choice_row_set_selected (self->source_row, SOURCE_GOA);
      /* Discovery is for a new account; an existing one is edited field by field. */
      gtk_widget_set_visible (GTK_WIDGET (self->discover_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->address_row), FALSE);
    }
  else
    {
      adw_window_title_set_title (self->title_widget, _("Add Account"));
      gtk_button_set_label (self->save_button, _("_Add"));
    }
  show_details (self, account != NULL);
  list_goa_accounts (self);
  on_security_changed (self);
  on_source_changed (self);
  update_sensitivity (self);
  return self;
}

