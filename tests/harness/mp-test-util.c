/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mp-test-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* Long enough for the fake server's own 30 s bounds (hang, read timeout) to fire first,
 * short enough that a broken test fails instead of stalling the suite. */
#define FINISH_TIMEOUT_SECONDS 45

struct _MpTestFakeServer
{
  GSubprocess *proc;        /* owned */
  char        *script_file; /* owned; removed on free */
  guint16      port;
};

const char *
mp_test_fake_server_script_path (void)
{
  static char *path;

  if (path == NULL)
    {
      const char *root = g_getenv ("MP_SOURCE_ROOT");
#ifdef MP_FAKE_POP3_PY
      if (root == NULL || *root == '\0')
        path = g_strdup (MP_FAKE_POP3_PY);
      else
#endif
        path = g_build_filename (root ? root : ".", "tests", "harness", "fake-pop3.py", NULL);
    }
  return path;
}

static const char *
python3_path (void)
{
#ifdef MP_PYTHON3
  return MP_PYTHON3;
#else
  return "python3";
#endif
}

void
mp_test_fake_server_free (MpTestFakeServer *server)
{
  if (server == NULL)
    return;
  if (server->proc != NULL)
    {
      g_subprocess_force_exit (server->proc);
      g_subprocess_wait (server->proc, NULL, NULL);
      g_clear_object (&server->proc);
    }
  if (server->script_file != NULL)
    {
      g_unlink (server->script_file);
      g_free (server->script_file);
    }
  g_free (server);
}

static MpTestFakeServer *
start_server (const char *script_text,
              const char *tls_flag,
              const char *cert_file,
              const char *key_file,
              guint16    *port_out)
{
  g_autoptr(MpTestFakeServer) server = g_new0 (MpTestFakeServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  int fd;
  guint64 port;

  fd = g_file_open_tmp ("mp-fake-pop3-XXXXXX.txt", &server->script_file, &error);
  if (fd < 0 || !g_close (fd, &error)
      || !g_file_set_contents (server->script_file, script_text, -1, &error))
    {
      g_test_message ("fake server: cannot write script: %s", error->message);
      return NULL;
    }

  g_ptr_array_add (argv, (gpointer) python3_path ());
  g_ptr_array_add (argv, (gpointer) mp_test_fake_server_script_path ());
  if (cert_file != NULL)
    {
      g_ptr_array_add (argv, (gpointer) tls_flag);
      g_ptr_array_add (argv, (gpointer) cert_file);
      g_ptr_array_add (argv, (gpointer) key_file);
    }
  g_ptr_array_add (argv, server->script_file);
  g_ptr_array_add (argv, NULL);

  server->proc = g_subprocess_newv ((const char * const *) argv->pdata,
                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                    | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                    &error);
  if (server->proc == NULL)
    {
      g_test_message ("fake server: cannot start: %s", error->message);
      return NULL;
    }

  /* The server prints PORT only once it listens, so a connect after this never races. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  /* finish() reads the pipe to its end; dropping this wrapper must not close it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "PORT ")
      || !g_ascii_string_to_unsigned (line + 5, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_test_message ("fake server: no PORT line (got %s)",
                      line ? line : (error ? error->message : "end of output"));
      return NULL;
    }
  server->port = (guint16) port;
  if (port_out != NULL)
    *port_out = server->port;
  return g_steal_pointer (&server);
}

MpTestFakeServer *
mp_test_fake_server_start (const char *script_text,
                           guint16    *port_out)
{
  g_return_val_if_fail (script_text != NULL, NULL);
  return start_server (script_text, NULL, NULL, NULL, port_out);
}

MpTestFakeServer *
mp_test_fake_server_start_tls (const char *script_text,
                               const char *cert_file,
                               const char *key_file,
                               guint16    *port_out)
{
  g_return_val_if_fail (script_text != NULL, NULL);
  g_return_val_if_fail (cert_file != NULL && key_file != NULL, NULL);
  return start_server (script_text, "--tls", cert_file, key_file, port_out);
}

MpTestFakeServer *
mp_test_fake_server_start_stls (const char *script_text,
                                const char *cert_file,
                                const char *key_file,
                                guint16    *port_out)
{
  g_return_val_if_fail (script_text != NULL, NULL);
  g_return_val_if_fail (cert_file != NULL && key_file != NULL, NULL);
  return start_server (script_text, "--stls", cert_file, key_file, port_out);
}

gboolean
mp_test_make_cert (const char  *dir,
                   char       **cert_out,
                   char       **key_out,
                   char       **sha256_out)
{
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GTlsCertificate) parsed = NULL;
  g_autoptr(GByteArray) der = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                           "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", NULL);
  if (proc == NULL || !g_subprocess_wait_check (proc, NULL, &error))
    {
      g_autofree char *msg = g_strdup_printf ("openssl cannot make a certificate: %s",
                                              error->message);
      g_test_skip (msg);
      return FALSE;
    }
  if (sha256_out != NULL)
    {
      parsed = g_tls_certificate_new_from_file (cert, &error);
      if (parsed == NULL)
        {
          /* No TLS backend: the PEM cannot be decoded here; tests needing the hash skip. */
          g_autofree char *msg = g_strdup_printf ("cannot read the certificate: %s",
                                                  error->message);
          g_test_skip (msg);
          return FALSE;
        }
      g_object_get (parsed, "certificate", &der, NULL);
      *sha256_out = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
    }
  if (cert_out != NULL)
    *cert_out = g_steal_pointer (&cert);
  if (key_out != NULL)
    *key_out = g_steal_pointer (&key);
  return TRUE;
}

