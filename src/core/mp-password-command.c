/* mp-password-command.c — run a user's password/token command (see the header)
 *
 * The run is driven on a private main context: the stdout reads, the child's exit,
 * the timeout and the caller's cancellable are sources on it, so one loop waits
 * for whichever comes first without a thread of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-password-command.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "mp-error.h"

typedef struct {
  GSubprocess  *proc;         /* owned */
  pid_t         group;        /* the shell's pid = its process group's id */
  GCancellable *io_cancel;    /* owned: stops our own reads and wait when we are done */
  GString      *line;         /* owned, wiped: the first line so far */
  char          buf[16384];   /* wiped */
  guint         pending;      /* async operations not yet called back */
  gboolean      have_line;    /* the first line break was seen */
  gboolean      too_long;
  gboolean      eof;
  gboolean      exited;
  gboolean      timed_out;
  gboolean      cancelled;
  gint          cancel_requested; /* atomic: set from the cancelling thread */
  GMainContext *context;      /* borrowed: the run's own, woken on cancel */
  int           signum;       /* FOREGROUND: the signal that ended the run, or 0 */
  GError       *read_error;   /* owned, nullable */
} Run;

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void
child_setup (gpointer data)
{
  /* Its own process group, so a timeout can kill whatever the shell started. */
  setpgid (0, 0);
  /* A command-line caller may ignore SIGPIPE; the command should not inherit it. */
  signal (SIGPIPE, SIG_DFL);
}

static void read_next (Run *run);

/* Keeps the first line (up to the cap) and drops the rest: the command must not
 * block on a full pipe, and nothing after the first line is ours to keep. */
static void
take_bytes (Run        *run,
            const char *data,
            gsize       len)
{
  const char *nl;

  if (run->have_line)
    return;
  nl = memchr (data, '\n', len);
  if (nl != NULL)
    {
      len = nl - data;
      run->have_line = TRUE;
    }
  if (run->line->len + len > MP_PASSWORD_COMMAND_MAX_LINE)
    {
      run->too_long = TRUE;
      return;
    }
  g_string_append_len (run->line, data, len);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &run->read_error);

  run->pending--;
  if (n > 0)
    {
      take_bytes (run, run->buf, n);
      memset (run->buf, 0, n);
      if (!run->too_long)
        read_next (run);
      return;
    }
  /* Our own cancel after the run is over is no read failure. */
  if (g_error_matches (run->read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_error (&run->read_error);
  else
    run->eof = TRUE;
}

static void
read_next (Run *run)
{
  if (g_cancellable_is_cancelled (run->io_cancel))
    return;
  run->pending++;
  g_input_stream_read_async (g_subprocess_get_stdout_pipe (run->proc), run->buf,
                             sizeof run->buf, G_PRIORITY_DEFAULT, run->io_cancel,
                             on_read, run);
}

static void
on_exited (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->pending--;
  run->exited = g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
}

static gboolean
on_timeout (gpointer user_data)
{
  ((Run *) user_data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs in the cancelling thread. A signal handler rather than a GCancellableSource:
 * GLib 2.74 can leak that source when it is destroyed while another thread cancels
 * (LeakSanitizer saw it); g_cancellable_disconnect() waits for this handler. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Run *run = user_data;

  g_atomic_int_set (&run->cancel_requested, TRUE);
  g_main_context_wakeup (run->context);
}

/* FOREGROUND: the signals to pass on, and the sources watching them. */
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP };

typedef struct {
  Run *run;
  int  signum;
} SignalWatch;

static gboolean
on_signal (gpointer user_data)
{
  SignalWatch *watch = user_data;

  watch->run->signum = watch->signum;
  return G_SOURCE_REMOVE;
}

static void
watch_signals (Run          *run,
               GMainContext *context,
               GPtrArray    *sources)
{
  for (gsize i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    {
      struct sigaction old;
      SignalWatch *watch;
      GSource *source;

      if (sigaction (forwarded_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
        continue;
      watch = g_new0 (SignalWatch, 1);
      watch->run = run;
      watch->signum = forwarded_signals[i];
      source = g_unix_signal_source_new (forwarded_signals[i]);
      g_source_set_callback (source, on_signal, watch, g_free);
      g_source_attach (source, context);
      g_ptr_array_add (sources, source);
    }
}

/* Destroying the last watch of a signal gives it back its default action (GLib);
 * then the signal that ended the run acts as if it had never been caught. */
static void
unwatch_signals (Run       *run,
                 GPtrArray *sources)
{
  for (guint i = 0; i < sources->len; i++)
    g_source_destroy (sources->pdata[i]);
  g_ptr_array_set_size (sources, 0);
  if (run->signum != 0)
    raise (run->signum);
}

static gboolean
run_is_over (const Run *run)
{
  if (run->timed_out || run->cancelled || run->too_long || run->signum != 0)
    return TRUE;
  /* Exited and said all it had: the whole output, or at least a whole first line
   * (something left in the background may hold the pipe open). */
  return run->exited && (run->eof || run->have_line || run->read_error != NULL);
}

static GSubprocess *
spawn (const char              *command,
       MpPasswordCommandFlags   flags,
       GError                 **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocessFlags spawn_flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  GSubprocess *proc;
  g_autoptr(GError) local_error = NULL;

  if (!(flags & MP_PASSWORD_COMMAND_INHERIT_STDERR))
    spawn_flags |= G_SUBPROCESS_FLAGS_STDERR_SILENCE;
  launcher = g_subprocess_launcher_new (spawn_flags);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &local_error, "/bin/sh", "-c", command, NULL);
  if (proc == NULL)
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("The password command could not be started: %s"), local_error->message);
  return proc;
}

/* The verdict once the run is over; the command has exited unless it was killed. */
static char *
finish (Run      *run,
        guint     timeout_ms,
        GError  **error)
{
  GSubprocess *proc = run->proc;

  if (run->cancelled || run->signum != 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  else if (run->timed_out)
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("The password command did not finish within %u s"),
                 (timeout_ms + 999) / 1000);
  else if (run->too_long)
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("The password command printed a first line longer than %u KiB"),
                 MP_PASSWORD_COMMAND_MAX_LINE / 1024);
  else if (g_subprocess_get_if_signaled (proc))
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("The password command was killed by signal %d"),
                 g_subprocess_get_term_sig (proc));
  else if (g_subprocess_get_exit_status (proc) != 0)
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("The password command exited with status %d"),
                 g_subprocess_get_exit_status (proc));
  else if (run->read_error != NULL && !run->have_line)
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("The password command’s output could not be read: %s"),
                 run->read_error->message);
  else
    {
      if (run->line->len > 0 && run->line->str[run->line->len - 1] == '\r')
        g_string_truncate (run->line, run->line->len - 1);
      if (run->line->len == 0)
        g_set_error_literal (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                             _("The password command printed nothing"));
      else if (strlen (run->line->str) != run->line->len)
        g_set_error_literal (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                             _("The password command printed a NUL byte"));
      else
        return g_strndup (run->line->str, run->line->len);
    }
  return NULL;
}

