/* mp-discover.h — the POP3 settings of an e-mail address (account discovery)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Looks in the order Thunderbird uses, and stops at the first source that has a
 * POP3 server:
 *   1. the provider's own autoconfig (https://autoconfig.DOMAIN/mail/config-v1.1.xml,
 *      then https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml);
 *   2. Mozilla's ISP database (ISPDB_URL + DOMAIN);
 *   3. the domain of the MX record: ISPDB, then its autoconfig;
 *   4. RFC 6186 SRV records (_pop3s._tcp, then _pop3._tcp);
 *   5. guesses (pop., pop3., mail. DOMAIN on the TLS and STARTTLS ports), probed in
 *      parallel without logging in.
 * HTTP goes through libsoup (certificates verified, a body over 1 MiB is refused,
 * redirects are followed only to HTTPS on the same host); DNS through GResolver.
 * A source that fails or sends bad data is skipped; when none has a POP3 server the
 * error (MP_ERROR_PROTOCOL: give up, configure by hand) names what each one said.
 *
 * GTK-free; the blocking call runs on a worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "mp-pop3-options.h"

G_BEGIN_DECLS

#define MP_DISCOVER_DEFAULT_ISPDB_URL "https://autoconfig.thunderbird.net/v1.1/"
/* A config file is a few KiB; anything this large is not one. */
#define MP_DISCOVER_MAX_BODY (1024 * 1024)

typedef enum {
  MP_DISCOVER_SOURCE_AUTOCONFIG,
  MP_DISCOVER_SOURCE_ISPDB,
  MP_DISCOVER_SOURCE_MX,
  MP_DISCOVER_SOURCE_SRV,
  MP_DISCOVER_SOURCE_GUESS,
} MpDiscoverSource;

typedef struct {
  char             *host;            /* owned */
  guint16           port;
  MpPop3Security    security;        /* TLS, STARTTLS or NONE */
  char             *username;        /* owned; the config's template applied */
  MpDiscoverSource  source;
  char             *detail;          /* owned; the URL read, the MX provider's domain,
                                      * the SRV name or the host:port probed */
  gboolean          plaintext_only;  /* the best server found offers no encryption */
} MpDiscoverResult;

void        mp_discover_result_free        (MpDiscoverResult *result);
/* "from Mozilla's ISP database", … (translated; newly allocated) */
char       *mp_discover_result_dup_origin  (const MpDiscoverResult *result);
/* Stable names for JSON: "autoconfig" "ispdb" "mx" "srv" "guess". */
const char *mp_discover_source_to_string   (MpDiscoverSource source);

typedef struct {
  const char *ispdb_url;            /* NULL: MP_DISCOVER_DEFAULT_ISPDB_URL */
  const char *ca_file;              /* PEM CAs trusted instead of the system store
                                     * (HTTPS and probes); NULL: the system store */
  guint       timeout_ms;           /* the whole discovery; 0: 60 s */
  guint       probe_timeout_ms;     /* each guessed server; 0: 5 s */
  guint16     guess_tls_port;       /* 0: 995 */
  guint16     guess_starttls_port;  /* 0: 110 */
} MpDiscoverOptions;

/* Blocks: run it on a worker thread.  @address is "local@domain".  Errors:
 * MP_ERROR_CONFIG (not an e-mail address), MP_ERROR_PROTOCOL (nothing found: the
 * message names each source and what it answered, one per line), MP_ERROR_TIMEOUT
 * (@options->timeout_ms passed; the same list so far), G_IO_ERROR_CANCELLED. */
MpDiscoverResult *mp_discover_sync   (const char               *address,
                                      const MpDiscoverOptions  *options,
                                      GCancellable             *cancellable,
                                      GError                  **error);
/* The same on a worker thread; @callback runs in the caller's thread-default context.
 * Cancelling @cancellable answers G_IO_ERROR_CANCELLED at once, even while the worker
 * is still inside a TLS handshake (it stops at its next check; its result is dropped). */
void              mp_discover_async  (const char               *address,
                                      const MpDiscoverOptions  *options,
                                      GCancellable             *cancellable,
                                      GAsyncReadyCallback       callback,
                                      gpointer                  user_data);
MpDiscoverResult *mp_discover_finish (GAsyncResult             *result,
                                      GError                  **error);

/* Parses a config-v1.1.xml document for @address: its best incomingServer of type
 * pop3 (SSL over STARTTLS over plain), templates (%EMAILADDRESS%, %EMAILLOCALPART%,
 * %EMAILDOMAIN%) applied.  Fills host, port, security, username, plaintext_only.
 * MP_ERROR_PROTOCOL when the XML is malformed or names no usable POP3 server. */
MpDiscoverResult *mp_discover_parse_config (const char  *xml,
                                            gsize        length,
                                            const char  *address,
                                            GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpDiscoverResult, mp_discover_result_free)

G_END_DECLS
