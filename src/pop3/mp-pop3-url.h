/* mp-pop3-url.h — POP3 URLs into MpPop3Options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-pop3-options.h"

G_BEGIN_DECLS

/* Accepted forms (user percent-decoded, host may be an IPv6 literal "[::1]"):
 *   pop3s://user@host[:port]           implicit TLS, default port 995
 *   pop3://user@host[:port]            STARTTLS required, default port 110
 *   pop://user[;AUTH=mech]@host[:port] RFC 2384: STARTTLS required,
 *        AUTH=+APOP → apop, AUTH=* → auto, AUTH=PLAIN/LOGIN/CRAM-MD5/XOAUTH2/OAUTHBEARER,
 *        no AUTH → user (RFC 2384 says USER/PASS)
 * On success sets host, port, security, username (when present) and auth in
 * @options; other fields are left untouched. A password in the URL
 * ("user:pass@") is refused. Errors are G_IO_ERROR_INVALID_ARGUMENT. */
gboolean mp_pop3_url_parse (const char     *url,
                            MpPop3Options  *options,
                            GError        **error);

/* @url as it may be shown in a message, whether it parses or not: what could be a
 * password ("user:PASSWORD@host", also a non-numeric port of "user:PASSWORD" when
 * the host was forgotten) is replaced by "<redacted>". */
char    *mp_pop3_url_redact (const char *url);

G_END_DECLS
