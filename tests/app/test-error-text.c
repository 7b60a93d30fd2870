/* test-error-text.c — the words errors are shown with (src/app/mp-error-text.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include "mp-error.h"
#include "mp-error-text.h"
#include "mp-pop3-error.h"

#define FP "5e7ecb0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
#define FP_GROUPED "5E:7E:CB:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"

static void
test_fingerprint_pairs (void)
{
  g_autofree char *grouped = mp_format_fingerprint (FP);
  g_autofree char *again = mp_format_fingerprint (FP_GROUPED);

  g_assert_cmpstr (grouped, ==, FP_GROUPED);
  /* Already grouped or upper case: the same text, not doubled colons. */
  g_assert_cmpstr (again, ==, FP_GROUPED);
  g_assert_null (mp_format_fingerprint (NULL));
}

/* The engine's message repeats the title; the details say only why, once, and give
 * the fingerprint in pairs. */
static void
test_certificate_details (void)
{
  g_autoptr(GError) in = g_error_new (MP_POP3_ERROR, MP_POP3_ERROR_CERTIFICATE,
                                      "The server’s certificate is not trusted "
                                      "(self-signed certificate). SHA-256 fingerprint: %s",
                                      FP);
  g_autoptr(GError) out = mp_error_from_pop3 (in);
  g_autofree char *details = mp_error_dup_details (out);
  const char *title = mp_error_title (out);

  g_assert_nonnull (strstr (details, "self-signed certificate"));
  g_assert_nonnull (strstr (details, FP_GROUPED));
  g_assert_null (strstr (details, FP));
  g_assert_null (strstr (details, title));
  g_assert_null (strstr (details, "not trusted"));
}

static void
test_other_details (void)
{
  g_autoptr(GError) err = g_error_new_literal (MP_ERROR, MP_ERROR_AUTH, "-ERR [AUTH] no");
  g_autofree char *details = mp_error_dup_details (err);

  g_assert_cmpstr (details, ==, "-ERR [AUTH] no");
}

/* A refused access token is not a refused password: the title says which, and
 * the mark survives the copy that carries the error to the main thread. */
static void
test_token_refused (void)
{
  g_autoptr(GError) err = g_error_new_literal (MP_ERROR, MP_ERROR_AUTH,
                                               "The server refused the access token: "
                                               "the token has expired or was revoked");
  g_autoptr(GError) copy = NULL;

  g_assert_nonnull (strstr (mp_error_title (err), "user name or password"));
  mp_error_set_token_refused (err);
  copy = g_error_copy (err);
  g_assert_true (mp_error_get_token_refused (copy));
  g_assert_cmpstr (mp_error_title (copy), ==, "The server did not accept the access token");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error-text/fingerprint-pairs", test_fingerprint_pairs);
  g_test_add_func ("/error-text/certificate-details", test_certificate_details);
  g_test_add_func ("/error-text/other-details", test_other_details);
  g_test_add_func ("/error-text/token-refused", test_token_refused);
  return g_test_run ();
}
