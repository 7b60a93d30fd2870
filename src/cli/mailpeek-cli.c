/* mailpeek-cli.c — look at a POP3 mailbox from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin, GTK-free front end on the engine (src/pop3) and the mail parser
 * (src/mail). It runs the blocking engine calls on the main thread: there is no
 * UI to keep responsive, and the engine's idle timeout bounds every wait.
 */
#include "mp-config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "mp-cli-format.h"
#include "mp-cli-state.h"
#include "mp-message-preview.h"
#include "mp-message-summary.h"
#include "mp-pop3-session.h"
#include "mp-pop3-url.h"

typedef enum {
  EXIT_OK = 0,
  EXIT_OTHER = 1,
  EXIT_USAGE = 2,
  EXIT_NETWORK = 3,
  EXIT_AUTH = 4,
  EXIT_SERVER = 5,
  EXIT_TIMEOUT = 6,
  EXIT_NOT_DELETED = 7,
} CliExit;

#define DEFAULT_TOP_LINES 50
#define TOP_BATCH 500

/* Command-line options (GOptionContext writes into these). */
static char     *opt_password_file;
static char     *opt_auth;
static char     *opt_starttls;
static gboolean  opt_allow_plaintext;
static char     *opt_ca_file;
static char     *opt_pin_sha256;
static int       opt_timeout = -1;
static char     *opt_pipeline;
static gboolean  opt_trace;
static gboolean  opt_json;
static char     *opt_state;
static gboolean  opt_version;

