/* mp-discover.c — account discovery: autoconfig, ISPDB, MX, SRV, guesses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One discovery runs on one worker thread with its own main context (pushed as the
 * thread default), so libsoup's and GResolver's calls can be cancelled at once: the
 * resolver's lookups are made asynchronously and waited for on that context.  A
 * watchdog thread cancels everything when the total time is up.  Guesses are probed
 * by the POP3 engine, one thread per (host, port).
 */
#include "mp-config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "mp-discover-private.h"
#include "mp-error.h"
#include "mp-pop3-session.h"

#define DEFAULT_TIMEOUT_MS        60000
#define DEFAULT_PROBE_TIMEOUT_MS  5000
#define MAX_REDIRECTS             5

typedef struct {
  char                *address;     /* owned; "local@domain", domain lower-case ASCII */
  const char          *domain;      /* points into address */
  MpDiscoverOptions    options;     /* strings owned (copied) */
  GCancellable        *cancellable; /* owned; cancelled by the caller's or the watchdog */
  GMainContext        *context;     /* owned; this thread's default while it runs */
  SoupSession         *soup;        /* owned */
  GResolver           *resolver;    /* owned; the default one */
  GString             *failures;    /* owned; one line per source that gave nothing */
} Discovery;

/* ---- address and failures ---- */

static char *
normalize_address (const char  *address,
                   GError     **error)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;
  g_autofree char *domain = NULL;
  g_autofree char *ascii = NULL;

  if (at == NULL || at == address || at[1] == '\0' || !g_utf8_validate (address, -1, NULL))
    goto invalid;
  for (const char *c = address; *c != '\0'; c++)
    if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c))
      goto invalid;
  domain = g_utf8_strdown (at + 1, -1);
  ascii = g_hostname_to_ascii (domain);
  if (ascii == NULL || strchr (ascii, '.') == NULL || ascii[0] == '.' ||
      strspn (ascii, "abcdefghijklmnopqrstuvwxyz0123456789-.") != strlen (ascii))
    goto invalid;
  return g_strdup_printf ("%.*s@%s", (int) (at - address), address, ascii);

invalid:
  g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("“%s” is not an e-mail address"),
               address != NULL ? address : "");
  return NULL;
}

/* Notes why @what gave nothing, for the final error. */
static void
note_failure (Discovery    *d,
              const char   *what,
              const GError *error)
{
  g_string_append_printf (d->failures, "\n- %s: %s", what, error->message);
}

static gboolean
stopped (Discovery *d,
         GError   **error)
{
  return g_cancellable_set_error_if_cancelled (d->cancellable, error);
}

/* ---- HTTP ---- */

/* One session for the whole discovery; an unreadable CA file is the caller's mistake,
 * said once (MP_ERROR_CONFIG), not a failure of every source. */
static gboolean
make_soup (Discovery  *d,
           GError    **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local = NULL;

  if (d->options.ca_file != NULL &&
      (database = g_tls_file_database_new (d->options.ca_file, &local)) == NULL)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Cannot use the CA file %s: %s"),
                   d->options.ca_file, local->message);
      return FALSE;
    }
  d->soup = soup_session_new_with_options ("user-agent", "Mailpeek/" PACKAGE_VERSION,
                                           "timeout", (d->options.timeout_ms + 999) / 1000,
                                           NULL);
  /* Only a CA file replaces the system's trust: a NULL "tls-database" is no
   * database at all, and every certificate would be refused as of an unknown CA. */
  if (database != NULL)
    soup_session_set_tls_database (d->soup, database);
  return TRUE;
}

/* Redirects are followed by hand: only to HTTPS, and only on the same host — the
 * answer must come from the server we asked (a provider's autoconfig that sends us
 * elsewhere is refused, not trusted). */
