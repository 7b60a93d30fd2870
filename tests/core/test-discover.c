/* test-discover.c — account discovery against real parts: a local HTTPS server and
 * proxy (discover-server.py; libsoup reaches "https://autoconfig.D/" through the
 * https_proxy the system proxy settings name), a test GResolver answering A, MX and
 * SRV look-ups (set as the default, as GLib's own resolver tests do), and the fake
 * POP3 server for the guesses.  Each of the five sources is found in turn by letting
 * the earlier ones fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "mp-discover.h"
#include "mp-error.h"
#include "mp-test-util.h"

/* ---- the test resolver ---- */

#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)

struct _TestResolver {
  GResolver   parent;
  GMutex      lock;
  GHashTable *hosts;   /* name → "127.0.0.1" */
  GHashTable *mx;      /* domain → GList of GVariant (qs) */
  GHashTable *srv;     /* rrname → "host:port" */
};

G_DEFINE_FINAL_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

/* Names whose MX look-up never answers (until cancelled). */
#define HANG_DOMAIN "hang.test"

static GList *
resolve_name (GResolver *resolver, const char *name, GError **error)
{
  TestResolver *self = TEST_RESOLVER (resolver);
  const char *ip;

  g_mutex_lock (&self->lock);
  ip = g_hash_table_lookup (self->hosts, name);
  g_mutex_unlock (&self->lock);
  if (ip == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no host %s (test)", name);
      return NULL;
    }
  return g_list_append (NULL, g_inet_address_new_from_string (ip));
}

static GList *
resolve_records (GResolver *resolver, const char *rrname, GResolverRecordType type, GError **error)
{
  TestResolver *self = TEST_RESOLVER (resolver);
  GList *out = NULL;

  g_mutex_lock (&self->lock);
  if (type == G_RESOLVER_RECORD_MX)
    for (GList *l = g_hash_table_lookup (self->mx, rrname); l != NULL; l = l->next)
      out = g_list_append (out, g_variant_ref (l->data));
  g_mutex_unlock (&self->lock);
  if (out == NULL)
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no records for %s (test)", rrname);
  return out;
}

static GList *
resolve_service (GResolver *resolver, const char *rrname, GError **error)
{
  TestResolver *self = TEST_RESOLVER (resolver);
  g_auto(GStrv) parts = NULL;
  const char *value;

  g_mutex_lock (&self->lock);
  value = g_hash_table_lookup (self->srv, rrname);
  parts = value != NULL ? g_strsplit (value, ":", 2) : NULL;
  g_mutex_unlock (&self->lock);
  if (parts == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no SRV %s (test)", rrname);
      return NULL;
    }
  return g_list_append (NULL, g_srv_target_new (parts[0], atoi (parts[1]), 0, 0));
}

static GList *
lookup_by_name (GResolver *r, const char *name, GCancellable *c, GError **e)
{
  return resolve_name (r, name, e);
}

static GList *
lookup_by_name_with_flags (GResolver *r, const char *name, GResolverNameLookupFlags f,
                           GCancellable *c, GError **e)
{
  return resolve_name (r, name, e);
}

static GList *
lookup_records (GResolver *r, const char *rrname, GResolverRecordType t, GCancellable *c, GError **e)
{
  return resolve_records (r, rrname, t, e);
}

static GList *
lookup_service (GResolver *r, const char *rrname, GCancellable *c, GError **e)
{
  return resolve_service (r, rrname, e);
}

static void
return_list (GTask *task, GList *list, GError *error, GDestroyNotify free_item)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, free_item);
}

static void
lookup_by_name_async (GResolver *r, const char *name, GCancellable *c,
                      GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (r, c, cb, data);
  GError *error = NULL;
  GList *list = resolve_name (r, name, &error);

  return_list (task, list, error, NULL);
}

static void
lookup_by_name_with_flags_async (GResolver *r, const char *name, GResolverNameLookupFlags f,
                                 GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  lookup_by_name_async (r, name, c, cb, data);
}