static const GOptionEntry option_entries[] = {
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file,
    N_("Read the password (or XOAUTH2 token) from FILE; otherwise $MAILPEEK_PASSWORD is used"),
    N_("FILE") },
  { "auth", 0, 0, G_OPTION_ARG_STRING, &opt_auth,
    N_("Authentication: auto, user, apop, plain, login, cram-md5 or xoauth2"), N_("MECH") },
  { "starttls", 0, 0, G_OPTION_ARG_STRING, &opt_starttls,
    N_("For pop3:// URLs: required (default), if-available or never"), N_("WHEN") },
  { "allow-plaintext-password", 0, 0, G_OPTION_ARG_NONE, &opt_allow_plaintext,
    N_("Allow sending the password over an unencrypted connection"), NULL },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca_file,
    N_("Trust the certificate authorities in this PEM file"), N_("FILE") },
  { "pin-sha256", 0, 0, G_OPTION_ARG_STRING, &opt_pin_sha256,
    N_("Trust the server certificate with this SHA-256 fingerprint"), N_("HEX") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout,
    N_("Give up when the server is silent this long (default 30)"), N_("SECONDS") },
  { "pipeline", 0, 0, G_OPTION_ARG_STRING, &opt_pipeline,
    N_("Command pipelining: auto (default), off, or a window size N"), N_("MODE") },
  { "trace", 0, 0, G_OPTION_ARG_NONE, &opt_trace,
    N_("Print the protocol dialogue on standard error (passwords hidden)"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Print JSON instead of text"), NULL },
  { "state", 0, 0, G_OPTION_ARG_FILENAME, &opt_state,
    N_("check: file remembering the messages already seen"), N_("FILE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
    N_("Show the version and exit"), NULL },
  { NULL }
};

typedef struct {
  MpPop3Options *options;   /* owned */
  MpPop3Session *session;   /* owned; NULL before connect */
  char          *account;   /* owned; "user@host", names the state file's mailbox */
} Cli;

static void
cli_clear (Cli *cli)
{
  /* Leave politely when a command stopped early on a -ERR; after transport and
   * protocol errors the engine has already closed the session. A delete that
   * must not be committed closes the session itself before getting here. */
  if (cli->session != NULL && mp_pop3_session_is_connected (cli->session))
    mp_pop3_session_quit_sync (cli->session, NULL, NULL);
  if (cli->session != NULL)
    mp_pop3_session_close (cli->session);
  g_clear_object (&cli->session);
  g_clear_pointer (&cli->options, mp_pop3_options_free);
  g_clear_pointer (&cli->account, g_free);
}

/* ------------------------------------------------------------------ errors */

static void
print_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static void
print_error (const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  g_autoptr(GString) line = g_string_new ("mailpeek-cli: ");
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  /* Messages may quote the server (-ERR text): no control characters reach the terminal. */
  mp_cli_append_field (line, msg);
  g_printerr ("%s\n", line->str);
}

static CliExit
exit_code_for (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return EXIT_TIMEOUT;
  if (error->domain != MP_POP3_ERROR)
    return EXIT_OTHER;
  switch ((MpPop3ErrorCode) error->code)
    {
    case MP_POP3_ERROR_TIMEOUT:
      return EXIT_TIMEOUT;
    case MP_POP3_ERROR_CONNECT:
    case MP_POP3_ERROR_TLS:
    case MP_POP3_ERROR_CERTIFICATE:
    case MP_POP3_ERROR_CLOSED:
    case MP_POP3_ERROR_PLAINTEXT_REFUSED:
    case MP_POP3_ERROR_STLS_UNAVAILABLE:
      return EXIT_NETWORK;
    case MP_POP3_ERROR_AUTH:
    case MP_POP3_ERROR_AUTH_UNSUPPORTED:
      return EXIT_AUTH;
    case MP_POP3_ERROR_IN_USE:
    case MP_POP3_ERROR_LOGIN_DELAY:
    case MP_POP3_ERROR_SYS_TEMP:
    case MP_POP3_ERROR_SYS_PERM:
    case MP_POP3_ERROR_SERVER:
    case MP_POP3_ERROR_PROTOCOL:
    case MP_POP3_ERROR_NO_SUCH_MESSAGE:
    case MP_POP3_ERROR_UNSUPPORTED:
    default:
      return EXIT_SERVER;
    }
}

/* A sentence telling the person what to do next, or NULL. */
static char *
hint_for (Cli *cli, const GError *error)
{
  if (error->domain != MP_POP3_ERROR)
    return NULL;
  switch ((MpPop3ErrorCode) error->code)
    {
    case MP_POP3_ERROR_CERTIFICATE:
      {
        g_autofree char *fp = cli->session ? mp_pop3_session_dup_peer_fingerprint (cli->session) : NULL;
        if (fp != NULL)
          return g_strdup_printf (_("If you trust this certificate, run again with "
                                    "--pin-sha256 %s, or with --ca-file FILE naming the "
                                    "authority that issued it."), fp);
        return g_strdup (_("If you trust this server, run again with --pin-sha256 HEX "
                           "or --ca-file FILE."));
      }
    case MP_POP3_ERROR_PLAINTEXT_REFUSED:
      return g_strdup (_("The connection is not encrypted, so the password would be readable "
                         "by anyone on the way. Use pop3:// with STARTTLS or pop3s://, or pass "
                         "--allow-plaintext-password if you accept that risk."));
    case MP_POP3_ERROR_STLS_UNAVAILABLE:
      return g_strdup (_("The server does not offer STARTTLS. Try pop3s:// (port 995); "
                         "--starttls=never sends everything unencrypted."));
    case MP_POP3_ERROR_AUTH:
      return g_strdup (_("The server rejected the user name or password."));
    case MP_POP3_ERROR_AUTH_UNSUPPORTED:
      return g_strdup (_("Try another --auth method, or --auth auto."));
    case MP_POP3_ERROR_IN_USE:
      return g_strdup (_("The mailbox is in use by another session (another mail program may "
                         "be checking it right now). Try again in a minute."));
    case MP_POP3_ERROR_LOGIN_DELAY:
      return g_strdup (_("The server wants more time between logins. Try again later."));
    case MP_POP3_ERROR_SYS_TEMP:
      return g_strdup (_("The server reports a temporary problem. Try again later."));
    default:
      return NULL;
    }
}

static CliExit
report (Cli *cli, const GError *error)
{
  g_autofree char *hint = hint_for (cli, error);

  print_error ("%s", error->message);
  if (hint != NULL)
    print_error ("%s", hint);
  return exit_code_for (error);
}

/* ------------------------------------------------------------------ output */

/* Writes and flushes: a reader (pipe, terminal) sees each message as it arrives. */
static gboolean
emit (GString *out)
{
  gboolean ok = fwrite (out->str, 1, out->len, stdout) == out->len && fflush (stdout) == 0;

  g_string_truncate (out, 0);
  return ok;
}

static CliExit
finish_output (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      print_error (_("Cannot write the output: %s"), g_strerror (errno));
      return EXIT_OTHER;
    }
  return EXIT_OK;
}

/* ------------------------------------------------------------------ setup */

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
read_password (GError **error)
{
  const char *env;

  if (opt_password_file != NULL)
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (opt_password_file, &contents, &len, error))
        return NULL;
      /* Only the final line break is not part of the password. */
      if (len > 0 && contents[len - 1] == '\n')
        contents[--len] = '\0';
      if (len > 0 && contents[len - 1] == '\r')
        contents[--len] = '\0';
      if (strlen (contents) != len || len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The password file “%s” is empty or holds a NUL byte"),
                       opt_password_file);
          return NULL;
        }
      return g_steal_pointer (&contents);
    }
  env = g_getenv ("MAILPEEK_PASSWORD");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("No password: use --password-file FILE or set MAILPEEK_PASSWORD"));
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

