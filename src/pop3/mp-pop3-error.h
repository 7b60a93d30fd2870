/* mp-pop3-error.h — error domain of the POP3 engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MP_POP3_ERROR (mp_pop3_error_quark ())

/**
 * MpPop3ErrorCode:
 * @MP_POP3_ERROR_CONNECT: name resolution or TCP connect failed
 * @MP_POP3_ERROR_TIMEOUT: no progress within options->timeout_ms, an
 *   operation longer than options->max_time_ms, or a server slower than
 *   options->speed_limit over options->speed_time_ms
 * @MP_POP3_ERROR_TLS: TLS handshake or record layer failure
 * @MP_POP3_ERROR_CERTIFICATE: peer certificate not trusted / wrong host; the
 *   message contains the reason and the SHA-256 fingerprint, which is also
 *   available from mp_pop3_session_dup_peer_fingerprint()
 * @MP_POP3_ERROR_PLAINTEXT_REFUSED: a reusable password would have gone over
 *   an unencrypted connection and options->allow_plaintext_password is FALSE
 * @MP_POP3_ERROR_STLS_UNAVAILABLE: STARTTLS required but the server does not
 *   offer STLS (nothing secret was sent)
 * @MP_POP3_ERROR_AUTH: the server rejected the credentials (or [AUTH] code)
 * @MP_POP3_ERROR_AUTH_UNSUPPORTED: the requested mechanism is not offered
 * @MP_POP3_ERROR_IN_USE: -ERR [IN-USE] (mailbox locked by another session)
 * @MP_POP3_ERROR_LOGIN_DELAY: -ERR [LOGIN-DELAY]
 * @MP_POP3_ERROR_SYS_TEMP: -ERR [SYS/TEMP] (retry later)
 * @MP_POP3_ERROR_SYS_PERM: -ERR [SYS/PERM]
 * @MP_POP3_ERROR_SERVER: any other -ERR
 * @MP_POP3_ERROR_PROTOCOL: malformed reply, a size/line/count cap reached,
 *   STARTTLS response injection
 * @MP_POP3_ERROR_CLOSED: the server closed the connection
 * @MP_POP3_ERROR_NO_SUCH_MESSAGE: -ERR to a command naming a message number
 * @MP_POP3_ERROR_UNSUPPORTED: the server lacks a needed capability (e.g. TOP)
 */
typedef enum {
  MP_POP3_ERROR_CONNECT,
  MP_POP3_ERROR_TIMEOUT,
  MP_POP3_ERROR_TLS,
  MP_POP3_ERROR_CERTIFICATE,
  MP_POP3_ERROR_PLAINTEXT_REFUSED,
  MP_POP3_ERROR_STLS_UNAVAILABLE,
  MP_POP3_ERROR_AUTH,
  MP_POP3_ERROR_AUTH_UNSUPPORTED,
  MP_POP3_ERROR_IN_USE,
  MP_POP3_ERROR_LOGIN_DELAY,
  MP_POP3_ERROR_SYS_TEMP,
  MP_POP3_ERROR_SYS_PERM,
  MP_POP3_ERROR_SERVER,
  MP_POP3_ERROR_PROTOCOL,
  MP_POP3_ERROR_CLOSED,
  MP_POP3_ERROR_NO_SUCH_MESSAGE,
  MP_POP3_ERROR_UNSUPPORTED,
} MpPop3ErrorCode;

GQuark mp_pop3_error_quark (void);

G_END_DECLS