static GUri *
follow_redirect (SoupMessage  *msg,
                 GUri         *from,
                 GError      **error)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                       "Location");
  g_autoptr(GUri) to = NULL;
  const char *host;

  if (location == NULL ||
      (to = g_uri_parse_relative (from, location, SOUP_HTTP_URI_FLAGS, NULL)) == NULL)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL,
                   _("HTTP %u without a valid Location"), soup_message_get_status (msg));
      return NULL;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (to), "https") != 0)
    {
      g_autofree char *shown = g_uri_to_string (to);
      g_set_error (error, MP_ERROR, MP_ERROR_INSECURE,
                   _("redirected to %s, which is not HTTPS; not followed"), shown);
      return NULL;
    }
  host = g_uri_get_host (to) != NULL ? g_uri_get_host (to) : "";
  if (g_ascii_strcasecmp (host, g_uri_get_host (from)) != 0)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_INSECURE,
                   _("redirected to another host (%s); only redirects within %s are followed"),
                   host, g_uri_get_host (from));
      return NULL;
    }
  return g_steal_pointer (&to);
}

/* Reads the body, refusing to hold more than MP_DISCOVER_MAX_BODY bytes. */
static GBytes *
read_capped (Discovery     *d,
             SoupMessage   *msg,
             GInputStream  *stream,
             GError       **error)
{
  goffset declared = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint8 chunk[16384];

  if (declared > MP_DISCOVER_MAX_BODY)
    goto too_big;
  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, d->cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (body->len + n > MP_DISCOVER_MAX_BODY)
        goto too_big;
      g_byte_array_append (body, chunk, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));

too_big:
  g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL,
               _("the answer is larger than %u KiB; not read further"),
               MP_DISCOVER_MAX_BODY / 1024);
  return NULL;
}

static GBytes *
fetch (Discovery   *d,
       const char  *url,
       GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);

  if (uri == NULL)
    return NULL;
  /* Settings that decide where a password goes are never taken from plain HTTP, even
   * when a configured ISPDB mirror says http://. */
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error_literal (error, MP_ERROR, MP_ERROR_INSECURE, _("not HTTPS; not asked"));
      return NULL;
    }
  for (guint hops = 0; hops <= MAX_REDIRECTS; hops++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new_from_uri ("GET", uri);
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(GBytes) body = NULL;
      guint status;

      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      stream = soup_session_send (d->soup, msg, d->cancellable, error);
      if (stream == NULL)
        return NULL;
      status = soup_message_get_status (msg);
      if (SOUP_STATUS_IS_REDIRECTION (status) && status != SOUP_STATUS_NOT_MODIFIED)
        {
          GUri *next = follow_redirect (msg, uri, error);

          g_input_stream_close (stream, NULL, NULL);
          if (next == NULL)
            return NULL;
          g_uri_unref (uri);
          uri = next;
          continue;
        }
      if (status != SOUP_STATUS_OK)
        {
          g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL, _("HTTP %u %s"), status,
                       soup_message_get_reason_phrase (msg));
          return NULL;
        }
      body = read_capped (d, msg, stream, error);
      g_input_stream_close (stream, NULL, NULL);
      return g_steal_pointer (&body);
    }
  g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL, _("more than %u redirects"), MAX_REDIRECTS);
  return NULL;
}

/* Fetches and parses one config-v1.1.xml; on failure notes why under the URL. */
static MpDiscoverResult *
try_config_url (Discovery        *d,
                const char       *url,
                MpDiscoverSource  source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch (d, url, &error);
  MpDiscoverResult *result = NULL;

  if (body != NULL)
    {
      gsize len;
      const char *xml = g_bytes_get_data (body, &len);

      result = mp_discover_parse_config (xml != NULL ? xml : "", len, d->address, &error);
    }
  if (result == NULL)
    {
      note_failure (d, url, error);
      return NULL;
    }
  result->source = source;
  result->detail = g_strdup (url);
  return result;
}

/* 1. and 3.: https://autoconfig.DOMAIN/…, then https://DOMAIN/.well-known/… */
static MpDiscoverResult *
try_autoconfig (Discovery        *d,
                const char       *domain,
                MpDiscoverSource  source)
{
  g_autofree char *query = g_uri_escape_string (d->address, NULL, FALSE);
  const char *formats[] = {
    "https://autoconfig.%s/mail/config-v1.1.xml?emailaddress=%s",
    "https://%s/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=%s",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (formats) && !g_cancellable_is_cancelled (d->cancellable); i++)
    {
      g_autofree char *url = g_strdup_printf (formats[i], domain, query);
      MpDiscoverResult *result = try_config_url (d, url, source);

      if (result != NULL)
        return result;
    }
  return NULL;
}