/* Fills cli->options from the URL and the options; on failure prints why and
 * returns the exit code (usage errors are 2). */
static CliExit
setup_options (Cli *cli, const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  MpPop3Options *o;

  cli->options = o = mp_pop3_options_new ();
  if (!mp_pop3_url_parse (url, o, &error))
    {
      print_error (_("Invalid URL “%s”: %s"), url, error->message);
      return EXIT_USAGE;
    }
  if (o->username == NULL || *o->username == '\0')
    {
      print_error (_("The URL “%s” names no user (pop3s://USER@HOST)"), url);
      return EXIT_USAGE;
    }
  if (opt_starttls != NULL && o->security != MP_POP3_SECURITY_TLS)
    {
      if (strcmp (opt_starttls, "required") == 0)
        o->security = MP_POP3_SECURITY_STARTTLS;
      else if (strcmp (opt_starttls, "if-available") == 0)
        o->security = MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE;
      else if (strcmp (opt_starttls, "never") == 0)
        o->security = MP_POP3_SECURITY_NONE;
      else
        {
          print_error (_("--starttls must be required, if-available or never"));
          return EXIT_USAGE;
        }
    }
  else if (opt_starttls != NULL && strcmp (opt_starttls, "required") != 0)
    {
      print_error (_("--starttls does not apply to pop3s:// URLs (TLS from the start)"));
      return EXIT_USAGE;
    }
  if (opt_auth != NULL && !mp_pop3_auth_method_from_string (opt_auth, &o->auth))
    {
      print_error (_("Unknown --auth method “%s”"), opt_auth);
      return EXIT_USAGE;
    }
  if (!parse_pipeline (opt_pipeline, &o->pipeline))
    {
      print_error (_("--pipeline must be auto, off or a number from 1 to 1000"));
      return EXIT_USAGE;
    }
  if (opt_timeout != -1)
    {
      if (opt_timeout < 1 || opt_timeout > 3600)
        {
          print_error (_("--timeout must be between 1 and 3600 seconds"));
          return EXIT_USAGE;
        }
      o->timeout_ms = (guint) opt_timeout * 1000;
    }
  o->allow_plaintext_password = opt_allow_plaintext;
  if (opt_pin_sha256 != NULL && !valid_pin (opt_pin_sha256))
    {
      print_error (_("--pin-sha256 needs the 64 hexadecimal digits of a SHA-256 "
                     "fingerprint (colons allowed)"));
      return EXIT_USAGE;
    }
  g_free (o->ca_file);
  o->ca_file = g_strdup (opt_ca_file);
  g_free (o->pin_sha256);
  o->pin_sha256 = g_strdup (opt_pin_sha256);
  if (opt_trace)
    o->trace_func = trace_cb;

  password = read_password (&error);
  if (password == NULL)
    {
      print_error ("%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
             ? EXIT_USAGE : EXIT_OTHER;
    }
  mp_pop3_options_set_password (o, password);
  memset (password, 0, strlen (password));

  /* The mailbox, not the way to it: pop3s:// and pop3:// reach the same one. */
  cli->account = g_strdup_printf ("%s@%s", o->username, o->host);
  return EXIT_OK;
}

static CliExit
cli_connect (Cli *cli)
{
  g_autoptr(GError) error = NULL;

  cli->session = mp_pop3_session_new (cli->options);
  if (!mp_pop3_session_connect_sync (cli->session, NULL, &error))
    return report (cli, error);
  return EXIT_OK;
}

/* Read-only commands end with QUIT; a failed QUIT changes nothing for them. */
static void
cli_quit (Cli *cli)
{
  g_autoptr(GError) error = NULL;

  if (!mp_pop3_session_quit_sync (cli->session, NULL, &error))
    g_debug ("QUIT failed: %s", error->message);
}

/* ------------------------------------------------------------------ scanning */

static CliExit
scan (Cli *cli, GPtrArray **entries_out)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;
  guint count = 0;

  /* STAT first: one short line, and an empty mailbox needs no listing at all. */
  if (!mp_pop3_session_stat_sync (cli->session, &count, NULL, NULL, &error))
    return report (cli, error);
  if (count == 0)
    {
      *entries_out = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_pop3_entry_free);
      return EXIT_OK;
    }
  entries = mp_pop3_session_scan_sync (cli->session, NULL, &error);
  if (entries == NULL)
    return report (cli, error);
  *entries_out = entries;
  return EXIT_OK;
}

static gboolean
all_have_uidl (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    if (((MpPop3Entry *) g_ptr_array_index (entries, i))->uidl == NULL)
      return FALSE;
  return TRUE;
}

