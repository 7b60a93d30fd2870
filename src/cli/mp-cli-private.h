/* mp-cli-private.h — what the files of mailpeek-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mailpeek-cli.c parses the command line and dispatches; mp-cli-setup.c turns the URL
 * and options into engine options; mp-cli-session.c holds the session, the errors and
 * the message lookup every command uses; each mp-cli-cmd-*.c runs one command group.
 */
#pragma once

#include <gio/gio.h>

#include "mp-pop3-session.h"

G_BEGIN_DECLS

/* The exit statuses documented in --help and mailpeek-cli(1). */
typedef enum {
  MP_CLI_EXIT_OK = 0,
  MP_CLI_EXIT_OTHER = 1,
  MP_CLI_EXIT_USAGE = 2,
  MP_CLI_EXIT_NETWORK = 3,
  MP_CLI_EXIT_AUTH = 4,
  MP_CLI_EXIT_SERVER = 5,
  MP_CLI_EXIT_TIMEOUT = 6,
  MP_CLI_EXIT_NOT_DELETED = 7,
} MpCliExit;

/* The command-line options as GOptionContext leaves them (strings owned by it). */
typedef struct {
  char     *password_file;
  char     *password_command;
  int       password_command_timeout;   /* -1: not given */
  char     *auth;
  char     *starttls;
  gboolean  allow_plaintext;
  char     *ca_file;
  char     *pin_sha256;
  int       timeout;          /* -1: not given (also the three below) */
  int       max_time;
  int       speed_limit;
  int       speed_time;
  char     *pipeline;
  gboolean  trace;
  gboolean  json;
  char     *state;
  char    **numbers;          /* --number, each time given; NULL: not given */
  char     *rules;            /* rules: the rules file */
  char     *recycle_dir;      /* rules apply: the recycle bin; NULL: the default */
  gboolean  yes_all;          /* rules apply: may delete every message */
  gboolean  version;
  char     *ispdb_url;
} MpCliArgs;

/* A message as named on the command line: by its UIDL, or by its number in this
 * session (--number). Never both from one string: RFC 1939 lets a UIDL be any
 * printable text, "#2" or "2" included, so a UIDL is never read as a number. */
typedef struct {
  const char *uidl;           /* borrowed; NULL when named by number */
  guint       number;
} MpCliName;

typedef struct {
  const MpCliArgs *args;      /* borrowed */
  MpPop3Options   *options;   /* owned */
  MpPop3Session   *session;   /* owned; NULL before connect */
  MpPop3Listing   *listing;   /* owned; what the entries of open_mailbox point into */
  char            *account;   /* owned; "user@host", names the state file's mailbox */
} MpCli;

typedef MpCliExit (*MpCliCommandFunc) (MpCli *cli, char **args);

/* mp-cli-setup.c */
MpCliExit     mp_cli_setup            (MpCli *cli, const char *url);

/* mp-cli-session.c: errors and output */
void          mp_cli_print_error      (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
MpCliExit     mp_cli_usage_error      (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
MpCliExit     mp_cli_report           (MpCli *cli, const GError *error);
MpCliExit     mp_cli_write_error      (void);
MpCliExit     mp_cli_output_error     (int errnum);
gboolean      mp_cli_output_failed    (void);
gboolean      mp_cli_write            (const char *data, gsize len);
gboolean      mp_cli_emit             (GString *out);
MpCliExit     mp_cli_finish_output    (void);
const char   *mp_cli_bytes_get_data   (GBytes *bytes, gsize *len);

/* mp-cli-session.c: the session */
MpCliExit     mp_cli_expect_no_args   (char **args, const char *command);
MpCliExit     mp_cli_parse_numbers    (const MpCliArgs *args, GArray *names);
MpCliExit     mp_cli_parse_one_name   (const MpCliArgs *args, char ***args_inout,
                                       MpCliName *name, const char *usage);
MpCliExit     mp_cli_connect          (MpCli *cli);
MpCliExit     mp_cli_scan             (MpCli *cli, GPtrArray **entries_out);
MpCliExit     mp_cli_open_mailbox     (MpCli *cli, GPtrArray **entries_out);
GPtrArray    *mp_cli_adopt_listing    (MpCli *cli, MpPop3Listing *listing);
MpCliExit     mp_cli_open_message     (MpCli *cli, const MpCliName *name,
                                       GPtrArray **entries_out, MpPop3Entry **entry_out);
MpPop3Entry  *mp_cli_find_number      (GPtrArray *entries, guint64 number);
MpCliExit     mp_cli_resolve          (GPtrArray *entries, const MpCliName *name,
                                       MpPop3Entry **out);
gboolean      mp_cli_all_have_uidl    (GPtrArray *entries);
MpCliExit     mp_cli_no_uidl_error    (void);
MpCliExit     mp_cli_quit             (MpCli *cli);
void          mp_cli_clear            (MpCli *cli);

/* One file per command group. */
MpCliExit     mp_cli_cmd_capa         (MpCli *cli, char **args);
MpCliExit     mp_cli_cmd_list         (MpCli *cli, char **args);
MpCliExit     mp_cli_cmd_check        (MpCli *cli, char **args);
MpCliExit     mp_cli_cmd_top          (MpCli *cli, char **args);
MpCliExit     mp_cli_cmd_retr         (MpCli *cli, char **args);
MpCliExit     mp_cli_cmd_delete       (MpCli *cli, char **args);
MpCliExit     mp_cli_cmd_rules        (MpCli *cli, char **args);
/* discover ADDRESS: @args starts at the address; no URL, no session. */
MpCliExit     mp_cli_cmd_discover     (MpCli *cli, char **args);

G_END_DECLS