static gboolean
hang_cancelled (GCancellable *cancellable, gpointer task)
{
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static void
lookup_records_async (GResolver *r, const char *rrname, GResolverRecordType t, GCancellable *c,
                      GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (r, c, cb, data);
  GError *error = NULL;
  GList *list;

  if (strcmp (rrname, HANG_DOMAIN) == 0 && c != NULL)
    {
      /* A DNS server that never answers: only cancelling ends the wait. */
      g_autoptr(GSource) source = g_cancellable_source_new (c);

      g_source_set_callback (source, G_SOURCE_FUNC (hang_cancelled), g_object_ref (task),
                             g_object_unref);
      g_source_attach (source, g_main_context_get_thread_default ());
      return;
    }
  list = resolve_records (r, rrname, t, &error);
  return_list (task, list, error, NULL);
}

static void
lookup_service_async (GResolver *r, const char *rrname, GCancellable *c,
                      GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (r, c, cb, data);
  GError *error = NULL;
  GList *list = resolve_service (r, rrname, &error);

  return_list (task, list, error, NULL);
}

static GList *
lookup_finish (GResolver *r, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_finalize (GObject *object)
{
  TestResolver *self = TEST_RESOLVER (object);

  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->mx);
  g_hash_table_unref (self->srv);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (test_resolver_parent_class)->finalize (object);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  GResolverClass *rc = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_resolver_finalize;
  rc->lookup_by_name = lookup_by_name;
  rc->lookup_by_name_async = lookup_by_name_async;
  rc->lookup_by_name_finish = lookup_finish;
  rc->lookup_by_name_with_flags = lookup_by_name_with_flags;
  rc->lookup_by_name_with_flags_async = lookup_by_name_with_flags_async;
  rc->lookup_by_name_with_flags_finish = lookup_finish;
  rc->lookup_records = lookup_records;
  rc->lookup_records_async = lookup_records_async;
  rc->lookup_records_finish = lookup_finish;
  rc->lookup_service = lookup_service;
  rc->lookup_service_async = lookup_service_async;
  rc->lookup_service_finish = lookup_finish;
}

static void
free_variant_list (gpointer list)
{
  g_list_free_full (list, (GDestroyNotify) g_variant_unref);
}

static void
test_resolver_init (TestResolver *self)
{
  g_mutex_init (&self->lock);
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mx = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_variant_list);
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static TestResolver *resolver;

/* The tables are read by discovery threads (one may outlive a cancelled test). */
static void
add_mx (const char *domain, guint16 preference, const char *host)
{
  gpointer old_key = NULL;
  gpointer list = NULL;

  g_mutex_lock (&resolver->lock);
  g_hash_table_steal_extended (resolver->mx, domain, &old_key, &list);
  g_free (old_key);
  list = g_list_append (list, g_variant_ref_sink (g_variant_new ("(qs)", preference, host)));
  g_hash_table_insert (resolver->mx, g_strdup (domain), list);
  g_mutex_unlock (&resolver->lock);
}

static void
add_to (GHashTable *table, const char *key, const char *value)
{
  g_mutex_lock (&resolver->lock);
  g_hash_table_insert (table, g_strdup (key), g_strdup (value));
  g_mutex_unlock (&resolver->lock);
}

/* ---- the fixture: one server for the whole run ---- */

static GSubprocess *server;
static char *server_dir;
static char *ca_file;
static char *cert_file;
static char *key_file;

static gboolean
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *proxy_line = NULL;
  g_autofree char *https_line = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("MP_SOURCE_ROOT"), "tests", "core",
                                              "discover-server.py", NULL);
  g_autofree char *proxy = NULL;

  server_dir = g_dir_make_tmp ("mp-discover-XXXXXX", &error);
  g_assert_no_error (error);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, MP_PYTHON3, script, server_dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  proxy_line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  https_line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  if (proxy_line == NULL || !g_str_has_prefix (proxy_line, "PROXY ") || https_line == NULL)
    return FALSE;
  /* The system's proxy settings, as a user behind a proxy has them. */
  proxy = g_strdup_printf ("http://127.0.0.1:%s", proxy_line + strlen ("PROXY "));
  g_setenv ("https_proxy", proxy, TRUE);
  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");
  ca_file = g_build_filename (server_dir, "ca.pem", NULL);
  cert_file = g_build_filename (server_dir, "server.pem", NULL);
  key_file = g_build_filename (server_dir, "server.key", NULL);
  return TRUE;
}