static CliExit
no_uidl_error (void)
{
  print_error (_("The server does not support UIDL, so messages have no stable names. "
                 "Name a message by its number instead, as #N."));
  return EXIT_SERVER;
}

/* Finds the message named @name: a UIDL, or "#N" for message number N. */
static CliExit
resolve (GPtrArray *entries, const char *name, MpPop3Entry **out)
{
  if (name[0] == '#')
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (name + 1, 10, 1, G_MAXUINT, &n, NULL))
        {
          print_error (_("“%s” is not a message number (#N)"), name);
          return EXIT_USAGE;
        }
      for (guint i = 0; i < entries->len; i++)
        {
          MpPop3Entry *e = g_ptr_array_index (entries, i);
          if (e->number == n)
            {
              *out = e;
              return EXIT_OK;
            }
        }
      print_error (_("There is no message number %s on the server"), name + 1);
      return EXIT_OTHER;
    }
  if (!all_have_uidl (entries))
    return no_uidl_error ();
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);
      if (strcmp (e->uidl, name) == 0)
        {
          *out = e;
          return EXIT_OK;
        }
    }
  print_error (_("There is no message with UIDL “%s” on the server"), name);
  return EXIT_OTHER;
}

/* ------------------------------------------------------------------ summaries */

typedef struct {
  GPtrArray *entries;   /* borrowed; MpPop3Entry, the ones asked for, in order */
  guint      cursor;    /* next entry expected from the engine */
  GString   *out;
  GHashTable *skipped;  /* borrowed, may be NULL; numbers of messages left out */
  guint      printed;
  gboolean   write_failed;
} SummaryPrinter;

static MpPop3Entry *
printer_find (SummaryPrinter *p, guint number)
{
  /* Replies come in the order asked; the search is only a safety net. */
  if (p->cursor < p->entries->len)
    {
      MpPop3Entry *e = g_ptr_array_index (p->entries, p->cursor);
      if (e->number == number)
        {
          p->cursor++;
          return e;
        }
    }
  for (guint i = 0; i < p->entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (p->entries, i);
      if (e->number == number)
        return e;
    }
  return NULL;
}

static void
printer_add (SummaryPrinter *p, MpPop3Entry *e, GBytes *headers)
{
  g_autoptr(MpMessageSummary) summary = NULL;
  g_autofree char *from = NULL;
  MpCliRow row = { .number = e->number, .uidl = e->uidl, .size = e->size };

  if (headers != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (headers, &len);

      if (data == NULL)   /* GBytes of an empty body */
        data = "";
      summary = mp_message_summary_new_from_headers (data, len, e->uidl, e->size);
      from = mp_message_summary_dup_from_display (summary);
      row.from = from;
      row.subject = mp_message_summary_get_subject (summary);
      row.date = mp_message_summary_get_date (summary);
      row.attachments = mp_message_summary_get_has_attachments (summary);
    }
  if (opt_json)
    {
      g_string_append (p->out, p->printed == 0 ? "[\n  " : ",\n  ");
      mp_cli_append_row_json (p->out, &row);
    }
  else
    mp_cli_append_row_text (p->out, &row);
  p->printed++;
  if (!emit (p->out))
    p->write_failed = TRUE;
}

static void
summary_body_cb (guint number, GBytes *body, gpointer user_data)
{
  SummaryPrinter *p = user_data;
  MpPop3Entry *e = printer_find (p, number);

  if (e == NULL)
    return;
  /* A NULL body: the server refused TOP for this one message (typically another
   * client deleted it meanwhile); the others are still worth listing. */
  if (body == NULL)
    {
      print_error (_("The server refused to show message %u; it is left out"), number);
      if (p->skipped != NULL)
        g_hash_table_add (p->skipped, GUINT_TO_POINTER (number));
      return;
    }
  printer_add (p, e, body);
}

/* Prints a summary of each of @entries as its `TOP n 0` arrives, keeping nothing:
 * this is what keeps `list` of 10 000 messages within a few megabytes. */
