/* mp-pop3-transport.h — byte transports under the session
 *
 * A transport is a small vtable so the engine can run over a TCP socket,
 * OpenSSL on that socket, or an in-memory buffer (tests, fuzzing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-pop3-options.h"

G_BEGIN_DECLS

typedef struct _MpPop3Transport MpPop3Transport;
typedef struct _MpPop3Session   MpPop3Session;

/* Result of a non-blocking read/write. */
typedef enum {
  MP_POP3_IO_OK,          /* *done > 0 bytes moved */
  MP_POP3_IO_EOF,         /* peer closed (read only) */
  MP_POP3_IO_WANT_READ,   /* poll fd for POLLIN and retry */
  MP_POP3_IO_WANT_WRITE,  /* poll fd for POLLOUT and retry */
  MP_POP3_IO_ERROR,       /* *error set */
} MpPop3IoStatus;

typedef struct {
  MpPop3IoStatus (*read)    (MpPop3Transport *t, guint8 *buf, gsize len,
                             gsize *done, GError **error);
  MpPop3IoStatus (*write)   (MpPop3Transport *t, const guint8 *buf, gsize len,
                             gsize *done, GError **error);
  /* bytes readable without touching the fd (e.g. SSL_pending) */
  gsize          (*pending) (MpPop3Transport *t);
  /* fd to poll(), or -1 when always ready (memory transport) */
  int            (*get_fd)  (MpPop3Transport *t);
  void           (*free)    (MpPop3Transport *t);
} MpPop3TransportVTable;

struct _MpPop3Transport {
  const MpPop3TransportVTable *vtable;
  gboolean                     encrypted;
};

void             mp_pop3_transport_free (MpPop3Transport *t);

/* In-memory transport: reads return the server bytes @data (copied) in
 * chunks of at most @chunk (0 = all there is) and then EOF; writes are
 * collected and can be read back with mp_pop3_memory_transport_get_written().
 * It behaves like a real server: the greeting (first line) is readable at
 * once, every further reply only after the client wrote the command line it
 * answers (the reply's extent follows the engine's multi-line table, so
 * @data is simply the replies in order). Reading before that finds nothing
 * (MP_POP3_IO_WANT_READ: for the engine, a session that cannot go on).
 * Use it with mp_pop3_session_new_for_transport() to drive the engine without
 * a network: e.g. security NONE, allow_plaintext_password TRUE. */
MpPop3Transport *mp_pop3_memory_transport_new (const guint8 *data,
                                               gsize         len,
                                               gsize         chunk);
/* Make all of @data readable at once, before any command: a server that
 * does not wait for commands (the engine must refuse to take such bytes as
 * replies). */
void             mp_pop3_memory_transport_set_eager (MpPop3Transport *t,
                                                     gboolean         eager);
/* Bounded buffers, like a server that reads commands only while its
 * output is drained: it accepts at most @in_limit bytes of command lines it
 * has not answered yet (writes beyond are MP_POP3_IO_WANT_WRITE; at least
 * one command line long) and answers no further command while @out_limit
 * bytes of replies are unread. 0 = unbounded (the default). A client that
 * wrote everything before reading would never get its last commands in. */
void             mp_pop3_memory_transport_set_buffers (MpPop3Transport *t,
                                                       gsize            in_limit,
                                                       gsize            out_limit);
/* Pretend the channel is encrypted (so password policy allows PASS). */
void             mp_pop3_memory_transport_set_encrypted (MpPop3Transport *t,
                                                         gboolean         encrypted);
/* New reference to the array collecting everything the client writes; it
 * stays valid after the session has freed the transport (close/QUIT). */
GByteArray      *mp_pop3_memory_transport_ref_written (MpPop3Transport *t);

/* Session over an already connected transport (takes ownership).
 * connect_sync then starts at the greeting (no TCP connect, no implicit TLS
 * whatever options->security says). STLS is impossible on the memory
 * transport (MP_POP3_ERROR_TLS), so a STARTTLS security with a server
 * offering STLS fails; use TLS or NONE. The password policy follows the
 * transport's `encrypted` flag (mp_pop3_memory_transport_set_encrypted).
 *
 * Fuzzing / tests, for example:
 *
 *   MpPop3Options *o = mp_pop3_options_new ();
 *   o->host = g_strdup ("fuzz"); o->username = g_strdup ("u");
 *   o->password = g_strdup ("p"); o->auth = MP_POP3_AUTH_USER;
 *   MpPop3Transport *t = mp_pop3_memory_transport_new (data, size, 0);
 *   mp_pop3_memory_transport_set_encrypted (t, TRUE);
 *   MpPop3Session *s = mp_pop3_session_new_for_transport (o, t);
 *   if (mp_pop3_session_connect_sync (s, NULL, NULL))
 *     … scan_sync, top_many_sync, retr_sync, quit_sync …
 *   g_object_unref (s); mp_pop3_options_free (o);
 *
 * The memory transport never blocks: running out of server bytes is EOF,
 * i.e. MP_POP3_ERROR_CLOSED, so every call terminates. */
MpPop3Session   *mp_pop3_session_new_for_transport (const MpPop3Options *options,
                                                    MpPop3Transport     *transport);

G_END_DECLS
