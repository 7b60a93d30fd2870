/* mailpeek-cli.c — look at a POP3 mailbox from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin, GTK-free front end on the engine (src/pop3) and the mail parser
 * (src/mail). This file parses the command line and runs one command; see
 * mp-cli-private.h for the map of the other files.
 */
#include "mp-config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "mp-cli-private.h"
#include "mp-pop3-stdfds.h"

/* GOptionContext writes into this. */
static MpCliArgs cli_args = {
  .timeout = -1, .max_time = -1, .speed_limit = -1, .speed_time = -1,
  .password_command_timeout = -1,
};

static const GOptionEntry option_entries[] = {
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli_args.password_file,
    N_("Read the password (or OAuth2 access token) from FILE; otherwise $MAILPEEK_PASSWORD is used"),
    N_("FILE") },
  { "password-command", 0, 0, G_OPTION_ARG_STRING, &cli_args.password_command,
    N_("Run CMD with /bin/sh -c; the first line it prints is the password or token"),
    N_("CMD") },
  { "password-command-timeout", 0, 0, G_OPTION_ARG_INT, &cli_args.password_command_timeout,
    N_("Give up on the password command after this long (default 30)"), N_("SECONDS") },
  { "auth", 0, 0, G_OPTION_ARG_STRING, &cli_args.auth,
    N_("Authentication: auto, user, apop, plain, login, cram-md5, xoauth2 or oauthbearer"), N_("MECH") },
  { "starttls", 0, 0, G_OPTION_ARG_STRING, &cli_args.starttls,
    N_("For pop3:// URLs: required (default), if-available or never"), N_("WHEN") },
  { "allow-plaintext-password", 0, 0, G_OPTION_ARG_NONE, &cli_args.allow_plaintext,
    N_("Allow sending the password over an unencrypted connection"), NULL },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &cli_args.ca_file,
    N_("Trust the certificate authorities in this PEM file"), N_("FILE") },
  { "pin-sha256", 0, 0, G_OPTION_ARG_STRING, &cli_args.pin_sha256,
    N_("Trust the server certificate with this SHA-256 fingerprint"), N_("HEX") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &cli_args.timeout,
    N_("Give up when the server is silent this long (default 30)"), N_("SECONDS") },
  { "max-time", 0, 0, G_OPTION_ARG_INT, &cli_args.max_time,
    N_("Give up when one step (log-in, listing, one message) takes longer "
       "than this (default 3600)"), N_("SECONDS") },
  { "speed-limit", 0, 0, G_OPTION_ARG_INT, &cli_args.speed_limit,
    N_("Give up when the server sends fewer bytes per second than this for --speed-time "
       "(default 10)"), N_("BYTES") },
  { "speed-time", 0, 0, G_OPTION_ARG_INT, &cli_args.speed_time,
    N_("The time over which --speed-limit is measured (default 60)"), N_("SECONDS") },
  { "pipeline", 0, 0, G_OPTION_ARG_STRING, &cli_args.pipeline,
    N_("Command pipelining: auto (default), off, or a window size N"), N_("MODE") },
  { "trace", 0, 0, G_OPTION_ARG_NONE, &cli_args.trace,
    N_("Print the protocol dialogue on standard error (passwords hidden)"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &cli_args.json,
    N_("Print JSON instead of text"), NULL },
  { "state", 0, 0, G_OPTION_ARG_FILENAME, &cli_args.state,
    N_("check: file remembering the messages already seen"), N_("FILE") },
  { "number", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli_args.numbers,
    N_("top, retr, delete: the message numbered N in this session instead of a UIDL "
       "(delete: may be given more than once)"), N_("N") },
  { "rules", 0, 0, G_OPTION_ARG_FILENAME, &cli_args.rules,
    N_("rules: the rules file (format: mailpeek-rules(5))"), N_("FILE") },
  { "recycle-dir", 0, 0, G_OPTION_ARG_FILENAME, &cli_args.recycle_dir,
    N_("rules apply: keep a copy of each deleted message in this Maildir"), N_("DIR") },
  { "yes-all", 0, 0, G_OPTION_ARG_NONE, &cli_args.yes_all,
    N_("rules apply: go ahead even when the rules delete every message"), NULL },
  { "ispdb-url", 0, 0, G_OPTION_ARG_STRING, &cli_args.ispdb_url,
    N_("discover: the ISP database to ask (default https://autoconfig.thunderbird.net/v1.1/)"),
    N_("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &cli_args.version,
    N_("Show the version and exit"), NULL },
  { NULL }
};

typedef struct {
  const char       *name;
  MpCliCommandFunc  run;
} Command;

static const Command commands[] = {
  { "capa", mp_cli_cmd_capa },
  { "list", mp_cli_cmd_list },
  { "top", mp_cli_cmd_top },
  { "retr", mp_cli_cmd_retr },
  { "delete", mp_cli_cmd_delete },
  { "check", mp_cli_cmd_check },
  { "rules", mp_cli_cmd_rules },
  { "discover", mp_cli_cmd_discover },
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
  g_autofree char *summary = NULL;

  /* One message per command group, so that a new group does not make the
   * translations of the rest stale. */
  summary = g_strconcat (_(
    "Look at a POP3 mailbox without downloading it.\n"
    "\n"
    "Commands:\n"
    "  capa   URL                 server capabilities\n"
    "  list   URL                 one line per message:\n"
    "                             NUM, UIDL, SIZE, DATE (UTC), FROM, SUBJECT (tab-separated)\n"
    "  top    URL UIDL [LINES]    headers and the start of the text (default 50 lines)\n"
    "  retr   URL UIDL            the whole message, raw (CRLF line ends, dot-unstuffed)\n"
    "  delete URL UIDL...         delete messages (committed only when QUIT is confirmed)\n"
    "  check  URL --state FILE    messages that are new since the last check\n"
    "\n"
    "A message is named by its UIDL, whatever it looks like (\"#2\" and \"2\" are UIDLs\n"
    "too); --number N names message N of this session instead.\n"
    "URLs: pop3s://USER@HOST[:PORT] (TLS), pop3://USER@HOST[:PORT] (STARTTLS),\n"
    "      pop://USER;AUTH=MECH@HOST[:PORT]"), "\n\n", _(
    "Rules (file format: mailpeek-rules(5)):\n"
    "  rules test  URL --rules FILE   dry run: each message a rule acts on, and why\n"
    "  rules apply URL --rules FILE   delete what delete rules match, each message first\n"
    "                                 kept in the recycle bin (junk and no-notify are\n"
    "                                 only shown)"), "\n\n", _(
    "Set-up:\n"
    "  discover ADDRESS           the POP3 settings of an e-mail address and where\n"
    "                             they come from (exit 5: none found)"), NULL);

  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, _(
    "The password is read from --password-file, printed by --password-command or taken\n"
    "from the MAILPEEK_PASSWORD variable.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  other error (file, unknown UIDL or message number, output); standard output\n"
    "     closed: nothing is done; a pipe closed by its reader: stops without a message\n"
    "  2  usage error (options, URL, no password given)\n"
    "  3  network, TLS or certificate problem, or the connection is not secure enough\n"
    "     (STARTTLS not offered, plaintext password refused)\n"
    "  4  authentication failed (wrong password, mechanism not offered), or the\n"
    "     password command failed, printed nothing or did not finish in time\n"
    "  5  server or protocol error (-ERR, IN-USE, LOGIN-DELAY, no UIDL or TOP, garbage)\n"
    "  6  timeout: the server stopped answering, sent too slowly (--speed-limit)\n"
    "     or took longer than --max-time\n"
    "  7  delete, rules apply: nothing was deleted (QUIT was not confirmed)"));
  g_option_context_add_main_entries (ctx, option_entries, GETTEXT_PACKAGE);
  return ctx;
}