static CliExit
print_summaries (Cli *cli, GPtrArray *entries, GHashTable *skipped)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GBytes) first = NULL;
  g_autofree guint *numbers = NULL;
  SummaryPrinter p = { .entries = entries, .out = out, .skipped = skipped };
  const char * const *caps = mp_pop3_session_get_capabilities (cli->session);
  gboolean have_caps = caps != NULL && caps[0] != NULL;

  if (entries->len > 0)
    {
      if (have_caps && !mp_pop3_session_has_capability (cli->session, "TOP"))
        {
          print_error (_("The server does not support TOP, which is needed to read the "
                         "headers of a message without downloading it. "
                         "Use “retr” to fetch whole messages."));
          return EXIT_SERVER;
        }
      /* The first TOP alone: when the server has no CAPA its -ERR is the only
       * way to learn that TOP is missing, and it should be reported as such. */
      first = mp_pop3_session_top_sync (cli->session,
                                        ((MpPop3Entry *) entries->pdata[0])->number, 0,
                                        NULL, &error);
      if (first == NULL)
        {
          if (!have_caps && g_error_matches (error, MP_POP3_ERROR, MP_POP3_ERROR_SERVER))
            g_prefix_error (&error, _("The server refused TOP (it may not support it): "));
          return report (cli, error);
        }
      p.cursor = 1;
      printer_add (&p, entries->pdata[0], first);
      g_clear_pointer (&first, g_bytes_unref);
    }

  /* In batches: the engine builds one command per number, and a whole 10 000
   * message mailbox at once would cost more memory than the pipeline gains. */
  numbers = g_new (guint, TOP_BATCH);
  for (guint start = 1; start < entries->len; start += TOP_BATCH)
    {
      guint n = MIN (TOP_BATCH, entries->len - start);

      for (guint i = 0; i < n; i++)
        numbers[i] = ((MpPop3Entry *) entries->pdata[start + i])->number;
      if (!mp_pop3_session_top_many_sync (cli->session, numbers, n, 0,
                                          summary_body_cb, &p, NULL, &error))
        {
          if (opt_json && p.printed > 0)
            g_string_append (out, "\n]\n");
          emit (out);
          return report (cli, error);
        }
    }

  if (opt_json)
    g_string_append (out, p.printed == 0 ? "[]\n" : "\n]\n");
  if (!emit (out))
    p.write_failed = TRUE;
  if (p.write_failed)
    {
      print_error (_("Cannot write the output: %s"), g_strerror (errno));
      return EXIT_OTHER;
    }
  return finish_output ();
}

/* ------------------------------------------------------------------ commands */

static CliExit
cmd_capa (Cli *cli, char **args)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char * const *caps;
  CliExit rc;

  if (args[0] != NULL)
    {
      print_error (_("capa takes no arguments after the URL"));
      return EXIT_USAGE;
    }
  if ((rc = cli_connect (cli)) != EXIT_OK)
    return rc;
  caps = mp_pop3_session_get_capabilities (cli->session);
  if (opt_json)
    {
      g_string_append (out, "{\"greeting\": ");
      mp_cli_append_json_string (out, mp_pop3_session_get_greeting (cli->session));
      g_string_append_printf (out, ", \"encrypted\": %s, \"pipelining\": %s, \"auth\": ",
                              mp_pop3_session_is_encrypted (cli->session) ? "true" : "false",
                              mp_pop3_session_is_pipelining (cli->session) ? "true" : "false");
      mp_cli_append_json_string (out, mp_pop3_auth_method_to_string (
                                        mp_pop3_session_get_auth_method (cli->session)));
      g_string_append (out, ", \"capabilities\": [");
      for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          mp_cli_append_json_string (out, caps[i]);
        }
      g_string_append (out, "]}\n");
    }
  else
    {
      for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
        {
          mp_cli_append_field (out, caps[i]);
          g_string_append_c (out, '\n');
        }
    }
  emit (out);
  cli_quit (cli);
  return finish_output ();
}

static CliExit
cmd_list (Cli *cli, char **args)
{
  g_autoptr(GPtrArray) entries = NULL;
  CliExit rc;

  if (args[0] != NULL)
    {
      print_error (_("list takes no arguments after the URL"));
      return EXIT_USAGE;
    }
  if ((rc = cli_connect (cli)) != EXIT_OK || (rc = scan (cli, &entries)) != EXIT_OK)
    return rc;
  if (!all_have_uidl (entries))
    print_error (_("The server does not support UIDL; the UIDL column is empty. "
                   "Name messages as #N."));
  if ((rc = print_summaries (cli, entries, NULL)) != EXIT_OK)
    return rc;
  cli_quit (cli);
  return EXIT_OK;
}

/* TRUE when the body after the header block has fewer than @lines lines, i.e. TOP
 * returned the whole message. */
static gboolean
top_is_complete (GBytes *data, guint lines)
{
  gsize len = 0;
  const char *p = g_bytes_get_data (data, &len);
  const char *end = p + len;
  const char *body = NULL;
  guint n = 0;

  for (const char *q = p; q < end; q++)
    {
      if (*q == '\n' && q + 1 < end
          && (q[1] == '\n' || (q[1] == '\r' && q + 2 < end && q[2] == '\n')))
        {
          body = q + (q[1] == '\n' ? 2 : 3);
          break;
        }
    }
  if (body == NULL)
    return TRUE;
  for (const char *q = body; q < end; q++)
    if (*q == '\n')
      n++;
  return n < lines;
}