/* 2. and 3.: ISPDB_URL + DOMAIN */
static MpDiscoverResult *
try_ispdb (Discovery        *d,
           const char       *domain,
           MpDiscoverSource  source)
{
  const char *base = d->options.ispdb_url;
  g_autofree char *url = g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/", domain, NULL);

  return try_config_url (d, url, source);
}

/* 1. */
static MpDiscoverResult *
try_own_autoconfig (Discovery *d)
{
  return try_autoconfig (d, d->domain, MP_DISCOVER_SOURCE_AUTOCONFIG);
}

/* 2. */
static MpDiscoverResult *
try_own_ispdb (Discovery *d)
{
  return try_ispdb (d, d->domain, MP_DISCOVER_SOURCE_ISPDB);
}

/* ---- DNS: GResolver's async calls, waited for on this thread's context ---- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (Discovery     *d,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (d->context, TRUE);
  return *slot;
}

static GList *
lookup_mx (Discovery  *d,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_resolver_lookup_records_async (d->resolver, d->domain, G_RESOLVER_RECORD_MX, d->cancellable,
                                   store_result, &result);
  return g_resolver_lookup_records_finish (d->resolver, wait_result (d, &result), error);
}

/* The MX host with the lowest preference, without a trailing dot. */
static char *
best_mx_host (GList *records)
{
  const char *best = NULL;
  guint16 best_pref = G_MAXUINT16;

  for (GList *l = records; l != NULL; l = l->next)
    {
      guint16 pref;
      const char *host;

      g_variant_get (l->data, "(q&s)", &pref, &host);
      if (best == NULL || pref < best_pref)
        best = host, best_pref = pref;
    }
  if (best == NULL || *best == '\0' || strcmp (best, ".") == 0)
    return NULL;
  return g_ascii_strdown (best, g_str_has_suffix (best, ".") ? (gssize) strlen (best) - 1 : -1);
}

/* The registrable domain by the public suffix list; for a top-level domain the list
 * does not know, its implicit "*" rule: the last two labels. */
static const char *
base_domain (const char *host)
{
  const char *base = soup_tld_get_base_domain (host, NULL);
  const char *last = strrchr (host, '.');

  if (base != NULL || last == NULL)
    return base;
  for (const char *p = last - 1; p >= host; p--)
    if (*p == '.')
      return p + 1;
  return host;
}

/* mx1.mail.provider.example → mail.provider.example, then provider.example (its
 * registrable domain); never the address's own domain. */
static GPtrArray *
mx_domains (Discovery  *d,
            const char *mx_host)
{
  GPtrArray *domains = g_ptr_array_new_with_free_func (g_free);
  const char *dot = strchr (mx_host, '.');
  const char *base = base_domain (mx_host);

  if (dot != NULL && strchr (dot + 1, '.') != NULL)
    g_ptr_array_add (domains, g_strdup (dot + 1));
  if (base != NULL && (domains->len == 0 || strcmp (base, domains->pdata[0]) != 0))
    g_ptr_array_add (domains, g_strdup (base));
  for (guint i = domains->len; i > 0; i--)
    if (strcmp (domains->pdata[i - 1], d->domain) == 0)
      g_ptr_array_remove_index (domains, i - 1);
  return domains;
}

/* 3. */
static MpDiscoverResult *
try_mx (Discovery *d)
{
  g_autoptr(GError) error = NULL;
  g_autolist(GVariant) records = lookup_mx (d, &error);
  g_autofree char *mx_host = NULL;
  g_autoptr(GPtrArray) domains = NULL;

  if (error != NULL || (mx_host = best_mx_host (records)) == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("MX record of %s"), d->domain);

      if (error == NULL)
        g_set_error_literal (&error, MP_ERROR, MP_ERROR_CONFIG, _("none"));
      note_failure (d, what, error);
      return NULL;
    }
  domains = mx_domains (d, mx_host);
  for (guint i = 0; i < domains->len && !g_cancellable_is_cancelled (d->cancellable); i++)
    {
      MpDiscoverResult *result = try_ispdb (d, domains->pdata[i], MP_DISCOVER_SOURCE_MX);

      if (result == NULL)
        result = try_autoconfig (d, domains->pdata[i], MP_DISCOVER_SOURCE_MX);
      if (result != NULL)
        {
          /* The origin names the provider; the URL stays in the trace of failures. */
          g_free (result->detail);
          result->detail = g_strdup (domains->pdata[i]);
          return result;
        }
    }
  return NULL;
}