/* 0 when the shell is already gone and reaped (it may be, that quickly). */
static pid_t
shell_pid (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);
  guint64 pid;

  if (id == NULL || !g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT, &pid, NULL))
    return 0;
  return (pid_t) pid;
}

/* Kills what is left of the command when it did not end by itself.  While
 * the shell is unreaped, or something still holds the pipe (most likely a member
 * of the group), the group exists and its id cannot have been reused (POSIX);
 * only then is it a safe target. */
static void
stop (Run *run)
{
  if (run->group > 0 && (!run->exited || !run->eof))
    kill (-run->group, SIGKILL);
}

char *
mp_password_command_run_sync (const char              *command,
                              guint                    timeout_ms,
                              MpPasswordCommandFlags   flags,
                              GCancellable            *cancellable,
                              GError                 **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timeout = NULL;
  gulong cancel_id = 0;
  g_autoptr(GPtrArray) signal_sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  Run run = { 0 };
  char *secret = NULL;

  g_return_val_if_fail (command != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (timeout_ms == 0)
    timeout_ms = MP_PASSWORD_COMMAND_DEFAULT_TIMEOUT_MS;

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  /* Watched before the spawn: a Ctrl-C that comes while the command starts must
   * still reach its process group (caught later, it would end us and leave the
   * command running). A spawn returns only after the child's exec, so its
   * setpgid() is done by then. */
  if (flags & MP_PASSWORD_COMMAND_FOREGROUND)
    watch_signals (&run, context, signal_sources);
  run.proc = spawn (command, flags, error);
  if (run.proc == NULL)
    {
      unwatch_signals (&run, signal_sources);
      g_main_context_pop_thread_default (context);
      return NULL;
    }
  run.group = shell_pid (run.proc);
  run.io_cancel = g_cancellable_new ();
  run.line = g_string_new (NULL);

  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, on_timeout, &run, NULL);
  g_source_attach (timeout, context);
  run.context = context;
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &run, NULL);
  run.pending++;
  g_subprocess_wait_async (run.proc, run.io_cancel, on_exited, &run);
  read_next (&run);

  while (!run_is_over (&run))
    {
      g_main_context_iteration (context, TRUE);
      if (g_atomic_int_get (&run.cancel_requested))
        run.cancelled = TRUE;
    }
  /* After this the handler cannot be running any more (it points into this frame). */
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);

  if (run.timed_out || run.cancelled || run.too_long || run.signum != 0)
    stop (&run);
  /* Our callbacks point into this frame: let every one of them run first. */
  g_cancellable_cancel (run.io_cancel);
  while (run.pending > 0)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  unwatch_signals (&run, signal_sources);

  secret = finish (&run, timeout_ms, error);

  explicit_bzero (run.line->str, run.line->allocated_len);
  g_string_free (run.line, TRUE);
  explicit_bzero (run.buf, sizeof run.buf);
  g_clear_error (&run.read_error);
  g_object_unref (run.io_cancel);
  g_object_unref (run.proc);
  g_main_context_pop_thread_default (context);
  return secret;
}

void
mp_password_command_free_secret (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