static void
append_header (GString *out, const char *name, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (out, "%s: ", name);
  mp_cli_append_field (out, value);
  g_string_append_c (out, '\n');
}

static void
append_preview_text (GString *out, Cli *cli, MpPop3Entry *e, MpMessagePreview *preview)
{
  g_autofree char *date = mp_cli_format_date (mp_message_preview_get_date (preview));
  g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, e->size);
  GPtrArray *atts = mp_message_preview_get_attachments (preview);
  g_autofree char *from = mp_message_preview_dup_from_display (preview);
  const char *text = mp_message_preview_get_text (preview);

  append_header (out, "From", from);
  append_header (out, "To", mp_message_preview_get_to (preview));
  append_header (out, "Subject", mp_message_preview_get_subject (preview));
  append_header (out, "Date", date);
  append_header (out, "UIDL", e->uidl);
  append_header (out, "Size", size);
  for (guint i = 0; atts != NULL && i < atts->len; i++)
    {
      MpAttachmentInfo *a = g_ptr_array_index (atts, i);
      g_autofree char *line = g_strdup_printf ("%s (%s, %s%" G_GUINT64_FORMAT " bytes)",
                                               *a->filename ? a->filename : _("unnamed"),
                                               a->content_type,
                                               a->size_is_estimate ? "~" : "",
                                               a->size);
      append_header (out, "Attachment", line);
    }
  g_string_append_c (out, '\n');
  mp_cli_append_text (out, text);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
}

static void
append_preview_json (GString *out, MpPop3Entry *e, MpMessagePreview *preview)
{
  g_autofree char *date = mp_cli_format_date (mp_message_preview_get_date (preview));
  g_autofree char *from = mp_message_preview_dup_from_display (preview);
  GPtrArray *atts = mp_message_preview_get_attachments (preview);

  g_string_append_printf (out, "{\"num\": %u, \"uidl\": ", e->number);
  mp_cli_append_json_string (out, e->uidl);
  g_string_append_printf (out, ", \"size\": %" G_GUINT64_FORMAT ", \"from\": ", e->size);
  mp_cli_append_json_string (out, from);
  g_string_append (out, ", \"to\": ");
  mp_cli_append_json_string (out, mp_message_preview_get_to (preview));
  g_string_append (out, ", \"subject\": ");
  mp_cli_append_json_string (out, mp_message_preview_get_subject (preview));
  g_string_append (out, ", \"date\": ");
  mp_cli_append_json_string (out, date);
  g_string_append_printf (out, ", \"complete\": %s, \"text\": ",
                          mp_message_preview_get_is_complete (preview) ? "true" : "false");
  mp_cli_append_json_string (out, mp_message_preview_get_text (preview));
  g_string_append (out, ", \"attachments\": [");
  for (guint i = 0; atts != NULL && i < atts->len; i++)
    {
      MpAttachmentInfo *a = g_ptr_array_index (atts, i);
      g_string_append (out, i > 0 ? ", {\"filename\": " : "{\"filename\": ");
      mp_cli_append_json_string (out, a->filename);
      g_string_append (out, ", \"content_type\": ");
      mp_cli_append_json_string (out, a->content_type);
      g_string_append_printf (out, ", \"size\": %" G_GUINT64_FORMAT
                              ", \"size_is_estimate\": %s}",
                              a->size, a->size_is_estimate ? "true" : "false");
    }
  g_string_append (out, "]}\n");
}

static CliExit
cmd_top (Cli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(MpMessagePreview) preview = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  MpPop3Entry *e = NULL;
  guint64 lines = DEFAULT_TOP_LINES;
  gsize len = 0;
  const char *bytes;
  CliExit rc;

  if (args[0] == NULL || (args[1] != NULL && args[2] != NULL))
    {
      print_error (_("Usage: mailpeek-cli top URL UIDL [LINES]"));
      return EXIT_USAGE;
    }
  if (args[1] != NULL && !g_ascii_string_to_unsigned (args[1], 10, 0, 1000000, &lines, NULL))
    {
      print_error (_("LINES must be a number from 0 to 1000000"));
      return EXIT_USAGE;
    }
  if ((rc = cli_connect (cli)) != EXIT_OK || (rc = scan (cli, &entries)) != EXIT_OK
      || (rc = resolve (entries, args[0], &e)) != EXIT_OK)
    return rc;
  data = mp_pop3_session_top_sync (cli->session, e->number, (guint) lines, NULL, &error);
  if (data == NULL)
    return report (cli, error);
  bytes = g_bytes_get_data (data, &len);
  if (bytes == NULL)
    bytes = "";
  preview = mp_message_preview_new_from_bytes (bytes, len, top_is_complete (data, (guint) lines));
  if (opt_json)
    append_preview_json (out, e, preview);
  else
    append_preview_text (out, cli, e, preview);
  emit (out);
  cli_quit (cli);
  return finish_output ();
}