/* 4. RFC 6186: _pop3s._tcp (implicit TLS) before _pop3._tcp (STARTTLS required). */
static MpDiscoverResult *
try_srv (Discovery *d)
{
  static const struct { const char *service; MpPop3Security security; } services[] = {
    { "pop3s", MP_POP3_SECURITY_TLS },
    { "pop3", MP_POP3_SECURITY_STARTTLS },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (services) && !g_cancellable_is_cancelled (d->cancellable); i++)
    {
      g_autoptr(GAsyncResult) async = NULL;
      g_autoptr(GError) error = NULL;
      GList *targets;
      g_autofree char *name = g_strdup_printf ("_%s._tcp.%s", services[i].service, d->domain);
      const char *host;
      MpDiscoverResult *result;

      g_resolver_lookup_service_async (d->resolver, services[i].service, "tcp", d->domain,
                                       d->cancellable, store_result, &async);
      targets = g_resolver_lookup_service_finish (d->resolver, wait_result (d, &async), &error);
      host = targets != NULL ? g_srv_target_get_hostname (targets->data) : NULL;
      /* RFC 6186 3.4: a target of "." means the service is not offered. */
      if (host == NULL || *host == '\0' || strcmp (host, ".") == 0 ||
          g_srv_target_get_port (targets->data) == 0)
        {
          g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);
          if (error == NULL)
            g_set_error_literal (&error, MP_ERROR, MP_ERROR_CONFIG, _("none"));
          note_failure (d, name, error);
          continue;
        }
      result = g_new0 (MpDiscoverResult, 1);
      result->port = g_srv_target_get_port (targets->data);
      result->host = g_ascii_strdown (host, g_str_has_suffix (host, ".") ? (gssize) strlen (host) - 1 : -1);
      result->security = services[i].security;
      result->username = g_strdup (d->address);
      result->source = MP_DISCOVER_SOURCE_SRV;
      result->detail = g_steal_pointer (&name);
      g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);
      return result;
    }
  return NULL;
}

/* ---- 5. guesses, probed by the engine ---- */

typedef struct {
  MpPop3Options    *options;   /* owned */
  GCancellable     *cancellable;
  MpDiscoverResult *result;    /* owned; NULL if the probe failed */
  GError           *error;     /* owned */
} Probe;

static gpointer
probe_thread (gpointer data)
{
  Probe *probe = data;
  g_autoptr(MpPop3Session) session = mp_pop3_session_new (probe->options);

  if (!mp_pop3_session_probe_sync (session, probe->cancellable, &probe->error))
    return NULL;
  probe->result = g_new0 (MpDiscoverResult, 1);
  probe->result->host = g_strdup (probe->options->host);
  probe->result->port = probe->options->port;
  probe->result->security = probe->options->security;
  if (!mp_pop3_session_is_encrypted (session))
    {
      probe->result->security = MP_POP3_SECURITY_NONE;
      probe->result->plaintext_only = TRUE;
    }
  else if (probe->options->security == MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE)
    probe->result->security = MP_POP3_SECURITY_STARTTLS;
  mp_pop3_session_quit_sync (session, probe->cancellable, NULL);
  return NULL;
}

