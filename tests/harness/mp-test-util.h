/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared helpers for Mailpeek's C tests: the scripted fake POP3 server
 * (tests/harness/fake-pop3.py), temporary HOME/XDG dirs and environment look-ups.
 * GLib/GIO only.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MpTestFakeServer MpTestFakeServer;

/* Starts fake-pop3.py with @script_text (see the script language in fake-pop3.py)
 * and waits for its "PORT n" line.  Returns NULL (with a g_test_message) if the
 * server could not be started.  */
MpTestFakeServer *mp_test_fake_server_start     (const char  *script_text,
                                                 guint16     *port_out);
/* Same, with implicit TLS (--tls CERT KEY); @cert_file / @key_file are PEM files. */
MpTestFakeServer *mp_test_fake_server_start_tls (const char  *script_text,
                                                 const char  *cert_file,
                                                 const char  *key_file,
                                                 guint16     *port_out);
/* Same, starting in clear; CERT/KEY serve the script's `starttls` step (--stls). */
MpTestFakeServer *mp_test_fake_server_start_stls (const char *script_text,
                                                  const char *cert_file,
                                                  const char *key_file,
                                                  guint16    *port_out);
guint16           mp_test_fake_server_get_port  (MpTestFakeServer *server);
/* Waits (at most 45 s, then kills it) for the server to exit.  TRUE if the client's
 * transcript matched the script; otherwise @error holds the server's complaint.
 * Frees @server. */
gboolean          mp_test_fake_server_finish    (MpTestFakeServer  *server,
                                                 GError           **error);
/* Kills the server if still running and frees it (for early exits). */
void              mp_test_fake_server_free      (MpTestFakeServer *server);

/* Path of fake-pop3.py (source tree). */
const char       *mp_test_fake_server_script_path (void);

/* Writes a fresh self-signed certificate for localhost / 127.0.0.1 into @dir
 * (cert.pem, key.pem) with openssl.  Returns FALSE (and g_test_skip) when openssl
 * is missing.  @sha256_out (optional) gets the lower-case hex SHA-256 of the DER. */
gboolean          mp_test_make_cert             (const char  *dir,
                                                 char       **cert_out,
                                                 char       **key_out,
                                                 char       **sha256_out);

/* Creates a fresh temp dir with home/, config/, state/, cache/, data/ and exports
 * HOME, XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR
 * pointing into it.  Returns the temp dir (owned); remove it with mp_test_rm_rf(). */
char             *mp_test_make_tmp_home         (void);
/* Recursively removes @path (does not follow symlinks).  */
void              mp_test_rm_rf                 (const char *path);

/* Returns the value of @name, or calls g_test_skip() and returns NULL when it is
 * unset or empty.  */
const char       *mp_test_getenv_or_skip        (const char *name);

/* Cancels @cancellable from another thread after @delay_ms (cancel-latency tests). */
typedef struct _MpTestCanceller MpTestCanceller;
MpTestCanceller  *mp_test_cancel_later          (GCancellable *cancellable,
                                                 guint         delay_ms);
/* Waits for the thread, frees @canceller; returns the monotonic time of the cancel. */
gint64            mp_test_cancel_later_join     (MpTestCanceller *canceller);

/* Iterates the default main context until *@flag is TRUE; g_error() after
 * @timeout_s seconds (a test that hangs fails with a message instead). */
void              mp_test_run_until             (const gboolean *flag,
                                                 guint           timeout_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpTestFakeServer, mp_test_fake_server_free)

/* A fake-pop3.py script: greeting, CAPA (USER UIDL TOP), USER alice / PASS, and
 * CAPA again after login — the login of an account the tests set up as alice. */
#define MP_TEST_FAKE_LOGIN \
  "send +OK fake ready\n" \
  "expect CAPA\n" \
  "send +OK\n" \
  "send USER\n" \
  "send UIDL\n" \
  "send TOP\n" \
  "send .\n" \
  "expect USER alice\n" \
  "send +OK\n" \
  "expect PASS *\n" \
  "send +OK logged in\n" \
  "expect CAPA\n" \
  "send +OK\n" \
  "send USER\n" \
  "send UIDL\n" \
  "send TOP\n" \
  "send .\n"

G_END_DECLS