static CliExit
cmd_retr (Cli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) data = NULL;
  MpPop3Entry *e = NULL;
  gsize len = 0;
  const char *bytes;
  CliExit rc;

  if (args[0] == NULL || args[1] != NULL)
    {
      print_error (_("Usage: mailpeek-cli retr URL UIDL"));
      return EXIT_USAGE;
    }
  if ((rc = cli_connect (cli)) != EXIT_OK || (rc = scan (cli, &entries)) != EXIT_OK
      || (rc = resolve (entries, args[0], &e)) != EXIT_OK)
    return rc;
  data = mp_pop3_session_retr_sync (cli->session, e->number, NULL, &error);
  if (data == NULL)
    return report (cli, error);
  /* Written with LF line ends, as a Unix mail file stores it. */
  bytes = g_bytes_get_data (data, &len);
  if (len > 0 && !mp_cli_write_lf (stdout, bytes, len))
    {
      print_error (_("Cannot write the output: %s"), g_strerror (errno));
      return EXIT_OTHER;
    }
  cli_quit (cli);
  return finish_output ();
}

static CliExit
not_deleted (Cli *cli, const GError *error)
{
  if (error != NULL)
    report (cli, error);
  print_error (_("Nothing was deleted."));
  return EXIT_NOT_DELETED;
}

static CliExit
cmd_delete (Cli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_direct_hash, g_direct_equal);
  CliExit rc;

  if (args[0] == NULL)
    {
      print_error (_("Usage: mailpeek-cli delete URL UIDL..."));
      return EXIT_USAGE;
    }
  if ((rc = cli_connect (cli)) != EXIT_OK || (rc = scan (cli, &entries)) != EXIT_OK)
    return rc;
  for (guint i = 0; args[i] != NULL; i++)
    {
      MpPop3Entry *e = NULL;

      /* All names must resolve before the first DELE: a typo deletes nothing. */
      if ((rc = resolve (entries, args[i], &e)) != EXIT_OK)
        {
          print_error (_("Nothing was deleted."));
          return rc;
        }
      if (g_hash_table_add (chosen, GUINT_TO_POINTER (e->number)))
        g_array_append_val (numbers, e->number);
    }
  if (!mp_pop3_session_dele_many_sync (cli->session, (guint *) numbers->data, numbers->len,
                                       NULL, &error))
    {
      /* Closing without QUIT abandons the deletions the server did accept. */
      mp_pop3_session_close (cli->session);
      return not_deleted (cli, error);
    }
  if (!mp_pop3_session_quit_sync (cli->session, NULL, &error))
    {
      g_prefix_error (&error, _("The server did not confirm QUIT: "));
      return not_deleted (cli, error);
    }
  g_print (ngettext ("Deleted %u message.\n", "Deleted %u messages.\n", numbers->len),
           numbers->len);
  return finish_output ();
}

static CliExit
cmd_check (Cli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GPtrArray) uidls = g_ptr_array_new ();
  g_autoptr(GHashTable) skipped = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean existed = FALSE;
  CliExit rc;

  if (args[0] != NULL)
    {
      print_error (_("check takes no arguments after the URL"));
      return EXIT_USAGE;
    }
  if (opt_state == NULL)
    {
      print_error (_("check needs --state FILE"));
      return EXIT_USAGE;
    }
  /* Read the state before connecting: a bad file should not cost a login. */
  seen = mp_cli_state_load (opt_state, cli->account, &existed, &error);
  if (seen == NULL)
    {
      print_error ("%s", error->message);
      return EXIT_OTHER;
    }
  if ((rc = cli_connect (cli)) != EXIT_OK || (rc = scan (cli, &entries)) != EXIT_OK)
    return rc;
  if (!all_have_uidl (entries))
    return no_uidl_error ();
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);

      if (!g_hash_table_contains (seen, e->uidl))
        g_ptr_array_add (fresh, e);
    }
  if ((rc = print_summaries (cli, fresh, skipped)) != EXIT_OK)
    return rc;
  /* A message that could not be shown is not "seen": it comes again next time
   * (unless it is gone from the server by then). */
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);
      if (!g_hash_table_contains (skipped, GUINT_TO_POINTER (e->number)))
        g_ptr_array_add (uidls, e->uidl);
    }
  /* Only after every new message was printed: a failed run shows them again. The
   * saved set is what the server has now, so deleted messages drop out of it. */
  if (!mp_cli_state_save (opt_state, cli->account, uidls, &error))
    {
      print_error ("%s", error->message);
      return EXIT_OTHER;
    }
  cli_quit (cli);
  return EXIT_OK;
}

