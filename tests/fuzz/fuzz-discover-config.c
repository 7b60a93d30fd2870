/* fuzz-discover-config.c — account discovery's config-v1.1.xml parser on arbitrary bytes
 *
 * The document comes from the network (a provider's autoconfig, the ISP database);
 * whatever it holds, the parser returns a usable result or an MP_ERROR, and a result's
 * host, port and security are what a session may be opened with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include "mp-discover.h"
#include "mp-error.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpDiscoverResult) r = mp_discover_parse_config ((const char *) data, size,
                                                            "local.part@example.org", &error);

  if (r == NULL)
    {
      FUZZ_CHECK (error != NULL && error->domain == MP_ERROR);
      return 0;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (r->host != NULL && *r->host != '\0');
  FUZZ_CHECK (strpbrk (r->host, " \t\r\n/@:") == NULL || g_hostname_is_ip_address (r->host));
  FUZZ_CHECK (r->port > 0);
  FUZZ_CHECK (r->security == MP_POP3_SECURITY_TLS || r->security == MP_POP3_SECURITY_STARTTLS ||
              r->security == MP_POP3_SECURITY_NONE);
  FUZZ_CHECK (r->plaintext_only == (r->security == MP_POP3_SECURITY_NONE));
  FUZZ_CHECK (r->username != NULL && g_utf8_validate (r->username, -1, NULL));
  return 0;
}
