/* mp-pop3-private.h — internals shared by the engine's source files and its
 * unit tests; not for other layers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-pop3-error.h"
#include "mp-pop3-options.h"
#include "mp-pop3-session.h"
#include "mp-pop3-transport.h"

G_BEGIN_DECLS

/* Caps: anything a server sends is bounded (DESIGN.md "Failure rules"). */
#define MP_POP3_MAX_STATUS_LINE   (64 * 1024)          /* RFC says 512 */
#define MP_POP3_MAX_BODY_LINE     (4 * 1024 * 1024)    /* unwrapped HTML/base64 */
#define MP_POP3_MAX_RESPONSE      (64 * 1024 * 1024)   /* RETR/TOP/listings */
#define MP_POP3_MAX_MESSAGES      1000000              /* lines of a listing */
#define MP_POP3_MAX_CAPA_LINES    1000
/* Pipelining: the bytes bound the window (see mp-pop3-pipeline.c). */
#define MP_POP3_PIPELINE_MAX      MP_POP3_MAX_MESSAGES
#define MP_POP3_PIPELINE_MAX_BYTES (256 * 1024)        /* command bytes in flight */
#define MP_POP3_READ_CHUNK        (64 * 1024)         /* bytes asked of one read */

/* ---- reader (mp-pop3-reader.c) ---- */

typedef enum {
  MP_POP3_LINE_OK,          /* "+OK…" */
  MP_POP3_LINE_ERR,         /* "-ERR…" */
  MP_POP3_LINE_CONTINUE,    /* "+ …" or "+" (SASL continuation) */
  MP_POP3_LINE_BODY,        /* a body line, dot-unstuffed */
  MP_POP3_LINE_END,         /* "." alone */
  MP_POP3_LINE_INVALID,     /* not a valid status line */
} MpPop3LineKind;

/* The one classifier of response lines. @line has no line terminator.
 * @in_body: TRUE while inside a multi-line body. @payload and @payload_len get
 * the text after the status word (status lines) or the unstuffed line. */
MpPop3LineKind mp_pop3_classify_line (const char  *line,
                                      gsize        len,
                                      gboolean     in_body,
                                      const char **payload,
                                      gsize       *payload_len);

typedef struct {
  GByteArray *buf;     /* owned; received bytes not yet consumed */
  gsize       start;   /* first unconsumed byte in buf */
  gsize       scanned; /* bytes after start known to hold no LF */
} MpPop3Reader;

void     mp_pop3_reader_init   (MpPop3Reader *reader);
void     mp_pop3_reader_clear  (MpPop3Reader *reader);
void     mp_pop3_reader_feed   (MpPop3Reader *reader, const guint8 *data, gsize len);
gsize    mp_pop3_reader_buffered (MpPop3Reader *reader);
/* Space to receive into directly; commit with mp_pop3_reader_commit(). */
guint8  *mp_pop3_reader_reserve (MpPop3Reader *reader, gsize len);
void     mp_pop3_reader_commit  (MpPop3Reader *reader, gsize reserved, gsize used);
/* TRUE with a complete line (CR LF or bare LF stripped; pointer valid until
 * the next reader call). FALSE without error = need more bytes. FALSE with
 * error = the pending line is longer than @max_len (names the cap). */
gboolean mp_pop3_reader_next_line (MpPop3Reader  *reader,
                                   gsize          max_len,
                                   const char   **line,
                                   gsize         *len,
                                   GError       **error);

/* Takes one body line (dot-unstuffed, no line end, not NUL-terminated) of
 * a reply as it arrives; FALSE with @error set stops the run. */
typedef gboolean (*MpPop3LineFunc) (const char  *line,
                                    gsize        len,
                                    gpointer     user_data,
                                    GError     **error);

/* One reply being assembled. */
typedef struct {
  MpPop3LineKind kind;      /* OK, ERR or CONTINUE when complete */
  char          *text;      /* owned; status text after the status word */
  GByteArray    *body;      /* owned; unstuffed, CRLF line ends; NULL if single-line
                             * or the lines went to line_func */
  gsize          size;      /* body bytes so far (CRLF line ends) */
  guint          lines;     /* body lines so far */
  gboolean       in_body;
  MpPop3LineFunc line_func; /* set: body lines go here instead of into body */
  gpointer       line_data;
} MpPop3Reply;

void     mp_pop3_reply_clear (MpPop3Reply *reply);
/* Feed one line of the reply; returns TRUE when the reply is complete.
 * @multiline: the command's reply has a body after +OK. */
