/* mp-cli-cmd-discover.c — `discover ADDRESS`: the POP3 settings of an e-mail address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No URL and no session: core's account discovery (mp-discover.h) does the work, with
 * --ispdb-url, --ca-file and --timeout (the whole search) from the command line.
 */
#include "mp-config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mp-cli-format.h"
#include "mp-cli-private.h"
#include "mp-discover.h"
#include "mp-error.h"

/* A URL the other commands take: pop3s:// for TLS, pop3:// otherwise. */
static char *
result_url (const MpDiscoverResult *r)
{
  g_autofree char *user = g_uri_escape_string (r->username, NULL, FALSE);
  gboolean tls = r->security == MP_POP3_SECURITY_TLS;
  gboolean ipv6 = strchr (r->host, ':') != NULL;

  return g_strdup_printf ("%s://%s@%s%s%s:%u", tls ? "pop3s" : "pop3", user,
                          ipv6 ? "[" : "", r->host, ipv6 ? "]" : "", r->port);
}

static void
append_json (GString *out, const MpDiscoverResult *r)
{
  g_autofree char *origin = mp_discover_result_dup_origin (r);
  g_autofree char *url = result_url (r);

  g_string_append (out, "{\"host\": ");
  mp_cli_append_json_string (out, r->host);
  g_string_append_printf (out, ", \"port\": %u, \"security\": ", r->port);
  mp_cli_append_json_string (out, mp_pop3_security_to_string (r->security));
  g_string_append (out, ", \"username\": ");
  mp_cli_append_json_string (out, r->username);
  g_string_append (out, ", \"url\": ");
  mp_cli_append_json_string (out, url);
  g_string_append (out, ", \"source\": ");
  mp_cli_append_json_string (out, mp_discover_source_to_string (r->source));
  g_string_append (out, ", \"origin\": ");
  mp_cli_append_json_string (out, origin);
  g_string_append (out, ", \"detail\": ");
  mp_cli_append_json_string (out, r->detail);
  g_string_append_printf (out, ", \"plaintext_only\": %s}\n", r->plaintext_only ? "true" : "false");
}

static void
append_line (GString *out, const char *label, const char *value)
{
  g_string_append_printf (out, "%s: ", label);
  mp_cli_append_field (out, value);
  g_string_append_c (out, '\n');
}

static void
append_text (GString *out, const MpDiscoverResult *r)
{
  g_autofree char *origin = mp_discover_result_dup_origin (r);
  g_autofree char *url = result_url (r);
  g_autofree char *port = g_strdup_printf ("%u", r->port);

  /* The labels are keys a script may read: not translated. */
  append_line (out, "host", r->host);
  append_line (out, "port", port);
  append_line (out, "security", mp_pop3_security_to_string (r->security));
  append_line (out, "username", r->username);
  append_line (out, "url", url);
  append_line (out, "source", origin);
  append_line (out, "detail", r->detail);
}

static MpCliExit
exit_code_for (const GError *error)
{
  if (error->domain != MP_ERROR)
    return MP_CLI_EXIT_OTHER;
  switch (error->code)
    {
    case MP_ERROR_CONFIG:
      return MP_CLI_EXIT_USAGE;
    case MP_ERROR_TIMEOUT:
      return MP_CLI_EXIT_TIMEOUT;
    default:
      return MP_CLI_EXIT_SERVER;
    }
}

/* The error names each source on its own line; print them as such. */
static void
print_error_lines (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    mp_cli_print_error ("%s", lines[i]);
}

MpCliExit
mp_cli_cmd_discover (MpCli *cli, char **argv)
{
  const MpCliArgs *args = cli->args;
  MpDiscoverOptions options = {
    .ispdb_url = args->ispdb_url,
    .ca_file = args->ca_file,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MpDiscoverResult) result = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (argv[0] == NULL || argv[1] != NULL)
    return mp_cli_usage_error (_("discover takes one e-mail address. "
                                 "Run “mailpeek-cli --help” for usage."));
  if (args->ispdb_url != NULL && !g_str_has_prefix (args->ispdb_url, "https://"))
    return mp_cli_usage_error (_("--ispdb-url must be an https:// URL"));
  /* The same bounds as for a session; here the whole search. */
  if (args->timeout != -1)
    {
      if (args->timeout < 1 || args->timeout > 3600)
        return mp_cli_usage_error (_("--timeout must be between 1 and 3600 seconds"));
      options.timeout_ms = (guint) args->timeout * 1000;
    }
  result = mp_discover_sync (argv[0], &options, NULL, &error);
  if (result == NULL)
    {
      print_error_lines (error->message);
      return exit_code_for (error);
    }
  if (result->plaintext_only)
    mp_cli_print_error (_("Warning: this server offers no encryption; the password would be "
                          "readable by anyone on the way (--starttls never "
                          "--allow-plaintext-password)."));
  if (args->json)
    append_json (out, result);
  else
    append_text (out, result);
  mp_cli_emit (out);
  return mp_cli_finish_output ();
}
