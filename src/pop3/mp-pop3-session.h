/* mp-pop3-session.h — one POP3 session (blocking API for worker threads)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-pop3-error.h"
#include "mp-pop3-options.h"

G_BEGIN_DECLS

/* One message of a scan: LIST and UIDL merged by number. */
typedef struct {
  guint        number;   /* valid only within this session */
  guint64      size;     /* octets as the server counts them (LIST) */
  char        *uidl;     /* owned by the listing (never free it); NULL if the
                          * server has no UIDL */
} MpPop3Entry;

/* What a scan found: @len entries in LIST order, in one array, their UIDLs
 * packed in a few large blocks (no allocation per message: a million
 * messages with 40-character UIDLs take about 65 MB). Entry pointers stay
 * valid until the listing is freed. */
typedef struct {
  MpPop3Entry  *entries;
  guint         len;
  /*< private >*/
  GStringChunk *uidls;
} MpPop3Listing;

void mp_pop3_listing_free (MpPop3Listing *listing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpPop3Listing, mp_pop3_listing_free)

/* Receives one TOP/RETR body (dot-unstuffed, CRLF line ends as on the wire).
 * @body is NULL when the server answered -ERR for that message (e.g. it was
 * deleted by another client); the batch continues. Called on the worker. */
typedef void (*MpPop3BodyFunc) (guint    number,
                                GBytes  *body,
                                gpointer user_data);

/* Receives the TOP body of @entry (of the listing being made), as
 * MpPop3BodyFunc does. Called on the worker. */
typedef void (*MpPop3EntryBodyFunc) (const MpPop3Entry *entry,
                                     GBytes            *body,
                                     gpointer           user_data);

#define MP_TYPE_POP3_SESSION (mp_pop3_session_get_type ())
G_DECLARE_FINAL_TYPE (MpPop3Session, mp_pop3_session, MP, POP3_SESSION, GObject)

/* All _sync calls block: run them on a worker thread, one at a time per
 * session. Cancelling @cancellable from any thread makes the pending call
 * return G_IO_ERROR_CANCELLED within 100 ms; the session is then closed.
 * After any transport/protocol error the session is closed too (the calls
 * then fail with MP_POP3_ERROR_CLOSED). A -ERR reply leaves it usable.
 * Each call is one operation, bounded by the options' max_time_ms and
 * speed_limit / speed_time_ms besides the idle timeout_ms (all
 * MP_POP3_ERROR_TIMEOUT; see mp-pop3-options.h). */

MpPop3Session       *mp_pop3_session_new              (const MpPop3Options *options);

/* connect → greeting → CAPA → [STLS → CAPA] → UTF8 (if offered) → auth → CAPA */
gboolean             mp_pop3_session_connect_sync     (MpPop3Session  *self,
                                                       GCancellable   *cancellable,
                                                       GError        **error);

/* connect → greeting → CAPA → [STLS → CAPA], and no login: what a server offers
 * before any credential is sent (account discovery probes a guessed server).  The
 * session stays in the AUTHORIZATION state: QUIT or close it. */
gboolean             mp_pop3_session_probe_sync       (MpPop3Session  *self,
                                                       GCancellable   *cancellable,
                                                       GError        **error);

const MpPop3Options *mp_pop3_session_get_options      (MpPop3Session  *self);
/* NULL-terminated, upper-cased capability lines ("TOP", "SASL PLAIN LOGIN") */
const char * const  *mp_pop3_session_get_capabilities (MpPop3Session  *self);
/* Matches the first word of a capability line, case-insensitively. */
gboolean             mp_pop3_session_has_capability   (MpPop3Session  *self,
                                                       const char     *name);
/* Text of the greeting after "+OK " (may be ""), NULL before connect. */
const char          *mp_pop3_session_get_greeting     (MpPop3Session  *self);
gboolean             mp_pop3_session_is_connected     (MpPop3Session  *self);
gboolean             mp_pop3_session_is_encrypted     (MpPop3Session  *self);
gboolean             mp_pop3_session_is_pipelining    (MpPop3Session  *self);
/* Mechanism actually used by the last successful login. */
MpPop3AuthMethod     mp_pop3_session_get_auth_method  (MpPop3Session  *self);
/* Lower-case hex SHA-256 of the peer's DER certificate (no colons): after a
 * TLS handshake, and after a failed verification. NULL when none was seen. */
