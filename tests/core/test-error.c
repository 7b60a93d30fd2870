/* test-error.c — MP_ERROR mapping */
#include <gio/gio.h>

#include "mp-error.h"
#include "mp-pop3-error.h"

static void
test_mapping (void)
{
  static const struct { int pop3; MpErrorCode core; gboolean retry; } table[] = {
    { MP_POP3_ERROR_CONNECT, MP_ERROR_NETWORK, TRUE },
    { MP_POP3_ERROR_TIMEOUT, MP_ERROR_TIMEOUT, TRUE },
    { MP_POP3_ERROR_TLS, MP_ERROR_NETWORK, TRUE },
    { MP_POP3_ERROR_CERTIFICATE, MP_ERROR_CERTIFICATE, FALSE },
    { MP_POP3_ERROR_PLAINTEXT_REFUSED, MP_ERROR_INSECURE, FALSE },
    { MP_POP3_ERROR_STLS_UNAVAILABLE, MP_ERROR_INSECURE, FALSE },
    { MP_POP3_ERROR_AUTH, MP_ERROR_AUTH, FALSE },
    { MP_POP3_ERROR_AUTH_UNSUPPORTED, MP_ERROR_CONFIG, FALSE },
    { MP_POP3_ERROR_IN_USE, MP_ERROR_SERVER_BUSY, TRUE },
    { MP_POP3_ERROR_LOGIN_DELAY, MP_ERROR_SERVER_BUSY, TRUE },
    { MP_POP3_ERROR_SYS_TEMP, MP_ERROR_SERVER_BUSY, TRUE },
    { MP_POP3_ERROR_SYS_PERM, MP_ERROR_PROTOCOL, FALSE },
    { MP_POP3_ERROR_SERVER, MP_ERROR_PROTOCOL, FALSE },
    { MP_POP3_ERROR_PROTOCOL, MP_ERROR_PROTOCOL, FALSE },
    { MP_POP3_ERROR_CLOSED, MP_ERROR_NETWORK, TRUE },
    { MP_POP3_ERROR_NO_SUCH_MESSAGE, MP_ERROR_PROTOCOL, FALSE },
    { MP_POP3_ERROR_UNSUPPORTED, MP_ERROR_PROTOCOL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) in = g_error_new (MP_POP3_ERROR, table[i].pop3, "engine says %u", i);
      g_autoptr(GError) out = mp_error_from_pop3 (in);
      g_autofree char *expected = g_strdup_printf ("engine says %u", i);

      g_assert_error (out, MP_ERROR, (gint) table[i].core);
      g_assert_cmpstr (out->message, ==, expected);
      g_assert_cmpint (mp_error_is_retryable (out), ==, table[i].retry);
      /* retryable also answers for the unmapped engine error */
      g_assert_cmpint (mp_error_is_retryable (in), ==, table[i].retry);
    }
}

static void
test_cancel_passthrough (void)
{
  g_autoptr(GError) in = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop");
  g_autoptr(GError) out = mp_error_from_pop3 (in);
  g_autoptr(GError) conv = g_error_new_literal (MP_POP3_ERROR, MP_POP3_ERROR_AUTH, "no");

  g_assert_error (out, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (mp_error_is_retryable (out));

  mp_error_convert (&conv);
  g_assert_error (conv, MP_ERROR, MP_ERROR_AUTH);
  g_assert_cmpstr (conv->message, ==, "no");
}

static void
test_extended_data (void)
{
  const char *fp = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  g_autoptr(GError) in = g_error_new (MP_POP3_ERROR, MP_POP3_ERROR_CERTIFICATE,
                                      "Certificate not trusted (SHA-256 %s)", fp);
  g_autoptr(GError) out = mp_error_from_pop3 (in);
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) busy = g_error_new_literal (MP_ERROR, MP_ERROR_SERVER_BUSY, "wait");
  g_autoptr(GError) busy_copy = NULL;

  g_assert_error (out, MP_ERROR, MP_ERROR_CERTIFICATE);
  g_assert_cmpstr (mp_error_get_fingerprint (out), ==, fp);
  copy = g_error_copy (out);
  g_assert_cmpstr (mp_error_get_fingerprint (copy), ==, fp);

  g_assert_cmpuint (mp_error_get_retry_after (busy), ==, 0);
  mp_error_set_retry_after (busy, 300);
  busy_copy = g_error_copy (busy);
  g_assert_cmpuint (mp_error_get_retry_after (busy_copy), ==, 300);
  g_assert_cmpuint (mp_error_get_retry_after (in), ==, 0);
}

static void
test_foreign (void)
{
  g_autoptr(GError) t = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "slow");
  g_autoptr(GError) r = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "x");
  g_autoptr(GError) mt = mp_error_from_pop3 (t);
  g_autoptr(GError) mr = mp_error_from_pop3 (r);

  g_assert_error (mt, MP_ERROR, MP_ERROR_TIMEOUT);
  g_assert_error (mr, MP_ERROR, MP_ERROR_NETWORK);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/error/mapping", test_mapping);
  g_test_add_func ("/core/error/cancel", test_cancel_passthrough);
  g_test_add_func ("/core/error/extended", test_extended_data);
  g_test_add_func ("/core/error/foreign", test_foreign);
  return g_test_run ();
}
