/* mp-cli-setup.c — the URL, the options and the password become engine options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mp-cli-format.h"
#include "mp-cli-private.h"
#include "mp-error.h"
#include "mp-password-command.h"
#include "mp-pop3-url.h"

static void
trace_cb (MpPop3TraceDirection direction,
          const char          *line,
          gpointer             user_data)
{
  g_autoptr(GString) out = g_string_new (direction == MP_POP3_TRACE_SENT ? "C: "
                                          : direction == MP_POP3_TRACE_RECEIVED ? "S: " : "* ");

  mp_cli_append_field (out, line);
  g_printerr ("%s\n", out->str);
}

static char *
read_password_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  /* Only the final line break is not part of the password. */
  if (len > 0 && contents[len - 1] == '\n')
    contents[--len] = '\0';
  if (len > 0 && contents[len - 1] == '\r')
    contents[--len] = '\0';
  if (strlen (contents) != len || len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The password file “%s” is empty or holds a NUL byte"), path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* The command's standard error is the user's terminal: its helper explains there
 * why it failed (we never read it, so it cannot reach our messages).  Ctrl-C
 * while it runs ends it as well as us. */
static char *
run_password_command (const MpCliArgs *args, GError **error)
{
  guint timeout_ms = args->password_command_timeout > 0
                     ? (guint) args->password_command_timeout * 1000 : 0;

  return mp_password_command_run_sync (args->password_command, timeout_ms,
                                       MP_PASSWORD_COMMAND_INHERIT_STDERR
                                       | MP_PASSWORD_COMMAND_FOREGROUND, NULL, error);
}

static char *
read_password (const MpCliArgs *args, GError **error)
{
  const char *env;

  if (args->password_file != NULL)
    return read_password_file (args->password_file, error);
  if (args->password_command != NULL)
    return run_password_command (args, error);
  env = g_getenv ("MAILPEEK_PASSWORD");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("No password: use --password-file FILE, --password-command CMD "
                         "or set MAILPEEK_PASSWORD"));
  return NULL;
}

static gboolean
parse_pipeline (const char *text, int *out)
{
  guint64 n;

  if (text == NULL || strcmp (text, "auto") == 0)
    *out = -1;
  else if (strcmp (text, "off") == 0)
    *out = 0;
  else if (g_ascii_string_to_unsigned (text, 10, 1, 1000, &n, NULL))
    *out = (int) n;
  else
    return FALSE;
  return TRUE;
}

static gboolean
valid_pin (const char *pin)
{
  guint digits = 0;

  for (const char *p = pin; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        digits++;
      else if (*p != ':')
        return FALSE;
    }
  return digits == 64;
}

/* @shown: the URL as messages may quote it (mp_pop3_url_redact()). */
static MpCliExit
apply_url (MpPop3Options *o, const char *url, const char *shown)
{
  g_autoptr(GError) error = NULL;

  if (!mp_pop3_url_parse (url, o, &error))
    return mp_cli_usage_error (_("Invalid URL “%s”: %s"), shown, error->message);
  if (o->username == NULL || *o->username == '\0')
    return mp_cli_usage_error (_("The URL “%s” names no user (pop3s://USER@HOST)"), shown);
  return MP_CLI_EXIT_OK;
}

static MpCliExit
apply_starttls (MpPop3Options *o, const char *starttls)
{
  if (starttls == NULL)
    return MP_CLI_EXIT_OK;
  if (o->security == MP_POP3_SECURITY_TLS)
    {
      if (strcmp (starttls, "required") == 0)
        return MP_CLI_EXIT_OK;
      return mp_cli_usage_error (_("--starttls does not apply to pop3s:// URLs "
                                   "(TLS from the start)"));
    }
  if (strcmp (starttls, "required") == 0)
    o->security = MP_POP3_SECURITY_STARTTLS;
  else if (strcmp (starttls, "if-available") == 0)
    o->security = MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE;
  else if (strcmp (starttls, "never") == 0)
    o->security = MP_POP3_SECURITY_NONE;
  else
    return mp_cli_usage_error (_("--starttls must be required, if-available or never"));
  return MP_CLI_EXIT_OK;
}

/* TRUE when the URL chooses the mechanism itself (pop://USER;AUTH=MECH@HOST). */
static gboolean
url_names_auth (const char *url)
{
  const char *at = strrchr (url, '@');
  g_autofree char *userinfo = at != NULL ? g_ascii_strdown (url, at - url) : NULL;

  return userinfo != NULL && strstr (userinfo, ";auth=") != NULL;
}

static MpCliExit
apply_auth (MpPop3Options *o, const char *auth, const char *url, const char *shown)
{
  MpPop3AuthMethod method;

  if (auth == NULL)
    return MP_CLI_EXIT_OK;
  if (!mp_pop3_auth_method_from_string (auth, &method))
    return mp_cli_usage_error (_("Unknown --auth method “%s”"), auth);
  /* Two different answers to one question: neither silently wins. ";AUTH=*" is
   * "any", which --auth may narrow. */
  if (url_names_auth (url) && o->auth != MP_POP3_AUTH_AUTO && method != o->auth)
    return mp_cli_usage_error (_("--auth %s contradicts the ;AUTH= of the URL “%s”"),
                               auth, shown);
  o->auth = method;
  return MP_CLI_EXIT_OK;
}