char                *mp_pop3_session_dup_peer_fingerprint (MpPop3Session *self);

gboolean             mp_pop3_session_stat_sync        (MpPop3Session  *self,
                                                       guint          *count,
                                                       guint64        *size,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* LIST and UIDL merged, both pipelined when allowed; each line is taken as
 * it arrives (the raw listings are never held). */
MpPop3Listing       *mp_pop3_session_scan_sync        (MpPop3Session  *self,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* scan_sync, and `TOP n @lines` for the first @max_tops messages in LIST
 * order, sent as soon as LIST's reply is complete, while UIDL's is still
 * coming: the server never waits for the client to read the listing (a round
 * trip and the listing's reading time saved over scan_sync, then
 * top_many_sync). @func gets each TOP body in order, once the listing is
 * complete and checked; *n_topped says how many messages that was. With
 * @quit_ok, when the TOPs cover every message, QUIT follows them as in
 * top_many_then_quit_sync (not after a DELE), *quit_ok tells whether it was
 * acknowledged and the session is closed; otherwise it stays open for the
 * rest. NULL (and the session usable) when LIST was refused; a listing
 * found broken once TOPs are in flight ends the session. */
MpPop3Listing       *mp_pop3_session_scan_and_top_sync (MpPop3Session       *self,
                                                        guint                lines,
                                                        guint                max_tops,
                                                        MpPop3EntryBodyFunc  func,
                                                        gpointer             user_data,
                                                        guint               *n_topped,
                                                        gboolean            *quit_ok,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
/* LIST n / UIDL n */
gboolean             mp_pop3_session_list_one_sync    (MpPop3Session  *self,
                                                       guint           number,
                                                       guint64        *size,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
char                *mp_pop3_session_uidl_one_sync    (MpPop3Session  *self,
                                                       guint           number,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
GBytes              *mp_pop3_session_top_sync         (MpPop3Session  *self,
                                                       guint           number,
                                                       guint           lines,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* TOP n lines for each number, pipelined when the server allows; @func gets
 * each body in order. FALSE only on transport/protocol errors. */
gboolean             mp_pop3_session_top_many_sync    (MpPop3Session  *self,
                                                       const guint    *numbers,
                                                       gsize           n_numbers,
                                                       guint           lines,
                                                       MpPop3BodyFunc  func,
                                                       gpointer        user_data,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* As top_many_sync, with QUIT sent right behind the last TOP: for a caller that
 * is done after it (a listing saves QUIT's round trip). The session is closed
 * afterwards; *quit_ok tells whether QUIT was acknowledged. Not after a DELE
 * (QUIT would commit it before any reply was seen). */
gboolean             mp_pop3_session_top_many_then_quit_sync (MpPop3Session  *self,
                                                              const guint    *numbers,
                                                              gsize           n_numbers,
                                                              guint           lines,
                                                              MpPop3BodyFunc  func,
                                                              gpointer        user_data,
                                                              gboolean       *quit_ok,
                                                              GCancellable   *cancellable,
                                                              GError        **error);
GBytes              *mp_pop3_session_retr_sync        (MpPop3Session  *self,
                                                       guint           number,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
gboolean             mp_pop3_session_dele_sync        (MpPop3Session  *self,
                                                       guint           number,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* All DELEs are sent (pipelined when possible); FALSE if any was refused
 * (error of the first refusal) — call rset_sync or close to abandon them. */
gboolean             mp_pop3_session_dele_many_sync   (MpPop3Session  *self,
                                                       const guint    *numbers,
                                                       gsize           n_numbers,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
gboolean             mp_pop3_session_rset_sync        (MpPop3Session  *self,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
gboolean             mp_pop3_session_noop_sync        (MpPop3Session  *self,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* TRUE only on QUIT's +OK — the only moment deletions are committed. The
 * session is closed afterwards either way. */
gboolean             mp_pop3_session_quit_sync        (MpPop3Session  *self,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
/* Drop the connection without QUIT: pending deletions are not committed. */
void                 mp_pop3_session_close            (MpPop3Session  *self);

G_END_DECLS
