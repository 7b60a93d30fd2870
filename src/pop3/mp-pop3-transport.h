/* mp-pop3-transport.h — byte transports under the session
 *
 * A transport is a small vtable so the engine can run over a TCP socket,
 * OpenSSL on that socket, or any other byte stream a caller supplies (the
 * tests and fuzzers use an in-memory one: tests/harness/mp-memory-transport.c).
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
  /* fd to poll(), or -1 when always ready (a transport over a buffer) */
  int            (*get_fd)  (MpPop3Transport *t);
  void           (*free)    (MpPop3Transport *t);
} MpPop3TransportVTable;

struct _MpPop3Transport {
  const MpPop3TransportVTable *vtable;
  gboolean                     encrypted;
};

void             mp_pop3_transport_free (MpPop3Transport *t);

/* Session over an already connected transport (takes ownership).
 * connect_sync then starts at the greeting (no TCP connect, no implicit TLS
 * whatever options->security says). STLS needs a socket (a transport
 * without an fd fails it with MP_POP3_ERROR_TLS), so a STARTTLS security with
 * a server offering STLS fails; use TLS or NONE. The password policy follows
 * the transport's `encrypted` flag. */
MpPop3Session   *mp_pop3_session_new_for_transport (const MpPop3Options *options,
                                                    MpPop3Transport     *transport);

G_END_DECLS