/* An optional number option (-1: not given) into *@out times @scale. */
static gboolean
apply_number (int value, int max, guint scale, guint *out)
{
  if (value == -1)
    return TRUE;
  if (value < 1 || value > max)
    return FALSE;
  *out = (guint) value * scale;
  return TRUE;
}

static MpCliExit
apply_limits (MpPop3Options *o, const MpCliArgs *args)
{
  if (!apply_number (args->timeout, 3600, 1000, &o->timeout_ms))
    return mp_cli_usage_error (_("--timeout must be between 1 and 3600 seconds"));
  if (!apply_number (args->max_time, 86400, 1000, &o->max_time_ms))
    return mp_cli_usage_error (_("--max-time must be between 1 and 86400 seconds"));
  if (!apply_number (args->speed_limit, G_MAXINT, 1, &o->speed_limit))
    return mp_cli_usage_error (_("--speed-limit must be at least 1 byte per second"));
  if (!apply_number (args->speed_time, 3600, 1000, &o->speed_time_ms))
    return mp_cli_usage_error (_("--speed-time must be between 1 and 3600 seconds"));
  return MP_CLI_EXIT_OK;
}

static MpCliExit
apply_connection (MpPop3Options *o, const MpCliArgs *args)
{
  MpCliExit rc;

  if (!parse_pipeline (args->pipeline, &o->pipeline))
    return mp_cli_usage_error (_("--pipeline must be auto, off or a number from 1 to 1000"));
  if ((rc = apply_limits (o, args)) != MP_CLI_EXIT_OK)
    return rc;
  o->allow_plaintext_password = args->allow_plaintext;
  if (args->trace)
    o->trace_func = trace_cb;
  return MP_CLI_EXIT_OK;
}

static MpCliExit
apply_trust (MpPop3Options *o, const MpCliArgs *args)
{
  if (args->pin_sha256 != NULL && !valid_pin (args->pin_sha256))
    return mp_cli_usage_error (_("--pin-sha256 needs the 64 hexadecimal digits of a SHA-256 "
                                 "fingerprint (colons allowed)"));
  /* Found out before connecting: a typo in the path is not a TLS problem. */
  if (args->ca_file != NULL && g_access (args->ca_file, R_OK) != 0)
    {
      int saved_errno = errno;

      mp_cli_print_error (_("Cannot read the CA file “%s”: %s"), args->ca_file,
                          g_strerror (saved_errno));
      return MP_CLI_EXIT_OTHER;
    }
  g_free (o->ca_file);
  o->ca_file = g_strdup (args->ca_file);
  g_free (o->pin_sha256);
  o->pin_sha256 = g_strdup (args->pin_sha256);
  return MP_CLI_EXIT_OK;
}

static MpCliExit
check_password_options (const MpCliArgs *args)
{
  if (args->password_file != NULL && args->password_command != NULL)
    return mp_cli_usage_error (_("--password-file and --password-command exclude each other"));
  if (args->password_command_timeout != -1 && args->password_command == NULL)
    return mp_cli_usage_error (_("--password-command-timeout needs --password-command"));
  if (args->password_command_timeout != -1
      && (args->password_command_timeout < 1 || args->password_command_timeout > 3600))
    return mp_cli_usage_error (_("--password-command-timeout must be between 1 and "
                                 "3600 seconds"));
  return MP_CLI_EXIT_OK;
}

static MpCliExit
apply_password (MpPop3Options *o, const MpCliArgs *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  MpCliExit rc = check_password_options (args);

  if (rc != MP_CLI_EXIT_OK)
    return rc;
  password = read_password (args, &error);
  if (password == NULL)
    {
      mp_cli_print_error ("%s", error->message);
      /* A failed command gave no credentials: the same remedy as refused ones. */
      if (g_error_matches (error, MP_ERROR, MP_ERROR_CREDENTIALS))
        return MP_CLI_EXIT_AUTH;
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
             ? MP_CLI_EXIT_USAGE : MP_CLI_EXIT_OTHER;
    }
  mp_pop3_options_set_password (o, password);
  memset (password, 0, strlen (password));
  return MP_CLI_EXIT_OK;
}

/* Fills cli->options from the URL and the options; on failure prints why and
 * returns the exit code (usage errors are 2). */
MpCliExit
mp_cli_setup (MpCli *cli, const char *url)
{
  g_autofree char *shown = mp_pop3_url_redact (url);
  MpPop3Options *o;
  MpCliExit rc;

  cli->options = o = mp_pop3_options_new ();
  if ((rc = apply_url (o, url, shown)) != MP_CLI_EXIT_OK
      || (rc = apply_starttls (o, cli->args->starttls)) != MP_CLI_EXIT_OK
      || (rc = apply_auth (o, cli->args->auth, url, shown)) != MP_CLI_EXIT_OK
      || (rc = apply_connection (o, cli->args)) != MP_CLI_EXIT_OK
      || (rc = apply_trust (o, cli->args)) != MP_CLI_EXIT_OK
      || (rc = apply_password (o, cli->args)) != MP_CLI_EXIT_OK)
    return rc;
  /* The mailbox, not the way to it: pop3s:// and pop3:// reach the same one. */
  cli->account = g_strdup_printf ("%s@%s", o->username, o->host);
  return MP_CLI_EXIT_OK;
}
