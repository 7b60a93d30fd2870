/* URL parser tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-pop3-url.h"

#include <gio/gio.h>

typedef struct {
  const char      *url;
  const char      *host;
  guint16          port;
  guint16          effective_port;
  MpPop3Security   security;
  const char      *user;
  MpPop3AuthMethod auth;
} UrlCase;

static void
test_valid (void)
{
  const UrlCase cases[] = {
    { "pop3s://alice@mail.example.org", "mail.example.org", 0, 995, MP_POP3_SECURITY_TLS, "alice", MP_POP3_AUTH_AUTO },
    { "pop3s://alice@mail.example.org:1995/", "mail.example.org", 1995, 1995, MP_POP3_SECURITY_TLS, "alice", MP_POP3_AUTH_AUTO },
    { "pop3://bob@localhost", "localhost", 0, 110, MP_POP3_SECURITY_STARTTLS, "bob", MP_POP3_AUTH_AUTO },
    { "POP3S://a%40b.c@h:12", "h", 12, 12, MP_POP3_SECURITY_TLS, "a@b.c", MP_POP3_AUTH_AUTO },
    { "pop://rg;AUTH=+APOP@mail.eudora.com:8110", "mail.eudora.com", 8110, 8110, MP_POP3_SECURITY_STARTTLS, "rg", MP_POP3_AUTH_APOP },
    { "pop://baz;AUTH=SCRAM-MD5@foo.bar", NULL, 0, 0, 0, NULL, 0 },  /* unknown mech → invalid, see below */
    { "pop://rg;AUTH=*@mail.eudora.com", "mail.eudora.com", 0, 110, MP_POP3_SECURITY_STARTTLS, "rg", MP_POP3_AUTH_AUTO },
    { "pop://rg@mail.eudora.com", "mail.eudora.com", 0, 110, MP_POP3_SECURITY_STARTTLS, "rg", MP_POP3_AUTH_USER },
    { "pop://u;auth=cram-md5@h", "h", 0, 110, MP_POP3_SECURITY_STARTTLS, "u", MP_POP3_AUTH_CRAM_MD5 },
    { "pop3s://u@[::1]:995", "::1", 995, 995, MP_POP3_SECURITY_TLS, "u", MP_POP3_AUTH_AUTO },
    { "pop3s://u@[2001:db8::5]", "2001:db8::5", 0, 995, MP_POP3_SECURITY_TLS, "u", MP_POP3_AUTH_AUTO },
    { "pop3s://127.0.0.1:10995", "127.0.0.1", 10995, 10995, MP_POP3_SECURITY_TLS, NULL, MP_POP3_AUTH_AUTO },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok = mp_pop3_url_parse (cases[i].url, o, &error);

      g_test_message ("%s", cases[i].url);
      if (cases[i].host == NULL)
        {
          g_assert_false (ok);
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (o->host, ==, cases[i].host);
      g_assert_cmpuint (o->port, ==, cases[i].port);
      g_assert_cmpuint (mp_pop3_options_get_effective_port (o), ==, cases[i].effective_port);
      g_assert_cmpint (o->security, ==, cases[i].security);
      g_assert_cmpstr (o->username, ==, cases[i].user);
      g_assert_cmpint (o->auth, ==, cases[i].auth);
    }
}

static void
test_invalid (void)
{
  const char *bad[] = {
    "imap://u@h", "pop3s://", "pop3s://u@", "pop3s://u:secret@h", "pop3s://u@h:0",
    "pop3s://u@h:70000", "pop3s://u@h:12x", "pop3s://u@[::1", "pop3s://u@[zz]:1",
    "pop3s://u@h/INBOX", "pop3s://u@h h", "pop://u;FOO=1@h", "pop3s://%0d%0a@h",
    "pop3s://u@[127.0.0.1]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (mp_pop3_url_parse (bad[i], o, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (o->host);
    }
}

/* What may be shown of a URL, valid or not: never what could be a password. */
static void
test_redact (void)
{
  const struct { const char *url, *shown; } cases[] = {
    { "pop3s://alice@mail.example.org:995", "pop3s://alice@mail.example.org:995" },
    { "pop3s://alice:hunter2@h", "pop3s://alice:<redacted>@h" },
    { "pop3s://alice:hun/ter@2@h:1/x", "pop3s://alice:<redacted>@h:1/x" },
    { "pop://alice;AUTH=+APOP:hunter2@h", "pop://alice;AUTH=+APOP:<redacted>@h" },
    { "alice:hunter2@h", "alice:<redacted>@h" },
    { "pop3s://alice:hunter2", "pop3s://alice:<redacted>" },
    { "pop3s://h:995/", "pop3s://h:995/" },
    { "pop3s://[::1]", "pop3s://[::1]" },
    { "pop3s://[::1]:99x", "pop3s://[::1]:<redacted>" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = mp_pop3_url_redact (cases[i].url);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

static void
test_names (void)
{
  MpPop3Security s;
  MpPop3AuthMethod a;

  for (int i = MP_POP3_SECURITY_TLS; i <= MP_POP3_SECURITY_NONE; i++)
    {
      g_assert_true (mp_pop3_security_from_string (mp_pop3_security_to_string (i), &s));
      g_assert_cmpint (s, ==, i);
    }
  for (int i = MP_POP3_AUTH_AUTO; i <= MP_POP3_AUTH_XOAUTH2; i++)
    {
      g_assert_true (mp_pop3_auth_method_from_string (mp_pop3_auth_method_to_string (i), &a));
      g_assert_cmpint (a, ==, i);
    }
  g_assert_false (mp_pop3_security_from_string ("ssl", &s));
  g_assert_false (mp_pop3_auth_method_from_string (NULL, &a));
}

static void
test_options_copy (void)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Options) c = NULL;

  o->host = g_strdup ("h");
  mp_pop3_options_set_password (o, "pw");
  c = mp_pop3_options_copy (o);
  g_assert_cmpstr (c->host, ==, "h");
  g_assert_cmpstr (c->password, ==, "pw");
  g_assert_true (c->host != o->host);
  g_assert_cmpint (c->pipeline, ==, -1);
  g_assert_cmpuint (c->timeout_ms, ==, MP_POP3_DEFAULT_TIMEOUT_MS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/url/valid", test_valid);
  g_test_add_func ("/pop3/url/invalid", test_invalid);
  g_test_add_func ("/pop3/url/redact", test_redact);
  g_test_add_func ("/pop3/options/names", test_names);
  g_test_add_func ("/pop3/options/copy", test_options_copy);
  return g_test_run ();
}
