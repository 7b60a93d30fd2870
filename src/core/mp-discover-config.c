/* mp-discover-config.c — Thunderbird's config-v1.1.xml, POP3 part (GMarkup)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
 * Only clientConfig/emailProvider/incomingServer[@type="pop3"] is read; IMAP, SMTP
 * and everything else is skipped.  The input comes from the network: every value is
 * checked, nothing is asserted.
 */
#include "mp-config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mp-discover-private.h"
#include "mp-error.h"

typedef struct {
  char     *hostname;      /* owned; raw text, templates not applied */
  char     *port;          /* owned */
  char     *socket_type;   /* owned */
  char     *username;      /* owned */
} Server;

typedef struct {
  GPtrArray  *servers;     /* of Server, complete pop3 entries in document order */
  Server     *current;     /* owned; inside a pop3 incomingServer, else NULL */
  GString    *text;        /* text of the current child element */
  gboolean    root_seen;
} Parser;

static void
server_free (Server *server)
{
  g_free (server->hostname);
  g_free (server->port);
  g_free (server->socket_type);
  g_free (server->username);
  g_free (server);
}

void
mp_discover_result_free (MpDiscoverResult *result)
{
  if (result == NULL)
    return;
  g_free (result->host);
  g_free (result->username);
  g_free (result->detail);
  g_free (result);
}

/* clientConfig / emailProvider / incomingServer / child */
static gboolean
in_pop3_server (GMarkupParseContext *context)
{
  const GSList *stack = g_markup_parse_context_get_element_stack (context);

  return g_slist_length ((GSList *) stack) == 4 &&
         g_strcmp0 (stack->next->data, "incomingServer") == 0;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *name,
               const char          **attr_names,
               const char          **attr_values,
               gpointer              user_data,
               GError              **error)
{
  Parser *p = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  guint depth = g_slist_length ((GSList *) stack);

  if (depth == 1)
    {
      if (g_strcmp0 (name, "clientConfig") != 0)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       _("the document is <%s>, not <clientConfig>"), name);
          return;
        }
      p->root_seen = TRUE;
    }
  else if (depth == 3 && g_strcmp0 (name, "incomingServer") == 0 &&
           g_strcmp0 (stack->next->data, "emailProvider") == 0)
    {
      gboolean pop3 = FALSE;

      /* GMarkup lets an attribute repeat: one entry however often type="pop3" is said. */
      for (guint i = 0; attr_names[i] != NULL; i++)
        if (g_strcmp0 (attr_names[i], "type") == 0)
          pop3 = g_strcmp0 (attr_values[i], "pop3") == 0;
      if (pop3)
        p->current = g_new0 (Server, 1);
    }
  g_string_truncate (p->text, 0);
}

static void
end_element (GMarkupParseContext  *context,
             const char           *name,
             gpointer              user_data,
             GError              **error)
{
  Parser *p = user_data;
  char **field = NULL;

  if (p->current == NULL)
    return;
  if (g_strcmp0 (name, "incomingServer") == 0 &&
      g_slist_length ((GSList *) g_markup_parse_context_get_element_stack (context)) == 3)
    {
      g_ptr_array_add (p->servers, g_steal_pointer (&p->current));
      return;
    }
  if (!in_pop3_server (context))
    return;
  if (g_strcmp0 (name, "hostname") == 0)
    field = &p->current->hostname;
  else if (g_strcmp0 (name, "port") == 0)
    field = &p->current->port;
  else if (g_strcmp0 (name, "socketType") == 0)
    field = &p->current->socket_type;
  else if (g_strcmp0 (name, "username") == 0)
    field = &p->current->username;
  if (field != NULL)
    {
      g_free (*field);
      *field = g_strstrip (g_strdup (p->text->str));
    }
}

static void
text (GMarkupParseContext  *context,
      const char           *text,
      gsize                 len,
      gpointer              user_data,
      GError              **error)
{
  Parser *p = user_data;

  if (p->current != NULL && in_pop3_server (context))
    g_string_append_len (p->text, text, len);
}

static const GMarkupParser parser_funcs = { start_element, end_element, text, NULL, NULL };

