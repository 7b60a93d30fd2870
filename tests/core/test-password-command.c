/* test-password-command.c — mp_password_command_run_sync () against real shells */
#include <errno.h>
#include <signal.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mp-error.h"
#include "mp-password-command.h"

#define SECRET "s3cr3t-Tok3n"

/* Sanitizer builds are slower to fork and exec. */
static gint64
scaled_us (gint64 usec)
{
  return g_getenv ("MP_SANITIZER") != NULL ? 3 * usec : usec;
}

/* Every log message of the run, to show none of them holds the secret. */
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (log_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
  return G_LOG_WRITER_HANDLED;
}

/* Runs @command; asserts that nothing logged or in the error mentions SECRET. */
static char *
run (const char *command,
     guint       timeout_ms,
     GError    **error)
{
  char *secret;

  g_string_truncate (log_text, 0);
  secret = mp_password_command_run_sync (command, timeout_ms, MP_PASSWORD_COMMAND_NONE,
                                         NULL, error);
  g_assert_null (strstr (log_text->str, SECRET));
  g_assert_null (strstr (log_text->str, "Tok3n"));
  if (error != NULL && *error != NULL)
    {
      g_assert_null (strstr ((*error)->message, "Tok3n"));
      g_test_message ("error: %s", (*error)->message);
    }
  return secret;
}

static void
test_first_line (void)
{
  g_autoptr(GError) error = NULL;
  char *secret = run ("printf '" SECRET "\\r\\nsecond line\\n'", 0, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, SECRET);
  mp_password_command_free_secret (secret);

  /* No final line break at all is still one line. */
  secret = run ("printf %s '" SECRET "'", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, SECRET);
  mp_password_command_free_secret (secret);
}

/* stdin is /dev/null: a command that reads it ends at once instead of waiting. */
static void
test_stdin_is_null (void)
{
  g_autoptr(GError) error = NULL;
  char *secret = run ("cat; echo " SECRET, 5000, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, SECRET);
  mp_password_command_free_secret (secret);
}

static void
test_exit_status (void)
{
  g_autoptr(GError) error = NULL;

  /* Output before the failure is not used, and not shown. */
  g_assert_null (run ("echo " SECRET "; echo " SECRET " >&2; exit 3", 0, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "exited with status 3"));
  g_clear_error (&error);

  g_assert_null (run ("kill -TERM $$", 0, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "signal"));
}

static void
test_no_output (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (run ("true", 0, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "printed nothing"));
  g_clear_error (&error);

  /* An empty first line is no secret either, whatever follows. */
  g_assert_null (run ("printf '\\r\\n" SECRET "\\n'", 0, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "printed nothing"));
}

