/* pop3-memory-fixture.h — a session over the in-memory transport with its
 * trace and what the client wrote, shared by test-pop3-memory and
 * test-pop3-memory-scan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-memory-transport.h"
#include "mp-pop3-private.h"

G_BEGIN_DECLS

#define CAPA_CLEAR "+OK\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\n.\r\n"
#define CAPA_AFTER "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n"

typedef struct {
  MpPop3Session *session;
  GByteArray    *written;   /* what the client sent */
  GPtrArray     *trace;     /* trace lines "> …" / "< …" */
} Fixture;

/* The session reads server (in reads of at most chunk bytes, 0: all at once);
 * o gets the trace hook, so f->trace holds every line. */
void           fixture_setup  (Fixture         *f,
                               const char      *server,
                               gsize            chunk,
                               gboolean         encrypted,
                               MpPop3Options   *o);
void           fixture_clear  (Fixture         *f);
/* Options for user alice on host "mem". */
MpPop3Options *options_new    (MpPop3Security   security,
                               MpPop3AuthMethod auth,
                               const char      *password);
/* All the client sent must be expected. */
void           assert_written (Fixture         *f,
                               const char      *expected);

typedef struct {
  guint    numbers[8];
  char    *bodies[8];
  guint    n;
} Bodies;

/* A TOP callback keeping up to 8 bodies (a NULL body as NULL). */
void           collect_body   (guint            number,
                               GBytes          *body,
                               gpointer         user_data);

G_END_DECLS
