/* mp-memory-transport.h — an MpPop3Transport over a buffer, for the engine's
 * tests and fuzzers (test code: the product has only the socket transport)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-pop3-transport.h"

G_BEGIN_DECLS

/* In-memory transport: reads return the server bytes @data (copied) in
 * chunks of at most @chunk (0 = all there is) and then EOF; writes are
 * collected and can be read back with mp_pop3_memory_transport_ref_written().
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

G_END_DECLS
