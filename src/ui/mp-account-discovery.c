/* mp-account-discovery.c — the account dialog's search for an address's POP3
 * settings.
 *
 * The search runs on a worker (mp_discover_async; the main loop never waits)
 * with a cancellable of its own: Cancel Search ends only the search; the dialog
 * going ends it too (mp_account_discovery_cancel from its dispose: the running
 * search holds a reference to the group, not to the dialog).  The group shows
 * the progress and the outcome; the dialog owns the settings fields and fills
 * them from "found".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mp-account-discovery.h"

struct _MpAccountDiscovery
{
  AdwPreferencesGroup  parent_instance;

  GtkButton           *continue_button;
  GtkSpinner          *spinner;
  GtkButton           *stop_button;
  GtkButton           *manual_button;
  GtkLabel            *status;
  GtkWidget           *plaintext_warning_row;

  char                *address;      /* owned */
  GCancellable        *cancellable;  /* owned; the search running, or NULL */
};

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_SEARCHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FOUND,
  SIGNAL_STOPPED,
  SIGNAL_MANUAL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpAccountDiscovery, mp_account_discovery, ADW_TYPE_PREFERENCES_GROUP)

static gboolean
is_address (const char *address)
{
  return address && strchr (address, '@') != NULL;
}

static const char *
address_domain (const char *address)
{
  const char *at = strrchr (address, '@');
  return at ? at + 1 : "";
}

/* As the dialog's Security row names it (the same messages, so the same
 * translation); STARTTLS_IF_AVAILABLE shows as STARTTLS there too. */
static const char *
security_name (MpPop3Security security)
{
  switch (security)
    {
    case MP_POP3_SECURITY_STARTTLS:
    case MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE:
      return _("STARTTLS");
    case MP_POP3_SECURITY_NONE:
      return _("None (unencrypted)");
    case MP_POP3_SECURITY_TLS:
    default:
      return _("SSL/TLS");
    }
}

/* The ISP database of the settings (an organisation's mirror), else Mozilla's. */
static char *
dup_ispdb_url (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettings) settings = NULL;

  /* An uninstalled build has no compiled schema (g_settings_new () would abort). */
  if (source)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (!schema || !g_settings_schema_has_key (schema, "ispdb-url"))
    return NULL;
  settings = g_settings_new_full (schema, NULL, NULL);
  return g_settings_get_string (settings, "ispdb-url");
}

static void
update_continue (MpAccountDiscovery *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button),
                            self->cancellable == NULL && is_address (self->address));
}

static void
set_status (MpAccountDiscovery *self,
            const char         *text,
            const char         *css_class)
{
  gtk_label_set_text (self->status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status), text && *text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "success");
  if (css_class)
    gtk_widget_add_css_class (GTK_WIDGET (self->status), css_class);
}

static void
set_searching (MpAccountDiscovery *self,
               gboolean            searching)
{
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), searching);
  if (searching)
    gtk_spinner_start (self->spinner);
  else
    {
      gtk_spinner_stop (self->spinner);
      g_clear_object (&self->cancellable);
    }
  update_continue (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
}

static void
show_found (MpAccountDiscovery     *self,
            const MpDiscoverResult *found)
{
  g_autofree char *origin = mp_discover_result_dup_origin (found);
  /* Translators: "Found pop.example.com, port 995, SSL/TLS, user alice — from
   * Mozilla's ISP database" (the last %s says where the settings came from) */
  g_autofree char *text = g_strdup_printf (_("Found %s, port %u, %s, user %s — %s"), found->host,
                                           (guint) found->port, security_name (found->security),
                                           found->username, origin);

  set_status (self, text, found->plaintext_only ? NULL : "success");
  gtk_widget_set_visible (self->plaintext_warning_row, found->plaintext_only);
  g_signal_emit (self, signals[SIGNAL_FOUND], 0, found, FALSE);
}

/* Nothing found: the most common names, for the user to correct. */
static void
show_guess (MpAccountDiscovery *self,
            const GError       *error)
{
  g_autoptr (MpDiscoverResult) guess = g_new0 (MpDiscoverResult, 1);
  g_autofree char *text = NULL;

  guess->host = g_strdup_printf ("pop.%s", address_domain (self->address));
  guess->security = MP_POP3_SECURITY_TLS;
  guess->port = 995;
  guess->username = g_strdup (self->address);
  guess->source = MP_DISCOVER_SOURCE_GUESS;
  text = g_strdup_printf (_("Mailpeek could not find the settings; enter them below (the fields hold "
                            "a guess).\n%s"), error->message);
  set_status (self, text, "error");
  g_signal_emit (self, signals[SIGNAL_FOUND], 0, guess, TRUE);
}