gboolean mp_pop3_reply_add_line (MpPop3Reply  *reply,
                                 const char   *line,
                                 gsize         len,
                                 gboolean      multiline,
                                 gsize         max_response,
                                 guint         max_lines,
                                 GError      **error);
/* Line cap for the next line of @reply. */
gsize    mp_pop3_reply_max_line (const MpPop3Reply *reply);

/* Which commands have multi-line replies (RFC 1939, 2449, 5034). */
gboolean mp_pop3_command_is_multiline (const char *command_line);

/* ---- caps & response codes (mp-pop3-caps.c) ---- */

/* CAPA body → NULL-terminated upper-cased lines (trimmed, empty dropped). */
char   **mp_pop3_caps_parse    (const char *body, gsize len);
gboolean mp_pop3_caps_has      (const char * const *caps, const char *name);
/* "SASL PLAIN LOGIN" contains mechanism @mech? */
gboolean mp_pop3_caps_has_sasl (const char * const *caps, const char *mech);
/* Error code for a -ERR reply text: response code when present ([IN-USE],
 * [LOGIN-DELAY], [SYS/TEMP], [SYS/PERM], [AUTH]), else @fallback. */
MpPop3ErrorCode mp_pop3_resp_code_to_error (const char *text, MpPop3ErrorCode fallback);
/* Greeting's APOP timestamp "<…@…>" or NULL. */
char    *mp_pop3_greeting_apop_timestamp (const char *greeting);
/* Server text safe to show: printable, at most 200 chars. */
char    *mp_pop3_sanitize_text (const char *text);

/* ---- auth helpers (mp-pop3-auth.c) ---- */

char    *mp_pop3_cram_md5_response (const char *user, const char *password,
                                    const char *challenge_b64, GError **error);
char    *mp_pop3_apop_digest       (const char *timestamp, const char *password);
/* Mechanism to use for @requested given caps/encryption; errors are
 * MP_POP3_ERROR_PLAINTEXT_REFUSED / MP_POP3_ERROR_AUTH_UNSUPPORTED. */
gboolean mp_pop3_auth_choose (MpPop3AuthMethod    requested,
                              const char * const *caps,
                              gboolean            have_apop_timestamp,
                              gboolean            encrypted,
                              gboolean            allow_plaintext,
                              MpPop3AuthMethod   *chosen,
                              GError            **error);
