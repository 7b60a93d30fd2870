/* mp-password-command.h — a password or OAuth2 token printed by a user's command
 *
 * The convention of mbsync PassCmd, msmtp passwordeval and aerc: the command runs
 * through /bin/sh -c, the first line of its standard output (without CR/LF) is the
 * secret.  Standard input is /dev/null.  Nothing of the output is ever logged,
 * traced or quoted in an error message.
 *
 * The command runs in a process group of its own; on timeout, cancellation or an
 * overlong first line the whole group (the shell and everything it started there)
 * is killed with SIGKILL.  A command that has exited with status 0 after printing a
 * complete first line is done, even if something it left in the background still
 * holds its standard output.
 *
 * Errors: MP_ERROR_CREDENTIALS ("The password command exited with status 3", "…printed
 * nothing", "…did not finish within 30 s", …) or G_IO_ERROR_CANCELLED.
 *
 * MT-safe; blocks: call it on a worker thread (or in a command-line program).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MP_PASSWORD_COMMAND_DEFAULT_TIMEOUT_MS 30000
/* A first line longer than this is refused (no password or token is that long). */
#define MP_PASSWORD_COMMAND_MAX_LINE (64 * 1024)

typedef enum {
  MP_PASSWORD_COMMAND_NONE           = 0,
  /* Let the command's standard error through to ours (a terminal).  Without it the
   * command's standard error goes to /dev/null: a GUI's standard error ends in the
   * session journal, and a command might print the secret there. */
  MP_PASSWORD_COMMAND_INHERIT_STDERR = 1 << 0,
  /* For a command-line program: SIGINT, SIGTERM and SIGHUP (Ctrl-C at the terminal
   * reaches only our process group, not the command's) kill the command's group
   * while it runs, then take their default effect on this process.  Signals this
   * process ignores stay ignored. */
  MP_PASSWORD_COMMAND_FOREGROUND     = 1 << 1,
} MpPasswordCommandFlags;

/* Returns the secret (owned; wipe it: secret_password_free () or
 * mp_password_command_free_secret ()), or NULL with @error set.
 * @timeout_ms: 0 = MP_PASSWORD_COMMAND_DEFAULT_TIMEOUT_MS. */
char *mp_password_command_run_sync     (const char              *command,
                                        guint                    timeout_ms,
                                        MpPasswordCommandFlags   flags,
                                        GCancellable            *cancellable,
                                        GError                 **error);

/* Overwrites and frees a secret; NULL is fine. */
void  mp_password_command_free_secret  (char                    *secret);

G_END_DECLS