static void
discover_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (MpAccountDiscovery) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MpDiscoverResult) found = mp_discover_finish (result, &error);

  /* Cancelled: by Cancel Search (which already said so), or the dialog went. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_searching (self, FALSE);
  if (found)
    show_found (self, found);
  else
    show_guess (self, error);
}

void
mp_account_discovery_start (MpAccountDiscovery *self)
{
  g_autofree char *ispdb_url = NULL;
  g_autofree char *text = NULL;
  MpDiscoverOptions options = { 0 };

  g_return_if_fail (MP_IS_ACCOUNT_DISCOVERY (self));

  if (self->cancellable || !is_address (self->address))
    return;
  ispdb_url = dup_ispdb_url ();
  options.ispdb_url = ispdb_url && g_str_has_prefix (ispdb_url, "https://") ? ispdb_url : NULL;
  options.timeout_ms = 30000;

  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (self->plaintext_warning_row, FALSE);
  text = g_strdup_printf (_("Looking for the settings of %s…"), address_domain (self->address));
  set_status (self, text, NULL);
  set_searching (self, TRUE);
  mp_discover_async (self->address, &options, self->cancellable, discover_done, g_object_ref (self));
}

static void
on_stop_clicked (MpAccountDiscovery *self)
{
  if (!self->cancellable)
    return;
  g_cancellable_cancel (self->cancellable);
  set_searching (self, FALSE);
  set_status (self, _("Search cancelled. Enter the settings below, or continue again."), NULL);
  g_signal_emit (self, signals[SIGNAL_STOPPED], 0);
}

static void
on_manual_clicked (MpAccountDiscovery *self)
{
  g_signal_emit (self, signals[SIGNAL_MANUAL], 0);
}

void
mp_account_discovery_set_address (MpAccountDiscovery *self,
                                  const char         *address)
{
  g_return_if_fail (MP_IS_ACCOUNT_DISCOVERY (self));

  if (g_strcmp0 (self->address, address) == 0)
    return;
  g_free (self->address);
  self->address = g_strdup (address);
  update_continue (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

gboolean
mp_account_discovery_get_searching (MpAccountDiscovery *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_DISCOVERY (self), FALSE);
  return self->cancellable != NULL;
}

void
mp_account_discovery_set_settings_shown (MpAccountDiscovery *self,
                                         gboolean            shown)
{
  g_return_if_fail (MP_IS_ACCOUNT_DISCOVERY (self));

  if (shown)
    gtk_widget_remove_css_class (GTK_WIDGET (self->continue_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->continue_button), "suggested-action");
}

void
mp_account_discovery_cancel (MpAccountDiscovery *self)
{
  g_return_if_fail (MP_IS_ACCOUNT_DISCOVERY (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

static void
mp_account_discovery_dispose (GObject *object)
{
  MpAccountDiscovery *self = MP_ACCOUNT_DISCOVERY (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), MP_TYPE_ACCOUNT_DISCOVERY);
  G_OBJECT_CLASS (mp_account_discovery_parent_class)->dispose (object);
}

static void
mp_account_discovery_finalize (GObject *object)
{
  MpAccountDiscovery *self = MP_ACCOUNT_DISCOVERY (object);

  g_free (self->address);
  G_OBJECT_CLASS (mp_account_discovery_parent_class)->finalize (object);
}

static void
mp_account_discovery_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MpAccountDiscovery *self = MP_ACCOUNT_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_SEARCHING:
      g_value_set_boolean (value, mp_account_discovery_get_searching (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_account_discovery_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_ADDRESS:
      mp_account_discovery_set_address (MP_ACCOUNT_DISCOVERY (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_account_discovery_class_init (MpAccountDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mp_account_discovery_dispose;
  object_class->finalize = mp_account_discovery_finalize;
  object_class->get_property = mp_account_discovery_get_property;
  object_class->set_property = mp_account_discovery_set_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCHING] =
    g_param_spec_boolean ("searching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FOUND] =
    g_signal_new ("found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BOOLEAN);
  signals[SIGNAL_STOPPED] =
    g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_MANUAL] =
    g_signal_new ("manual", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/mailpeek/Mailpeek/ui/mp-account-discovery.ui");
  gtk_widget_class_bind_template_child (widget_class, MpAccountDiscovery, continue_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDiscovery, spinner);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDiscovery, stop_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDiscovery, manual_button);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDiscovery, status);
  gtk_widget_class_bind_template_child (widget_class, MpAccountDiscovery, plaintext_warning_row);
}

static void
mp_account_discovery_init (MpAccountDiscovery *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->continue_button, "clicked", G_CALLBACK (mp_account_discovery_start), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (on_stop_clicked), self);
  g_signal_connect_swapped (self->manual_button, "clicked", G_CALLBACK (on_manual_clicked), self);
  update_continue (self);
}