static void
test_nul_byte (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (run ("printf 'Tok3n\\000x\\n'", 0, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
}

static gboolean
process_gone (const char *pid_text)
{
  guint64 pid;
  g_autofree char *stat_path = NULL;
  g_autofree char *stat = NULL;
  const char *state;

  g_assert_true (g_ascii_string_to_unsigned (pid_text, 10, 1, G_MAXINT, &pid, NULL));
  if (kill ((pid_t) pid, 0) != 0)
    return errno == ESRCH;
  /* A zombie waiting for its (new) parent is gone as far as we care. */
  stat_path = g_strdup_printf ("/proc/%" G_GUINT64_FORMAT "/stat", pid);
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  state = strrchr (stat, ')');
  return state != NULL && (state[2] == 'Z' || state[2] == 'X');
}

/* Waits up to 2 s for the killed processes to disappear (SIGKILL is asynchronous). */
static void
assert_all_gone (const char *pid_file)
{
  g_autofree char *pids = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 deadline = g_get_monotonic_time () + scaled_us (2 * G_USEC_PER_SEC);

  g_assert_true (g_file_get_contents (pid_file, &pids, NULL, NULL));
  lines = g_strsplit (g_strstrip (pids), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      while (!process_gone (lines[i]) && g_get_monotonic_time () < deadline)
        g_usleep (10 * 1000);
      g_assert_true (process_gone (lines[i]));
    }
}

/* The shell and the child it left in the background are both killed at the
 * timeout, even though the background child holds standard output open. */
static void
test_timeout_kills_group (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mp-pc-XXXXXX", NULL);
  g_autofree char *pid_file = g_build_filename (dir, "pids", NULL);
  g_autofree char *command = g_strdup_printf ("sleep 100 & echo $! > '%s'; echo $$ >> '%s'; "
                                              "sleep 100", pid_file, pid_file);
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  g_assert_null (run (command, 500, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "did not finish within 1 s"));
  g_assert_cmpint (elapsed, >=, 500 * 1000);
  g_assert_cmpint (elapsed, <, scaled_us (1500 * 1000));
  assert_all_gone (pid_file);
  g_unlink (pid_file);
  g_rmdir (dir);
}

typedef struct {
  GCancellable *cancellable;
  gint64        cancelled_at;
} CancelCtx;

static gpointer
cancel_thread (gpointer data)
{
  CancelCtx *ctx = data;

  g_usleep (300 * 1000);
  ctx->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (ctx->cancellable);
  return NULL;
}

/* Cancelling from another thread returns within 100 ms and kills the group. */
static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("mp-pc-XXXXXX", NULL);
  g_autofree char *pid_file = g_build_filename (dir, "pids", NULL);
  g_autofree char *command = g_strdup_printf ("sleep 100 & echo $! > '%s'; echo $$ >> '%s'; "
                                              "wait", pid_file, pid_file);
  CancelCtx ctx = { cancellable, 0 };
  GThread *thread = g_thread_new ("cancel", cancel_thread, &ctx);
  char *secret;
  gint64 latency;

  gint64 returned_at;

  secret = mp_password_command_run_sync (command, 60000, MP_PASSWORD_COMMAND_NONE,
                                         cancellable, &error);
  returned_at = g_get_monotonic_time ();
  g_thread_join (thread);
  latency = returned_at - ctx.cancelled_at;
  g_assert_null (secret);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (latency, <, scaled_us (100 * 1000));
  assert_all_gone (pid_file);
  g_unlink (pid_file);
  g_rmdir (dir);

  /* Already cancelled: nothing is started. */
  g_clear_error (&error);
  g_assert_null (mp_password_command_run_sync ("echo x", 0, MP_PASSWORD_COMMAND_NONE,
                                               cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A huge output after the first line is read and dropped (the command is not
 * blocked on a full pipe); a first line over the cap is refused at the cap. */
static void
test_huge_output (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = run ("echo " SECRET "; head -c 20000000 /dev/zero", 10000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, SECRET);
  mp_password_command_free_secret (secret);

  /* An endless first line: stopped at the cap, long before the timeout. */
  g_assert_null (run ("printf " SECRET "; exec tr '\\000' x < /dev/zero", 20000, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "64 KiB"));
}

/* A command that exits after a complete line while its background child keeps
 * standard output open is done at once (the child is not waited for). */
static void
test_background_child_keeps_stdout (void)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  char *secret = run ("echo " SECRET "; sleep 3 &", 10000, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, SECRET);
  g_assert_cmpint (g_get_monotonic_time () - start, <, scaled_us (2 * G_USEC_PER_SEC));
  mp_password_command_free_secret (secret);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/password-command/first-line", test_first_line);
  g_test_add_func ("/password-command/stdin-is-null", test_stdin_is_null);
  g_test_add_func ("/password-command/exit-status", test_exit_status);
  g_test_add_func ("/password-command/no-output", test_no_output);
  g_test_add_func ("/password-command/nul-byte", test_nul_byte);
  g_test_add_func ("/password-command/timeout-kills-group", test_timeout_kills_group);
  g_test_add_func ("/password-command/cancel", test_cancel);
  g_test_add_func ("/password-command/huge-output", test_huge_output);
  g_test_add_func ("/password-command/background-child", test_background_child_keeps_stdout);
  return g_test_run ();
}