guint16
mp_test_fake_server_get_port (MpTestFakeServer *server)
{
  g_return_val_if_fail (server != NULL, 0);
  return server->port;
}

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  char     *err_text;   /* owned */
  GError   *error;      /* owned */
} FinishState;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FinishState *st = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL,
                                        &st->err_text, &st->error);
  st->done = TRUE;
}

static gboolean
finish_timeout_cb (gpointer user_data)
{
  FinishState *st = user_data;

  st->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
mp_test_fake_server_finish (MpTestFakeServer  *server,
                            GError           **error)
{
  g_autoptr(MpTestFakeServer) owned = server;
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GSource) timeout = NULL;
  FinishState st = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (server != NULL, FALSE);

  /* A private context: the test's own main loop (if any) is not driven from here. */
  g_main_context_push_thread_default (ctx);
  g_subprocess_communicate_utf8_async (server->proc, NULL, cancel, communicate_cb, &st);
  timeout = g_timeout_source_new_seconds (FINISH_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, finish_timeout_cb, &st, NULL);
  g_source_attach (timeout, ctx);
  while (!st.done && !st.timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timeout);
  if (!st.done)
    {
      g_subprocess_force_exit (server->proc);
      g_cancellable_cancel (cancel);
      while (!st.done)
        g_main_context_iteration (ctx, TRUE);
    }
  g_main_context_pop_thread_default (ctx);

  if (st.timed_out)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "fake server still running after %d s (killed): %s",
                 FINISH_TIMEOUT_SECONDS, st.err_text ? st.err_text : "");
  else if (st.error != NULL)
    g_propagate_error (error, g_steal_pointer (&st.error));
  else
    {
      g_subprocess_wait (server->proc, NULL, NULL);
      if (g_subprocess_get_if_exited (server->proc)
          && g_subprocess_get_exit_status (server->proc) == 0)
        ok = TRUE;
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "fake server transcript mismatch: %s",
                     st.err_text && *st.err_text ? st.err_text : "(no message)");
    }
  if (ok && st.err_text != NULL && *st.err_text != '\0')
    g_test_message ("%s", st.err_text);

  g_clear_error (&st.error);
  g_free (st.err_text);
  g_clear_object (&server->proc);
  return ok;
}

char *
mp_test_make_tmp_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mp-test-home-XXXXXX", &error);
  static const struct { const char *var; const char *sub; } dirs[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dir, dirs[i].sub, NULL);
      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (dirs[i].var, path, TRUE);
    }
  return g_steal_pointer (&dir);
}

void
mp_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK)
      && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          mp_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

const char *
mp_test_getenv_or_skip (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    {
      g_autofree char *msg = g_strdup_printf ("%s is not set (run under with-dovecot.py)", name);
      g_test_skip (msg);
      return NULL;
    }
  return value;
}

struct _MpTestCanceller {
  GCancellable *cancellable;
  guint         delay_ms;
  gint64        cancelled_at;
  GThread      *thread;
};

static gpointer
cancel_later_thread (gpointer data)
{
  MpTestCanceller *c = data;

  g_usleep ((gulong) c->delay_ms * 1000);
  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

MpTestCanceller *
mp_test_cancel_later (GCancellable *cancellable,
                      guint         delay_ms)
{
  MpTestCanceller *c = g_new0 (MpTestCanceller, 1);

  c->cancellable = g_object_ref (cancellable);
  c->delay_ms = delay_ms;
  c->thread = g_thread_new ("mp-test-canceller", cancel_later_thread, c);
  return c;
}

gint64
mp_test_cancel_later_join (MpTestCanceller *c)
{
  gint64 at;

  g_thread_join (c->thread);
  at = c->cancelled_at;
  g_object_unref (c->cancellable);
  g_free (c);
  return at;
}

static gboolean
run_until_timed_out (gpointer data)
{
  g_error ("timed out after %u s", GPOINTER_TO_UINT (data));
  return G_SOURCE_REMOVE;
}

void
mp_test_run_until (const gboolean *flag,
                   guint           timeout_s)
{
  guint id = g_timeout_add_seconds (timeout_s, run_until_timed_out, GUINT_TO_POINTER (timeout_s));

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}