static void
init_i18n (void)
{
  const char *localedir = g_getenv ("MAILPEEK_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* MAILPEEK_LOCALEDIR: the catalogues of an uninstalled build (translation test). */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static const Command *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (name, commands[i].name) == 0)
      return &commands[i];
  return NULL;
}

/* Parses the command line into cli_args; leaves COMMAND URL ARGS… in *@args. */
static MpCliExit
parse_command_line (GStrv *args)
{
  g_autoptr(GOptionContext) ctx = make_context ();
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse_strv (ctx, args, &error))
    {
      mp_cli_print_error ("%s", error->message);
      return mp_cli_usage_error (_("Run “mailpeek-cli --help” for usage."));
    }
  drop_end_of_options (*args);
  return MP_CLI_EXIT_OK;
}

int
main (int argc, char **argv)
{
  g_auto(GStrv) args = g_strdupv (argv);
  MpCli cli = { .args = &cli_args };
  const Command *command;
  MpCliExit rc;
  int closed_fds = mp_pop3_ensure_std_fds ();

  if (closed_fds < 0)
    return MP_CLI_EXIT_OTHER;
  /* A write into a pipe whose reader left is handled where it fails (EPIPE), not
   * by a signal killing the session halfway. */
  signal (SIGPIPE, SIG_IGN);
  init_i18n ();
  /* Every command reports on stdout; without it, do nothing at all rather than
   * delete or fetch what nobody can be told about. */
  if (closed_fds & (1 << STDOUT_FILENO))
    return mp_cli_output_error (EBADF);
  if ((rc = parse_command_line (&args)) != MP_CLI_EXIT_OK)
    return rc;
  if (cli_args.version)
    {
      const char *version = "mailpeek-cli " PACKAGE_VERSION "\n";

      mp_cli_write (version, strlen (version));
      return mp_cli_finish_output ();
    }
  if (g_strv_length (args) < 3)
    return mp_cli_usage_error (_("A command and a URL are needed. "
                                 "Run “mailpeek-cli --help” for usage."));
  command = find_command (args[1]);
  if (command == NULL)
    return mp_cli_usage_error (_("Unknown command “%s”. Run “mailpeek-cli --help” for usage."),
                               args[1]);
  /* "rules test URL": the URL goes where every command has it, test after it. */
  if (command->run == mp_cli_cmd_rules)
    {
      if (args[3] == NULL)
        return mp_cli_usage_error (_("Usage: mailpeek-cli rules test|apply URL --rules FILE"));
      char *sub = args[2];
      args[2] = args[3];
      args[3] = sub;
    }
  if ((cli_args.rules != NULL || cli_args.recycle_dir != NULL || cli_args.yes_all)
      && command->run != mp_cli_cmd_rules)
    return mp_cli_usage_error (_("--rules, --recycle-dir and --yes-all are only used by rules"));
  if (cli_args.state != NULL && command->run != mp_cli_cmd_check)
    return mp_cli_usage_error (_("--state is only used by check"));
  if (cli_args.numbers != NULL && command->run != mp_cli_cmd_top
      && command->run != mp_cli_cmd_retr && command->run != mp_cli_cmd_delete)
    return mp_cli_usage_error (_("--number is only used by top, retr and delete"));

  if (cli_args.ispdb_url != NULL && command->run != mp_cli_cmd_discover)
    return mp_cli_usage_error (_("--ispdb-url is only used by discover"));
  if (command->run == mp_cli_cmd_discover)   /* an address, not a URL */
    return command->run (&cli, args + 2);

  rc = mp_cli_setup (&cli, args[2]);
  if (rc == MP_CLI_EXIT_OK)
    rc = command->run (&cli, args + 3);
  mp_cli_clear (&cli);
  return rc;
}