/* ------------------------------------------------------------------ main */

typedef struct {
  const char *name;
  CliExit   (*run) (Cli *cli, char **args);
} Command;

static const Command commands[] = {
  { "capa", cmd_capa },
  { "list", cmd_list },
  { "top", cmd_top },
  { "retr", cmd_retr },
  { "delete", cmd_delete },
  { "check", cmd_check },
};

/* GOption leaves a "--" in place when arguments follow it ("delete URL -- -odd-uidl");
 * it only ends the options and is no argument itself. */
static void
drop_end_of_options (char **args)
{
  for (guint i = 1; args[i] != NULL; i++)
    {
      if (strcmp (args[i], "--") == 0)
        {
          g_free (args[i]);
          memmove (&args[i], &args[i + 1], (g_strv_length (&args[i + 1]) + 1) * sizeof (char *));
          return;
        }
    }
}

static GOptionContext *
make_context (void)
{
  GOptionContext *ctx = g_option_context_new (_("COMMAND URL [ARGUMENTS…]"));

  g_option_context_set_summary (ctx, _(
    "Look at a POP3 mailbox without downloading it.\n"
    "\n"
    "Commands:\n"
    "  capa   URL                 server capabilities\n"
    "  list   URL                 one line per message:\n"
    "                             NUM, UIDL, SIZE, DATE (UTC), FROM, SUBJECT (tab-separated)\n"
    "  top    URL UIDL [LINES]    headers and the start of the text (default 50 lines)\n"
    "  retr   URL UIDL            the whole message (LF line ends)\n"
    "  delete URL UIDL...         delete messages (committed only when QUIT is confirmed)\n"
    "  check  URL --state FILE    messages that are new since the last check\n"
    "\n"
    "A message is named by its UIDL, or by its number as #N.\n"
    "URLs: pop3s://USER@HOST[:PORT] (TLS), pop3://USER@HOST[:PORT] (STARTTLS),\n"
    "      pop://USER;AUTH=MECH@HOST[:PORT]"));
  g_option_context_set_description (ctx, _(
    "The password is read from --password-file or the MAILPEEK_PASSWORD variable.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  other error (file, unknown UIDL or message number, output)\n"
    "  2  usage error (options, URL, no password given)\n"
    "  3  network, TLS or certificate problem, or the connection is not secure enough\n"
    "     (STARTTLS not offered, plaintext password refused)\n"
    "  4  authentication failed (wrong password, mechanism not offered)\n"
    "  5  server or protocol error (-ERR, IN-USE, LOGIN-DELAY, no UIDL or TOP, garbage)\n"
    "  6  timeout: the server stopped answering\n"
    "  7  delete: nothing was deleted (QUIT was not confirmed)"));
  g_option_context_add_main_entries (ctx, option_entries, GETTEXT_PACKAGE);
  return ctx;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  Cli cli = { 0 };
  const Command *command = NULL;
  CliExit rc;

  setlocale (LC_ALL, "");
  /* MAILPEEK_LOCALEDIR: the catalogues of an uninstalled build (translation test). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MAILPEEK_LOCALEDIR") ? g_getenv ("MAILPEEK_LOCALEDIR")
                                                                  : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  ctx = make_context ();
  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (ctx, &args, &error))
    {
      print_error ("%s", error->message);
      print_error (_("Run “mailpeek-cli --help” for usage."));
      return EXIT_USAGE;
    }
  drop_end_of_options (args);
  if (opt_version)
    {
      g_print ("mailpeek-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (g_strv_length (args) < 3)
    {
      print_error (_("A command and a URL are needed. Run “mailpeek-cli --help” for usage."));
      return EXIT_USAGE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (args[1], commands[i].name) == 0)
      command = &commands[i];
  if (command == NULL)
    {
      print_error (_("Unknown command “%s”. Run “mailpeek-cli --help” for usage."), args[1]);
      return EXIT_USAGE;
    }
  if (opt_state != NULL && command->run != cmd_check)
    {
      print_error (_("--state is only used by check"));
      return EXIT_USAGE;
    }

  rc = setup_options (&cli, args[2]);
  if (rc == EXIT_OK)
    rc = command->run (&cli, args + 3);
  cli_clear (&cli);
  return rc;
}
