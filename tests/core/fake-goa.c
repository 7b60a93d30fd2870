/* fake-goa.c — a fake GNOME Online Accounts service for tests
 *
 *   fake-goa --id ID --provider TYPE --identity NAME --tokens T1,T2,… [--mail-disabled]
 *
 * Owns org.gnome.OnlineAccounts on the session bus (run it on a private one) and
 * exports, with libgoa's own generated skeletons (so the D-Bus interfaces are the
 * real ones), an ObjectManager at /org/gnome/OnlineAccounts with one account at
 * /org/gnome/OnlineAccounts/Accounts/ID: org.gnome.OnlineAccounts.Account,
 * org.gnome.OnlineAccounts.OAuth2Based and (unless --mail-disabled, as GOA does)
 * org.gnome.OnlineAccounts.Mail.  GetAccessToken hands out the tokens in
 * order (the last one again when they run out); EnsureCredentials succeeds.
 *
 * Standard output: "READY" once the name is owned, then one line per call:
 * "GetAccessToken TOKEN" or "EnsureCredentials".  Ends on SIGTERM or SIGINT.
 */
#define GOA_API_IS_SUBJECT_TO_CHANGE
#include <goa/goa.h>
#include <glib-unix.h>
#include <stdio.h>

static char   **tokens;
static guint    next_token;

static void
say (const char *line)
{
  printf ("%s\n", line);
  fflush (stdout);
}

static gboolean
on_get_access_token (GoaOAuth2Based        *oauth2,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  const char *token = tokens[next_token];
  g_autofree char *line = g_strdup_printf ("GetAccessToken %s", token);

  if (tokens[next_token + 1] != NULL)
    next_token++;
  say (line);
  goa_oauth2_based_complete_get_access_token (oauth2, invocation, token, 3600);
  return TRUE;
}

static gboolean
on_ensure_credentials (GoaAccount            *account,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  say ("EnsureCredentials");
  goa_account_complete_ensure_credentials (account, invocation, 3600);
  return TRUE;
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  say ("READY");
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  g_printerr ("fake-goa: could not own %s\n", name);
  exit (1);
}

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autofree char *id = NULL, *provider = NULL, *identity = NULL, *token_list = NULL;
  gboolean mail_disabled = FALSE;
  GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "account id", "ID" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, "provider type", "TYPE" },
    { "identity", 0, 0, G_OPTION_ARG_STRING, &identity, "identity", "NAME" },
    { "tokens", 0, 0, G_OPTION_ARG_STRING, &token_list, "tokens in order", "T1,T2" },
    { "mail-disabled", 0, 0, G_OPTION_ARG_NONE, &mail_disabled, "mail turned off", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusObjectManagerServer) manager = NULL;
  g_autoptr(GoaObjectSkeleton) object = NULL;
  g_autoptr(GoaAccount) account = NULL;
  g_autoptr(GoaOAuth2Based) oauth2 = NULL;
  g_autoptr(GoaMail) mail = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *path = NULL;
  guint owner;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || id == NULL || provider == NULL
      || identity == NULL || token_list == NULL)
    {
      g_printerr ("fake-goa: %s\n", error != NULL ? error->message : "missing option");
      return 2;
    }
  tokens = g_strsplit (token_list, ",", -1);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("fake-goa: %s\n", error->message);
      return 1;
    }
  path = g_strdup_printf ("/org/gnome/OnlineAccounts/Accounts/%s", id);
  object = goa_object_skeleton_new (path);
  account = goa_account_skeleton_new ();
  g_object_set (account, "id", id, "provider-type", provider, "provider-name", provider,
                "identity", identity, "presentation-identity", identity,
                "mail-disabled", mail_disabled, NULL);
  g_signal_connect (account, "handle-ensure-credentials", G_CALLBACK (on_ensure_credentials),
                    NULL);
  oauth2 = goa_oauth2_based_skeleton_new ();
  g_signal_connect (oauth2, "handle-get-access-token", G_CALLBACK (on_get_access_token), NULL);
  goa_object_skeleton_set_account (object, account);
  goa_object_skeleton_set_oauth2_based (object, oauth2);
  if (!mail_disabled)
    {
      mail = goa_mail_skeleton_new ();
      g_object_set (mail, "email-address", identity, NULL);
      goa_object_skeleton_set_mail (object, mail);
    }

  manager = g_dbus_object_manager_server_new ("/org/gnome/OnlineAccounts");
  g_dbus_object_manager_server_export (manager, G_DBUS_OBJECT_SKELETON (object));
  g_dbus_object_manager_server_set_connection (manager, bus);
  owner = g_bus_own_name_on_connection (bus, "org.gnome.OnlineAccounts",
                                        G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                        on_name_acquired, on_name_lost, NULL, NULL);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  g_bus_unown_name (owner);
  g_strfreev (tokens);
  return 0;
}