/* %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% — Thunderbird's placeholders. */
static char *
apply_templates (const char *value,
                 const char *address)
{
  const char *at = strrchr (address, '@');
  g_autofree char *local = g_strndup (address, at - address);
  g_autoptr(GString) out = g_string_new (value);

  g_string_replace (out, "%EMAILADDRESS%", address, 0);
  g_string_replace (out, "%EMAILLOCALPART%", local, 0);
  g_string_replace (out, "%EMAILDOMAIN%", at + 1, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Letters, digits, '-' and '.' (or an IP literal): a name that came from the network
 * must not smuggle anything into a URL, a trace or a label. */
static gboolean
valid_hostname (const char *host)
{
  gsize len = strlen (host);

  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (len == 0 || len > 253 || host[0] == '.' || host[0] == '-')
    return FALSE;
  for (const char *c = host; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '.')
      return FALSE;
  return TRUE;
}

/* One entry → a result, or NULL when it is unusable (said in @why). */
static MpDiscoverResult *
server_to_result (const Server *s,
                  const char   *address,
                  GString      *why)
{
  g_autoptr(MpDiscoverResult) r = g_new0 (MpDiscoverResult, 1);
  guint64 port = 0;
  g_autofree char *host = NULL;

  if (g_strcmp0 (s->socket_type, "SSL") == 0)
    r->security = MP_POP3_SECURITY_TLS;
  else if (g_strcmp0 (s->socket_type, "STARTTLS") == 0)
    r->security = MP_POP3_SECURITY_STARTTLS;
  else if (g_strcmp0 (s->socket_type, "plain") == 0)
    r->security = MP_POP3_SECURITY_NONE;
  else
    {
      g_string_append_printf (why, _("unknown socketType “%s”"),
                              s->socket_type != NULL ? s->socket_type : "");
      return NULL;
    }
  host = apply_templates (s->hostname != NULL ? s->hostname : "", address);
  if (!valid_hostname (host))
    {
      g_string_append_printf (why, _("invalid hostname “%s”"), host);
      return NULL;
    }
  if (s->port == NULL ||
      !g_ascii_string_to_unsigned (s->port, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_string_append_printf (why, _("invalid port “%s”"), s->port != NULL ? s->port : "");
      return NULL;
    }
  r->host = g_ascii_strdown (host, -1);
  r->port = port;
  r->username = apply_templates (s->username != NULL ? s->username : "%EMAILADDRESS%",
                                 address);
  r->plaintext_only = r->security == MP_POP3_SECURITY_NONE;
  return g_steal_pointer (&r);
}

/* SSL over STARTTLS over plain; the document's order among equals. */
static MpDiscoverResult *
pick_best (GPtrArray  *servers,
           const char *address,
           GError    **error)
{
  g_autoptr(MpDiscoverResult) best = NULL;
  g_autoptr(GString) why = g_string_new (NULL);

  for (guint i = 0; i < servers->len; i++)
    {
      g_autoptr(MpDiscoverResult) r = NULL;

      if (why->len > 0)
        g_string_append (why, "; ");
      r = server_to_result (servers->pdata[i], address, why);
      if (r != NULL && (best == NULL || mp_discover_security_rank (r->security) < mp_discover_security_rank (best->security)))
        {
          mp_discover_result_free (best);
          best = g_steal_pointer (&r);
        }
    }
  if (best != NULL)
    return g_steal_pointer (&best);
  if (servers->len == 0)
    g_set_error_literal (error, MP_ERROR, MP_ERROR_PROTOCOL, _("it names no POP3 server"));
  else
    g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL, _("its POP3 servers are unusable: %s"),
                 why->str);
  return NULL;
}

MpDiscoverResult *
mp_discover_parse_config (const char  *xml,
                          gsize        length,
                          const char  *address,
                          GError     **error)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_free);
  g_autoptr(GString) buffer = g_string_new (NULL);
  Parser p = { servers, NULL, buffer, FALSE };
  g_autoptr(GMarkupParseContext) ctx = NULL;
  g_autoptr(GError) local = NULL;
  gboolean ok;

  g_return_val_if_fail (xml != NULL || length == 0, NULL);
  g_return_val_if_fail (address != NULL && strchr (address, '@') != NULL, NULL);

  ctx = g_markup_parse_context_new (&parser_funcs, G_MARKUP_PREFIX_ERROR_POSITION, &p, NULL);
  ok = g_markup_parse_context_parse (ctx, xml, length, &local) &&
       g_markup_parse_context_end_parse (ctx, &local);
  g_clear_pointer (&p.current, server_free);
  if (ok && !p.root_seen)
    {
      ok = FALSE;
      g_set_error_literal (&local, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, _("the document is empty"));
    }
  if (!ok)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_PROTOCOL, _("malformed XML: %s"), local->message);
      return NULL;
    }
  return pick_best (servers, address, error);
}
