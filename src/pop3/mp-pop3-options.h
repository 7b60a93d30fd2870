/* mp-pop3-options.h — everything needed to open one POP3 session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MpPop3Security:
 * @MP_POP3_SECURITY_TLS: implicit TLS (pop3s, default port 995)
 * @MP_POP3_SECURITY_STARTTLS: plain connect, STLS required (default port 110);
 *   no STLS in CAPA → MP_POP3_ERROR_STLS_UNAVAILABLE before any credential
 * @MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE: STLS when offered, else continue in
 *   clear — where a reusable password is still refused unless
 *   allow_plaintext_password
 * @MP_POP3_SECURITY_NONE: never encrypt
 */
typedef enum {
  MP_POP3_SECURITY_TLS,
  MP_POP3_SECURITY_STARTTLS,
  MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE,
  MP_POP3_SECURITY_NONE,
} MpPop3Security;

/**
 * MpPop3AuthMethod:
 * @MP_POP3_AUTH_AUTO: strongest the server offers (see mp-pop3-auth.c):
 *   over TLS: SASL PLAIN > USER/PASS > CRAM-MD5 > APOP > LOGIN;
 *   in clear: CRAM-MD5 > APOP (they never reveal the password), then
 *   PLAIN/USER/LOGIN only if allow_plaintext_password, else
 *   MP_POP3_ERROR_PLAINTEXT_REFUSED.
 * @MP_POP3_AUTH_XOAUTH2: SASL XOAUTH2; options->password holds the access token
 * @MP_POP3_AUTH_OAUTHBEARER: SASL OAUTHBEARER (RFC 7628); options->password holds
 *   the access token. AUTO never picks either token mechanism: a token is not a
 *   password, so they are used only when chosen.
 */
typedef enum {
  MP_POP3_AUTH_AUTO,
  MP_POP3_AUTH_USER,
  MP_POP3_AUTH_APOP,
  MP_POP3_AUTH_PLAIN,
  MP_POP3_AUTH_LOGIN,
  MP_POP3_AUTH_CRAM_MD5,
  MP_POP3_AUTH_XOAUTH2,
  MP_POP3_AUTH_OAUTHBEARER,
} MpPop3AuthMethod;

typedef enum {
  MP_POP3_TRACE_SENT,
  MP_POP3_TRACE_RECEIVED,
  MP_POP3_TRACE_INFO,       /* engine notes: "connected to …", "TLS 1.3 …" */
} MpPop3TraceDirection;

/* Called on the worker thread running the session, once per protocol line
 * (without CRLF). Secrets (PASS argument, AUTH payloads, tokens) are already
 * replaced by "<redacted>". */
typedef void (*MpPop3TraceFunc) (MpPop3TraceDirection direction,
                                 const char          *line,
                                 gpointer             user_data);

#define MP_POP3_DEFAULT_TIMEOUT_MS 30000
/* One operation (see max_time_ms) may take an hour: a 64 MiB RETR (the
 * reply cap) at 150 kbit/s. */
#define MP_POP3_DEFAULT_MAX_TIME_MS (60 * 60 * 1000)
/* Too slow: fewer than 10 bytes/s, i.e. fewer than 600 bytes in a minute;
 * a dripping server, not a slow link (README.md "Deadlines"). */
#define MP_POP3_DEFAULT_SPEED_LIMIT 10
#define MP_POP3_DEFAULT_SPEED_TIME_MS 60000

/**
 * MpPop3Options: (boxed)
 *
 * Plain struct; string fields are owned (g_strdup / g_free), set them with
 * g_set_str() or the helpers below. mp_pop3_options_free() wipes the password.
 */
typedef struct {
  char             *host;            /* owned; DNS name or IP literal (no brackets) */
  guint16           port;            /* 0 = default for @security (995 / 110) */
  MpPop3Security    security;        /* default MP_POP3_SECURITY_TLS */
  char             *username;        /* owned */
  char             *password;        /* owned, wiped on free; XOAUTH2, OAUTHBEARER: access token */
  MpPop3AuthMethod  auth;            /* default MP_POP3_AUTH_AUTO */
  gboolean          allow_plaintext_password;
  char             *ca_file;         /* owned; PEM bundle, NULL = system store */
  char             *pin_sha256;      /* owned; hex SHA-256 of the DER cert (colons ok) */
  char             *verify_host;     /* owned; name checked in the cert, NULL = host */
  guint             timeout_ms;      /* idle timeout per I/O wait; 0 = default 30 s */
  /* An operation is one _sync call of MpPop3Session (connect_sync from the
   * TCP connect through TLS, greeting and login; scan_sync; retr_sync …;
   * each message of a top_many_sync / dele_many_sync batch). Each ends with
   * MP_POP3_ERROR_TIMEOUT when it lasts longer than max_time_ms, or when
   * the server sent fewer than speed_limit bytes per second over any
   * speed_time_ms. 0 = default. */
  guint             max_time_ms;     /* default 1 hour */
  guint             speed_limit;     /* bytes per second; default 10 */
  guint             speed_time_ms;   /* default 60 s */
  int               pipeline;        /* -1 auto, 0 off, N > 0 = max window */
  MpPop3TraceFunc   trace_func;      /* optional */
  gpointer          trace_user_data;
} MpPop3Options;

#define MP_TYPE_POP3_OPTIONS (mp_pop3_options_get_type ())
GType          mp_pop3_options_get_type (void) G_GNUC_CONST;

MpPop3Options *mp_pop3_options_new      (void);
MpPop3Options *mp_pop3_options_copy     (const MpPop3Options *options);
void           mp_pop3_options_free     (MpPop3Options       *options);

void           mp_pop3_options_set_password (MpPop3Options *options,
                                             const char    *password);
guint16        mp_pop3_options_get_effective_port (const MpPop3Options *options);

/* Stable lower-case names for config files and the CLI:
 * "tls" "starttls" "starttls-if-available" "none";
 * "auto" "user" "apop" "plain" "login" "cram-md5" "xoauth2" "oauthbearer". */
const char    *mp_pop3_security_to_string   (MpPop3Security   security);
gboolean       mp_pop3_security_from_string (const char      *str,
                                             MpPop3Security  *out);
const char    *mp_pop3_auth_method_to_string   (MpPop3AuthMethod  method);
gboolean       mp_pop3_auth_method_from_string (const char       *str,
                                                MpPop3AuthMethod *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpPop3Options, mp_pop3_options_free)

G_END_DECLS