static void
stop_server (void)
{
  g_subprocess_force_exit (server);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  mp_test_rm_rf (server_dir);
  g_free (server_dir);
  g_free (ca_file);
  g_free (cert_file);
  g_free (key_file);
}

static char *
read_requests (void)
{
  g_autofree char *path = g_build_filename (server_dir, "requests.log", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static MpDiscoverOptions
test_options (void)
{
  MpDiscoverOptions o = {
    .ispdb_url = "https://ispdb.test/v1.1/",
    .ca_file = ca_file,
    .timeout_ms = 20000,
    .probe_timeout_ms = 2000,
    /* Nothing listens here: a guess that gets this far is refused at once. */
    .guess_tls_port = 1,
    .guess_starttls_port = 1,
  };
  return o;
}

static MpDiscoverResult *
discover_ok (const char *address, const MpDiscoverOptions *options)
{
  g_autoptr(GError) error = NULL;
  MpDiscoverResult *r = mp_discover_sync (address, options, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static char *
discover_fails (const char *address, const MpDiscoverOptions *options, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpDiscoverResult) r = mp_discover_sync (address, options, NULL, &error);

  g_assert_null (r);
  g_assert_error (error, MP_ERROR, code);
  g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);

  /* One TAP comment per line. */
  for (guint i = 0; lines[i] != NULL; i++)
    g_test_message ("%s", lines[i]);
  return g_strdup (error->message);
}

static void
assert_origin (const MpDiscoverResult *r, const char *expected)
{
  g_autofree char *origin = mp_discover_result_dup_origin (r);

  g_assert_cmpstr (origin, ==, expected);
}

/* ---- config-v1.1.xml ---- */

static void
test_parse (void)
{
  const char *good =
    "<clientConfig version=\"1.1\"><emailProvider id=\"x\">"
    "<incomingServer type=\"imap\"><hostname>imap.x.test</hostname><port>993</port>"
    "<socketType>SSL</socketType></incomingServer>"
    "<incomingServer type=\"pop3\"><hostname>pop.x.test</hostname><port>110</port>"
    "<socketType>plain</socketType><username>%EMAILADDRESS%</username></incomingServer>"
    "<incomingServer type=\"pop3\"><hostname>pop.%EMAILDOMAIN%</hostname><port>110</port>"
    "<socketType>STARTTLS</socketType><username>%EMAILLOCALPART%+pop</username></incomingServer>"
    "</emailProvider></clientConfig>";
  const char *bad[][2] = {
    { "<clientConfig><emailProvider><incomingServer type=\"pop3\"><hostname>x",
      "malformed XML" },
    { "<html><body>Not found</body></html>", "not <clientConfig>" },
    { "", "empty" },
    { "<clientConfig><emailProvider><incomingServer type=\"imap\"><hostname>i.test</hostname>"
      "<port>993</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",
      "names no POP3 server" },
    { "<clientConfig><emailProvider><incomingServer type=\"pop3\"><hostname>evil host\r\nQUIT</hostname>"
      "<port>995</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",
      "invalid hostname" },
    { "<clientConfig><emailProvider><incomingServer type=\"pop3\"><hostname>p.test</hostname>"
      "<port>99999</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",
      "invalid port" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MpDiscoverResult) r = mp_discover_parse_config (good, strlen (good), "Me.Too@x.test", &error);

  g_assert_no_error (error);
  /* STARTTLS beats plain; IMAP is ignored; the templates are applied. */
  g_assert_cmpstr (r->host, ==, "pop.x.test");
  g_assert_cmpuint (r->port, ==, 110);
  g_assert_cmpint (r->security, ==, MP_POP3_SECURITY_STARTTLS);
  g_assert_cmpstr (r->username, ==, "Me.Too+pop");
  g_assert_false (r->plaintext_only);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(MpDiscoverResult) none = mp_discover_parse_config (bad[i][0], strlen (bad[i][0]),
                                                                   "a@x.test", &e);
      g_assert_null (none);
      g_assert_error (e, MP_ERROR, MP_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (e->message, bad[i][1]));
    }
}

/* ---- the five sources ---- */

static void
test_autoconfig (void)
{
  MpDiscoverOptions o = test_options ();
  g_autoptr(MpDiscoverResult) r = discover_ok ("me@Good.Test", &o);
  g_autofree char *requests = read_requests ();
  g_autoptr(MpDiscoverResult) wk = NULL;

  /* SSL beats STARTTLS and plain; %EMAILDOMAIN% and %EMAILLOCALPART% applied. */
  g_assert_cmpint (r->source, ==, MP_DISCOVER_SOURCE_AUTOCONFIG);
  g_assert_cmpstr (r->host, ==, "pop.good.test");
  g_assert_cmpuint (r->port, ==, 995);
  g_assert_cmpint (r->security, ==, MP_POP3_SECURITY_TLS);
  g_assert_cmpstr (r->username, ==, "me");
  g_assert_false (r->plaintext_only);
  assert_origin (r, "from the provider's autoconfig");
  g_assert_nonnull (strstr (requests, "autoconfig.good.test /mail/config-v1.1.xml?emailaddress=me%40good.test\n"));

  /* No autoconfig. host: the .well-known path on the domain itself. */
  wk = discover_ok ("x@wellknown.test", &o);
  g_assert_cmpint (wk->source, ==, MP_DISCOVER_SOURCE_AUTOCONFIG);
  g_assert_cmpstr (wk->host, ==, "pop.wellknown.test");
  g_assert_cmpstr (wk->username, ==, "x@wellknown.test");
  g_assert_true (g_str_has_prefix (wk->detail, "https://wellknown.test/.well-known/autoconfig/"));
}

static void
test_ispdb (void)
{
  MpDiscoverOptions o = test_options ();
  g_autoptr(MpDiscoverResult) r = discover_ok ("a@isp.test", &o);
  g_autoptr(MpDiscoverResult) plain = discover_ok ("p@plain.test", &o);

  g_assert_cmpint (r->source, ==, MP_DISCOVER_SOURCE_ISPDB);
  g_assert_cmpstr (r->host, ==, "pop.isp.test");
  g_assert_cmpuint (r->port, ==, 110);
  g_assert_cmpint (r->security, ==, MP_POP3_SECURITY_STARTTLS);
  g_assert_cmpstr (r->username, ==, "a@isp.test");
  g_assert_cmpstr (r->detail, ==, "https://ispdb.test/v1.1/isp.test");
  assert_origin (r, "from Mozilla's ISP database");

  g_assert_cmpint (plain->security, ==, MP_POP3_SECURITY_NONE);
  g_assert_true (plain->plaintext_only);
  g_assert_cmpstr (plain->username, ==, "p");
}

static void
test_mx (void)
{
  MpDiscoverOptions o = test_options ();
  g_autoptr(MpDiscoverResult) r = NULL;
  g_autoptr(MpDiscoverResult) r2 = NULL;

  /* The lowest preference wins; its domain is mail.provider.test (nothing there),
   * then the registrable domain provider.test, which the ISPDB knows. */
  add_mx ("mx.test", 20, "backup.elsewhere.test");
  add_mx ("mx.test", 10, "mx1.mail.provider.test.");
  r = discover_ok ("b@mx.test", &o);
  g_assert_cmpint (r->source, ==, MP_DISCOVER_SOURCE_MX);
  g_assert_cmpstr (r->host, ==, "pop.provider.test");
  g_assert_cmpstr (r->username, ==, "b@mx.test");
  g_assert_cmpstr (r->detail, ==, "provider.test");
  assert_origin (r, "from the MX record's provider (provider.test)");

  /* Not in the ISPDB: the MX domain's own autoconfig. */
  add_mx ("mx2.test", 0, "in.hoster.test");
  r2 = discover_ok ("c@mx2.test", &o);
  g_assert_cmpint (r2->source, ==, MP_DISCOVER_SOURCE_MX);
  g_assert_cmpstr (r2->host, ==, "pop.hoster.test");
  g_assert_cmpstr (r2->username, ==, "c@mx2.test");
}

static void
test_srv (void)
{
  MpDiscoverOptions o = test_options ();
  g_autoptr(MpDiscoverResult) starttls = NULL;
  g_autoptr(MpDiscoverResult) tls = NULL;
  g_autofree char *none = NULL;

  add_to (resolver->srv, "_pop3._tcp.srv.test", "mail.srv.test.:1110");
  starttls = discover_ok ("d@srv.test", &o);
  g_assert_cmpint (starttls->source, ==, MP_DISCOVER_SOURCE_SRV);
  g_assert_cmpstr (starttls->host, ==, "mail.srv.test");
  g_assert_cmpuint (starttls->port, ==, 1110);
  g_assert_cmpint (starttls->security, ==, MP_POP3_SECURITY_STARTTLS);
  g_assert_cmpstr (starttls->username, ==, "d@srv.test");
  assert_origin (starttls, "from DNS SRV records");

  /* _pop3s (implicit TLS) comes first. */
  add_to (resolver->srv, "_pop3s._tcp.srv.test", "pop3s.srv.test:995");
  tls = discover_ok ("d@srv.test", &o);
  g_assert_cmpstr (tls->host, ==, "pop3s.srv.test");
  g_assert_cmpint (tls->security, ==, MP_POP3_SECURITY_TLS);

  /* RFC 6186 3.4: "." is "not offered", not a host. */
  add_to (resolver->srv, "_pop3s._tcp.nosrv.test", ".:0");
  none = discover_fails ("d@nosrv.test", &o, MP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (none, "_pop3s._tcp.nosrv.test: none"));
}

#define PROBE_TLS \
  "send +OK ready\n" \
  "expect CAPA\n" \
  "send +OK\n" \
  "send USER\n" \
  "send .\n" \
  "expect QUIT\n" \
  "send +OK bye\n"

#define PROBE_STLS \
  "send +OK ready\n" \
  "expect CAPA\n" \
  "send +OK\n" \
  "send STLS\n" \
  "send USER\n" \
  "send .\n" \
  "expect STLS\n" \
  "send +OK begin TLS\n" \
  "starttls\n" \
  "expect CAPA\n" \
  "send +OK\n" \
  "send USER\n" \
  "send .\n" \
  "expect QUIT\n" \
  "send +OK bye\n"

#define PROBE_PLAIN \
  "send +OK ready\n" \
  "expect CAPA\n" \
  "send +OK\n" \
  "send USER\n" \
  "send .\n" \
  "expect QUIT\n" \
  "send +OK bye\n"

static void
finish_server (MpTestFakeServer *fake)
{
  g_autoptr(GError) error = NULL;

  /* The transcript matched: greeting, CAPA, [STLS], QUIT — no credential. */
  gboolean ok = mp_test_fake_server_finish (fake, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_guess (void)
{
  MpDiscoverOptions o = test_options ();
  guint16 tls_port = 0, stls_port = 0;
  MpTestFakeServer *tls = mp_test_fake_server_start_tls (PROBE_TLS, cert_file, key_file, &tls_port);
  MpTestFakeServer *stls = mp_test_fake_server_start_stls (PROBE_STLS, cert_file, key_file, &stls_port);
  g_autoptr(MpDiscoverResult) r = NULL;

  g_assert_nonnull (tls);
  g_assert_nonnull (stls);
  /* Only pop3.guess.test exists; both its ports answer: implicit TLS wins. */
  add_to (resolver->hosts, "pop3.guess.test", "127.0.0.1");
  o.guess_tls_port = tls_port;
  o.guess_starttls_port = stls_port;
  r = discover_ok ("e@guess.test", &o);
  finish_server (tls);
  finish_server (stls);
  g_assert_cmpint (r->source, ==, MP_DISCOVER_SOURCE_GUESS);
  g_assert_cmpstr (r->host, ==, "pop3.guess.test");
  g_assert_cmpuint (r->port, ==, tls_port);
  g_assert_cmpint (r->security, ==, MP_POP3_SECURITY_TLS);
  g_assert_cmpstr (r->username, ==, "e@guess.test");
  g_assert_false (r->plaintext_only);
  assert_origin (r, "guessed and probed");
}

static void
test_guess_starttls_and_plain (void)
{
  MpDiscoverOptions o = test_options ();
  guint16 stls_port = 0, plain_port = 0;
  MpTestFakeServer *stls = mp_test_fake_server_start_stls (PROBE_STLS, cert_file, key_file, &stls_port);
  MpTestFakeServer *plain = NULL;
  g_autoptr(MpDiscoverResult) r = NULL;
  g_autoptr(MpDiscoverResult) p = NULL;

  add_to (resolver->hosts, "pop3.guess.test", "127.0.0.1");
  o.guess_starttls_port = stls_port;
  r = discover_ok ("f@guess.test", &o);
  finish_server (stls);
  g_assert_cmpint (r->security, ==, MP_POP3_SECURITY_STARTTLS);
  g_assert_false (r->plaintext_only);

  /* No STLS offered: found, but flagged plaintext-only. */
  plain = mp_test_fake_server_start (PROBE_PLAIN, &plain_port);
  o.guess_starttls_port = plain_port;
  p = discover_ok ("g@guess.test", &o);
  finish_server (plain);
  g_assert_cmpint (p->security, ==, MP_POP3_SECURITY_NONE);
  g_assert_true (p->plaintext_only);
}

/* ---- bad input ---- */

static void
test_bad_documents (void)
{
  MpDiscoverOptions o = test_options ();
  g_autofree char *malformed = discover_fails ("m@malformed.test", &o, MP_ERROR_PROTOCOL);
  g_autofree char *huge = discover_fails ("h@huge.test", &o, MP_ERROR_PROTOCOL);
  g_autofree char *imap = discover_fails ("i@imaponly.test", &o, MP_ERROR_PROTOCOL);
  g_autofree char *declared = discover_fails ("d@declaredhuge.test", &o, MP_ERROR_PROTOCOL);

  /* Every source is named with what it said. */
  g_assert_nonnull (strstr (malformed, "No POP3 settings were found for malformed.test"));
  g_assert_nonnull (strstr (malformed, "https://autoconfig.malformed.test/mail/config-v1.1.xml"
                                       "?emailaddress=m%40malformed.test: malformed XML"));
  g_assert_nonnull (strstr (malformed, "https://ispdb.test/v1.1/malformed.test: malformed XML"));
  g_assert_nonnull (strstr (malformed, "MX record of malformed.test"));
  g_assert_nonnull (strstr (malformed, "_pop3s._tcp.malformed.test"));
  g_assert_nonnull (strstr (malformed, "pop.malformed.test:1"));
  g_assert_nonnull (strstr (huge, "huge.test: the answer is larger than 1024 KiB"));
  g_assert_nonnull (strstr (declared, "autoconfig.declaredhuge.test/mail/config-v1.1.xml"
                                      "?emailaddress=d%40declaredhuge.test: the answer is larger than 1024 KiB"));
  g_assert_nonnull (strstr (imap, "imaponly.test/mail/config-v1.1.xml?emailaddress=i%40imaponly.test: "
                                  "it names no POP3 server"));
}

static void
test_bad_redirects (void)
{
  MpDiscoverOptions o = test_options ();
  g_autofree char *elsewhere = discover_fails ("r@redirect.test", &o, MP_ERROR_PROTOCOL);
  g_autofree char *http = discover_fails ("r@redirecthttp.test", &o, MP_ERROR_PROTOCOL);
  g_autofree char *requests = NULL;
  g_autoptr(MpDiscoverResult) same = NULL;

  g_assert_nonnull (strstr (elsewhere, "redirected to another host (evil.test); "
                                       "only redirects within autoconfig.redirect.test are followed"));
  g_assert_nonnull (strstr (http, "redirected to http://autoconfig.redirecthttp.test/mail/config-v1.1.xml, "
                                  "which is not HTTPS"));
  requests = read_requests ();
  g_assert_null (strstr (requests, "evil.test "));

  /* Within the same host over HTTPS, a redirect is followed. */
  same = discover_ok ("r@redirectok.test", &o);
  g_assert_cmpint (same->source, ==, MP_DISCOVER_SOURCE_AUTOCONFIG);
  g_assert_cmpstr (same->host, ==, "pop.redirectok.test");
}

/* A GSettings value (or a caller) naming a plain-http ISP database is not asked. */
static void
test_bad_ispdb_url (void)
{
  MpDiscoverOptions o = test_options ();
  g_autofree char *msg = NULL;

  o.ispdb_url = "http://ispdb.test/v1.1/";
  msg = discover_fails ("a@isp.test", &o, MP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (msg, "- http://ispdb.test/v1.1/isp.test: not HTTPS; not asked"));
}

static void
test_bad_address (void)
{
  MpDiscoverOptions o = test_options ();
  const char *bad[] = { "", "nobody", "@x.test", "a@", "a b@x.test", "a@x", "a@x_y.test" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *msg = discover_fails (bad[i], &o, MP_ERROR_CONFIG);
      g_assert_nonnull (strstr (msg, "is not an e-mail address"));
    }
}

/* An untrusted certificate is a failure of that source, not a result. */
static void
test_untrusted (void)
{
  MpDiscoverOptions o = test_options ();
  g_autofree char *msg = NULL;

  o.ca_file = NULL;   /* the system store does not know the test CA */
  msg = discover_fails ("me@good.test", &o, MP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (msg, "https://autoconfig.good.test/"));
  g_assert_null (strstr (msg, "malformed"));
}

/* ---- time ---- */

static gint64
scaled (gint64 usec)
{
  return g_getenv ("MP_SANITIZER") != NULL ? 3 * usec : usec;
}

typedef struct {
  GError           *error;
  MpDiscoverResult *result;
  gint64            done_at;
} Wait;

static void
on_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Wait *w = data;

  w->result = mp_discover_finish (res, &w->error);
  w->done_at = g_get_monotonic_time ();
}

static gboolean
cancel_now (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  MpDiscoverOptions o = test_options ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait w = { 0 };
  gint64 cancelled_at;

  /* The MX look-up of hang.test never answers; the caller cancels. */
  mp_discover_async ("x@" HANG_DOMAIN, &o, cancellable, on_done, &w);
  g_timeout_add (300, cancel_now, cancellable);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  cancelled_at = g_get_monotonic_time ();
  while (w.done_at == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (w.result);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (w.done_at - cancelled_at, <, scaled (100 * 1000));
  g_clear_error (&w.error);
}

static void
test_timeout (void)
{
  MpDiscoverOptions o = test_options ();
  gint64 start = g_get_monotonic_time ();
  g_autofree char *msg = NULL;
  g_autofree char *within = NULL;
  gint64 elapsed;

  /* Long enough for the HTTP sources to answer first, even under a sanitizer. */
  o.timeout_ms = scaled (2000 * 1000) / 1000;
  within = g_strdup_printf ("within %u s", o.timeout_ms / 1000);
  msg = discover_fails ("x@" HANG_DOMAIN, &o, MP_ERROR_TIMEOUT);
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpint (elapsed, >=, (gint64) o.timeout_ms * 1000);
  g_assert_cmpint (elapsed, <, (gint64) o.timeout_ms * 1000 + scaled (500 * 1000));
  /* What was learnt before the time ran out is still said. */
  g_assert_nonnull (strstr (msg, within));
  g_assert_nonnull (strstr (msg, "https://ispdb.test/v1.1/hang.test: HTTP 404"));
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  /* Through the system proxy settings (libproxy reads https_proxy). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "libproxy", TRUE);
  if (!start_server ())
    {
      g_printerr ("discover-server.py did not start\n");
      return 1;
    }
  resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_resolver_set_default (G_RESOLVER (resolver));

  g_test_add_func ("/discover/parse", test_parse);
  g_test_add_func ("/discover/1-autoconfig", test_autoconfig);
  g_test_add_func ("/discover/2-ispdb", test_ispdb);
  g_test_add_func ("/discover/3-mx", test_mx);
  g_test_add_func ("/discover/4-srv", test_srv);
  g_test_add_func ("/discover/5-guess", test_guess);
  g_test_add_func ("/discover/5-guess-starttls-plain", test_guess_starttls_and_plain);
  g_test_add_func ("/discover/bad/documents", test_bad_documents);
  g_test_add_func ("/discover/bad/redirects", test_bad_redirects);
  g_test_add_func ("/discover/bad/address", test_bad_address);
  g_test_add_func ("/discover/bad/ispdb-url", test_bad_ispdb_url);
  g_test_add_func ("/discover/bad/untrusted", test_untrusted);
  g_test_add_func ("/discover/cancel", test_cancel);
  g_test_add_func ("/discover/timeout", test_timeout);
  rc = g_test_run ();

  g_object_unref (resolver);
  stop_server ();
  return rc;
}