static MpDiscoverResult *
try_guesses (Discovery *d)
{
  const char *prefixes[] = { "pop", "pop3", "mail" };
  const struct { guint16 port; MpPop3Security security; } ports[] = {
    { d->options.guess_tls_port, MP_POP3_SECURITY_TLS },
    { d->options.guess_starttls_port, MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE },
  };
  Probe probes[G_N_ELEMENTS (prefixes) * G_N_ELEMENTS (ports)] = { { 0 } };
  GThread *threads[G_N_ELEMENTS (probes)];
  MpDiscoverResult *best = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      MpPop3Options *o = mp_pop3_options_new ();

      o->host = g_strdup_printf ("%s.%s", prefixes[i / G_N_ELEMENTS (ports)], d->domain);
      o->port = ports[i % G_N_ELEMENTS (ports)].port;
      o->security = ports[i % G_N_ELEMENTS (ports)].security;
      o->ca_file = g_strdup (d->options.ca_file);
      o->timeout_ms = d->options.probe_timeout_ms;
      probes[i].options = o;
      probes[i].cancellable = d->cancellable;
      threads[i] = g_thread_new ("mp-discover-probe", probe_thread, &probes[i]);
    }
  /* Best security first, then pop. before pop3. before mail. */
  for (gsize i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      Probe *p = &probes[i];
      g_autofree char *what = g_strdup_printf ("%s:%u", p->options->host, p->options->port);

      g_thread_join (threads[i]);
      if (p->result != NULL && (best == NULL || mp_discover_security_rank (p->result->security) < mp_discover_security_rank (best->security)))
        {
          mp_discover_result_free (best);
          best = g_steal_pointer (&p->result);
          best->detail = g_steal_pointer (&what);
        }
      else if (p->error != NULL)
        note_failure (d, what, p->error);
      mp_discover_result_free (p->result);
      g_clear_error (&p->error);
      mp_pop3_options_free (p->options);
    }
  if (best != NULL)
    {
      best->username = g_strdup (d->address);
      best->source = MP_DISCOVER_SOURCE_GUESS;
    }
  return best;
}

/* ---- the run ---- */

typedef MpDiscoverResult *(*SourceFunc) (Discovery *d);

static MpDiscoverResult *
run_sources (Discovery  *d,
             GError    **error)
{
  /* Thunderbird's order; each source only when the earlier ones had nothing. */
  static const SourceFunc sources[] = { try_own_autoconfig, try_own_ispdb, try_mx, try_srv,
                                        try_guesses };
  MpDiscoverResult *result = NULL;

  for (gsize i = 0; result == NULL && i < G_N_ELEMENTS (sources) &&
                    !g_cancellable_is_cancelled (d->cancellable); i++)
    result = sources[i] (d);
  if (result != NULL)
    return result;
  if (!stopped (d, error))
    g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL, _("No POP3 settings were found for %s:%s"),
                 d->domain, d->failures->str);
  return NULL;
}

typedef struct {
  GMutex        lock;
  GCond         cond;
  gboolean      done;
  gboolean      fired;
  gint64        deadline;
  GCancellable *cancellable;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *w = data;

  g_mutex_lock (&w->lock);
  while (!w->done && g_cond_wait_until (&w->cond, &w->lock, w->deadline))
    ;
  w->fired = !w->done;
  g_mutex_unlock (&w->lock);
  if (w->fired)
    g_cancellable_cancel (w->cancellable);
  return NULL;
}

static void
discovery_clear (Discovery *d)
{
  g_free (d->address);
  g_free ((char *) d->options.ispdb_url);
  g_free ((char *) d->options.ca_file);
  g_clear_object (&d->cancellable);
  g_clear_object (&d->soup);
  g_clear_object (&d->resolver);
  g_string_free (d->failures, TRUE);
  if (d->context != NULL)
    {
      g_main_context_pop_thread_default (d->context);
      g_main_context_unref (d->context);
    }
}

static void
cancel_child (GCancellable *parent,
              gpointer      child)
{
  g_cancellable_cancel (child);
}