gboolean mp_pop3_session_authenticate (MpPop3Session *self,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* ---- trace (mp-pop3-trace.c) ---- */

/* Trace text of a line the client sends; @secret = the whole line is a SASL
 * payload. Returns a newly allocated, redacted copy. */
char    *mp_pop3_trace_redact_sent (const char *line, gboolean secret);
/* Same for a received line during a SASL exchange (continuations). */
char    *mp_pop3_trace_redact_received (const char *line, gboolean in_sasl);
/* @text (@len bytes) with every @secret found after its first @from bytes replaced
 * by "<redacted>"; NULL when there is none (or @secret is NULL or empty). */
GString *mp_pop3_redact_secret (const char *text, gsize len, gsize from, const char *secret);

/* ---- pace of an operation (mp-pop3-transport.c) ---- */

/* The limits of the operation under way: its deadline (max_time_ms) and the
 * low-speed window (fewer than speed_limit × speed_time bytes received in
 * speed_time → TIMEOUT). Every wait and every read of a session checks it. */
typedef struct {
  gint64  deadline;       /* monotonic µs; 0 = no operation under way */
  gint64  window_start;   /* monotonic µs the current low-speed window began */
  guint64 window_bytes;   /* bytes received since window_start */
  guint   max_time_ms;
  guint   speed_limit;    /* bytes per second */
  guint   speed_time_ms;
} MpPop3Pace;

/* A new operation starts now, with @options' limits (0 = default). */
void     mp_pop3_pace_begin    (MpPop3Pace *pace, const MpPop3Options *options);
/* In a batch (top_many, dele_many) each message has the whole max_time:
 * the deadline starts again, the low-speed window goes on. */
void     mp_pop3_pace_next_message (MpPop3Pace *pace);
void     mp_pop3_pace_received (MpPop3Pace *pace, gsize n_bytes);
/* FALSE with MP_POP3_ERROR_TIMEOUT once the deadline passed or a low-speed
 * window closed with too few bytes. */
gboolean mp_pop3_pace_check    (MpPop3Pace *pace, GError **error);

/* ---- transports (mp-pop3-transport.c, mp-pop3-tls.c) ---- */

/* Wait until @fd is ready for @events (POLLIN/POLLOUT), @cancellable is
 * cancelled (G_IO_ERROR_CANCELLED), @timeout_ms passed or @pace (may be
 * NULL) runs out (TIMEOUT). */
gboolean mp_pop3_wait_fd (int            fd,
                          short          events,
                          guint          timeout_ms,
                          MpPop3Pace    *pace,
                          GCancellable  *cancellable,
                          GError       **error);
MpPop3Transport *mp_pop3_tcp_connect (const char    *host,
                                      guint16        port,
                                      guint          timeout_ms,
                                      MpPop3Pace    *pace,
                                      GCancellable  *cancellable,
                                      GError       **error);
/* What TLS needs from @options before there is a connection: OpenSSL's start-up,
 * the context, the CA file (not the system store, which loads in the
 * background).  Made before connecting, so the dialogue waits for none of it. */
struct ssl_ctx_st *mp_pop3_tls_context_new  (const MpPop3Options  *options,
                                             GError              **error);
void               mp_pop3_tls_context_free (struct ssl_ctx_st    *ctx);
/* Handshake over @inner (ownership taken, also on failure), with @ctx (borrowed;
 * NULL: made here from @options). *fingerprint_out receives the peer's SHA-256
 * hex when a certificate was seen. */
MpPop3Transport *mp_pop3_tls_wrap (MpPop3Transport     *inner,
                                   const MpPop3Options *options,
                                   struct ssl_ctx_st   *ctx,
                                   MpPop3Pace          *pace,
                                   char               **fingerprint_out,
                                   GCancellable        *cancellable,
                                   GError             **error);
/* Lower-case hex without colons; FALSE if not 64 hex digits. */
gboolean mp_pop3_normalize_fingerprint (const char *in, char out[65]);
const char *mp_pop3_tls_describe (MpPop3Transport *t); /* "TLSv1.3 / cipher" */
/* Starts loading the system CA store in the background (once per process). */
void     mp_pop3_tls_preload (void);
/* TRUE once the helper thread is done with the system CA store (tests). */
gboolean mp_pop3_tls_system_store_ready (void);

/* ---- session internals (mp-pop3-session.c, mp-pop3-pipeline.c) ---- */

typedef enum {
  MP_POP3_STATE_DISCONNECTED,
  MP_POP3_STATE_GREETING,       /* transport up, greeting not yet read */
  MP_POP3_STATE_AUTHORIZATION,  /* RFC 1939 AUTHORIZATION */
  MP_POP3_STATE_TRANSACTION,    /* logged in */
  MP_POP3_STATE_CLOSED,         /* QUIT done, error, or close() */
} MpPop3State;

typedef struct {
  char          *line;       /* without CRLF; NULL = send nothing (greeting) */
  gboolean       multiline;  /* a +OK reply carries a body */
  gboolean       secret;     /* SASL payload: trace as <redacted> */
  guint          number;     /* message number, for the callback */
  MpPop3LineFunc body_line;  /* set: each body line goes here as it arrives
                              * (with the run's user_data), none is kept */
} MpPop3Command;

/* Called in command order for each complete reply; FALSE + error stops. */
typedef gboolean (*MpPop3ReplyFunc) (MpPop3Session *self,
                                     guint          index,
                                     MpPop3Reply   *reply,
                                     gpointer       user_data,
                                     GError       **error);

struct _MpPop3Session
{
  GObject          parent_instance;

  MpPop3Options   *options;       /* owned copy */
  MpPop3Transport *transport;     /* owned; NULL when not connected */
  MpPop3Reader     reader;
  GByteArray      *out;           /* owned; bytes queued for the socket */
  MpPop3State      state;
  char            *greeting;      /* owned */
  char           **caps;          /* owned, NULL-terminated */
  char            *fingerprint;   /* owned; peer cert SHA-256 hex */
  struct ssl_ctx_st *tls_ctx;     /* owned; made before connecting, until the handshake */
  MpPop3AuthMethod auth_used;
  gboolean         in_sasl;       /* trace redaction of continuations */
  gboolean         preconnected;  /* made with new_for_transport */
  MpPop3Command    last_answered; /* the last reply's command, line owned and
                                   * redacted (NULL: none or the greeting), to
                                   * name it when bytes follow that reply */
  MpPop3Pace       pace;          /* the operation under way */
  gboolean         dele_sent;     /* a DELE went out since login or the last
                                   * RSET: QUIT would commit it */
  struct _MpPop3Batch *run;       /* the run under way (mp-pop3-pipeline.c) */
};

void     mp_pop3_session_set_state (MpPop3Session *self, MpPop3State state);
/* Starts an operation (the deadline and low-speed limits): called once at
 * the top of each public _sync call. */
void     mp_pop3_session_begin_operation (MpPop3Session *self);
/* Reads what the transport has into the reader (counted for the pace). */
MpPop3IoStatus mp_pop3_session_read (MpPop3Session *self, GError **error);
void     mp_pop3_session_trace     (MpPop3Session *self, MpPop3TraceDirection dir,
                                    const char *line);
/* Sends @commands, pipelined up to @window_max in flight (1 = lock-step),
 * and hands each reply to @func in order. Any transport/protocol error closes
 * the session. */
gboolean mp_pop3_session_run (MpPop3Session  *self,
                              MpPop3Command  *commands,
                              guint           n_commands,
                              guint           window_max,
                              MpPop3ReplyFunc func,
                              gpointer        user_data,
                              GCancellable   *cancellable,
                              GError        **error);
/* From a reply callback of the run under way: @n more commands after its last
 * (the structs are copied; their lines must outlive the run). They go out as
 * the window allows, and their replies come to the same callback, the indices
 * going on from the last command's. */
void     mp_pop3_session_run_append (MpPop3Session       *self,
                                     const MpPop3Command *commands,
                                     guint                n);
/* One command in lock-step; returns the reply (caller clears). A -ERR reply
 * is returned, not turned into an error. */
gboolean mp_pop3_session_command (MpPop3Session *self,
                                  const char    *line,
                                  gboolean       secret,
                                  MpPop3Reply   *reply,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* GError for a -ERR reply, with @what as context ("LIST 3"). */
void     mp_pop3_set_reply_error (GError           **error,
                                  const MpPop3Reply *reply,
                                  MpPop3ErrorCode    fallback,
                                  const char        *what);
/* Window for batches: 1 without PIPELINING. */
guint    mp_pop3_session_window (MpPop3Session *self);

/* mp-pop3-commands.c, shared with mp-pop3-bodies.c: */
/* Every public TRANSACTION call passes here once, first: it starts the operation;
 * FALSE when not logged in. */
gboolean mp_pop3_check_ready        (MpPop3Session  *self,
                                     GError        **error);
/* Always FALSE: a malformed reply to @what. */
gboolean mp_pop3_protocol_error     (GError        **error,
                                     const char     *what);
/* Always FALSE: a batch longer than any listing the engine accepts. */
gboolean mp_pop3_too_many_requested (GError        **error);
/* A command with a single-line reply; -ERR becomes an error with @fallback;
 * *text_out (may be NULL) gets the reply's text. The first checks the session
 * is logged in (and starts the operation), the second does not. */
gboolean mp_pop3_simple             (MpPop3Session    *self,
                                     const char       *line,
                                     MpPop3ErrorCode   fallback,
                                     char            **text_out,
                                     GCancellable     *cancellable,
                                     GError          **error);
gboolean mp_pop3_simple_in_any_state (MpPop3Session    *self,
                                      const char       *line,
                                      MpPop3ErrorCode   fallback,
                                      char            **text_out,
                                      GCancellable     *cancellable,
                                      GError          **error);

/* mp-pop3-bodies.c: FALSE when the server's capabilities leave TOP out. */
gboolean mp_pop3_check_top          (MpPop3Session  *self,
                                     GError        **error);
/* A batch's replies: QUIT's (*quit_ok: +OK), and a TOP/RETR body (*body NULL
 * for -ERR; counted for the low-speed limit). FALSE: malformed. */
gboolean mp_pop3_take_quit_reply    (MpPop3Reply    *reply,
                                     gboolean       *quit_ok,
                                     GError        **error);
gboolean mp_pop3_take_body_reply    (MpPop3Session  *self,
                                     MpPop3Reply    *reply,
                                     const char     *line,
                                     GBytes        **body,
                                     GError        **error);

/* mp-pop3-pipeline.c: */
/* Sets commands[i].line to "VERB numbers[i]" (with @lines appended unless it is
 * G_MAXUINT) and .number for i < @n, all lines in the returned block: free it,
 * not the lines. */
char    *mp_pop3_format_numbered    (MpPop3Command  *commands,
                                     const guint    *numbers,
                                     gsize           n,
                                     const char     *verb,
                                     guint           lines);

G_END_DECLS