MpDiscoverResult *
mp_discover_sync (const char               *address,
                  const MpDiscoverOptions  *options,
                  GCancellable             *cancellable,
                  GError                  **error)
{
  static const MpDiscoverOptions defaults = { 0 };
  Discovery d = { 0 };
  Watchdog w = { 0 };
  GThread *watchdog;
  gulong handler;
  MpDiscoverResult *result;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  if ((d.address = normalize_address (address, error)) == NULL)
    return NULL;
  d.domain = strrchr (d.address, '@') + 1;
  d.options = *options;
  d.options.ispdb_url = g_strdup (options->ispdb_url != NULL ? options->ispdb_url
                                                             : MP_DISCOVER_DEFAULT_ISPDB_URL);
  d.options.ca_file = g_strdup (options->ca_file);
  if (d.options.timeout_ms == 0)
    d.options.timeout_ms = DEFAULT_TIMEOUT_MS;
  if (d.options.probe_timeout_ms == 0)
    d.options.probe_timeout_ms = DEFAULT_PROBE_TIMEOUT_MS;
  if (d.options.guess_tls_port == 0)
    d.options.guess_tls_port = 995;
  if (d.options.guess_starttls_port == 0)
    d.options.guess_starttls_port = 110;
  d.failures = g_string_new (NULL);
  d.resolver = g_resolver_get_default ();
  d.context = g_main_context_new ();
  g_main_context_push_thread_default (d.context);
  if (!make_soup (&d, error))
    {
      discovery_clear (&d);
      return NULL;
    }
  d.cancellable = g_cancellable_new ();
  handler = cancellable != NULL ? g_cancellable_connect (cancellable, G_CALLBACK (cancel_child),
                                                         d.cancellable, NULL)
                                : 0;

  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  w.deadline = g_get_monotonic_time () + (gint64) d.options.timeout_ms * 1000;
  w.cancellable = d.cancellable;
  watchdog = g_thread_new ("mp-discover-watchdog", watchdog_thread, &w);

  result = run_sources (&d, error);

  g_mutex_lock (&w.lock);
  w.done = TRUE;
  g_cond_signal (&w.cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (watchdog);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (result == NULL && w.fired && !g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (error);
      g_set_error (error, MP_ERROR, MP_ERROR_TIMEOUT,
                   _("No POP3 settings were found for %s within %u s:%s"),
                   d.domain, (d.options.timeout_ms + 999) / 1000, d.failures->str);
    }
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
  discovery_clear (&d);
  return result;
}

/* ---- async wrapper ---- */

typedef struct {
  char              *address;
  MpDiscoverOptions  options;   /* strings owned */
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  g_free (data->address);
  g_free ((char *) data->options.ispdb_url);
  g_free ((char *) data->options.ca_file);
  g_free (data);
}

static void
discover_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  MpDiscoverResult *result = mp_discover_sync (data->address, &data->options, cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) mp_discover_result_free);
  else
    g_task_return_error (task, error);
}

void
mp_discover_async (const char               *address,
                   const MpDiscoverOptions  *options,
                   GCancellable             *cancellable,
                   GAsyncReadyCallback       callback,
                   gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  AsyncData *data = g_new0 (AsyncData, 1);

  data->address = g_strdup (address);
  if (options != NULL)
    data->options = *options;
  data->options.ispdb_url = g_strdup (data->options.ispdb_url);
  data->options.ca_file = g_strdup (data->options.ca_file);
  g_task_set_source_tag (task, mp_discover_async);
  /* A cancelled caller is answered at once; the worker stops at its next check
   * (a TLS handshake or an HTTP read under way may take a moment) and its result
   * is dropped. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, discover_thread);
}

MpDiscoverResult *
mp_discover_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- naming ---- */

char *
mp_discover_result_dup_origin (const MpDiscoverResult *result)
{
  switch (result->source)
    {
    case MP_DISCOVER_SOURCE_AUTOCONFIG:
      return g_strdup (_("from the provider's autoconfig"));
    case MP_DISCOVER_SOURCE_ISPDB:
      return g_strdup (_("from Mozilla's ISP database"));
    case MP_DISCOVER_SOURCE_MX:
      return g_strdup_printf (_("from the MX record's provider (%s)"), result->detail);
    case MP_DISCOVER_SOURCE_SRV:
      return g_strdup (_("from DNS SRV records"));
    case MP_DISCOVER_SOURCE_GUESS:
    default:
      return g_strdup (_("guessed and probed"));
    }
}

const char *
mp_discover_source_to_string (MpDiscoverSource source)
{
  static const char * const names[] = { "autoconfig", "ispdb", "mx", "srv", "guess" };

  g_return_val_if_fail ((guint) source < G_N_ELEMENTS (names), NULL);
  return names[source];
}
