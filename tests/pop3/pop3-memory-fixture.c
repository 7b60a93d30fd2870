/* pop3-memory-fixture.c — the fixture of the in-memory engine tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pop3-memory-fixture.h"

#include <string.h>

static void
collect_trace (MpPop3TraceDirection dir, const char *line, gpointer user_data)
{
  GPtrArray *trace = user_data;

  g_ptr_array_add (trace, g_strdup_printf ("%c %s", dir == MP_POP3_TRACE_SENT ? '>' :
                                           dir == MP_POP3_TRACE_RECEIVED ? '<' : '*', line));
}

void
fixture_setup (Fixture       *f,
               const char    *server,
               gsize          chunk,
               gboolean       encrypted,
               MpPop3Options *o)
{
  MpPop3Transport *t = mp_pop3_memory_transport_new ((const guint8 *) server, strlen (server), chunk);

  mp_pop3_memory_transport_set_encrypted (t, encrypted);
  f->written = mp_pop3_memory_transport_ref_written (t);
  f->trace = g_ptr_array_new_with_free_func (g_free);
  o->trace_func = collect_trace;
  o->trace_user_data = f->trace;
  f->session = mp_pop3_session_new_for_transport (o, t);
}

void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->written, g_byte_array_unref);
  g_clear_pointer (&f->trace, g_ptr_array_unref);
}

MpPop3Options *
options_new (MpPop3Security security, MpPop3AuthMethod auth, const char *password)
{
  MpPop3Options *o = mp_pop3_options_new ();

  o->host = g_strdup ("mem");
  o->security = security;
  o->auth = auth;
  o->username = g_strdup ("alice");
  mp_pop3_options_set_password (o, password);
  return o;
}

void
assert_written (Fixture *f, const char *expected)
{
  g_autofree char *got = g_strndup ((const char *) f->written->data, f->written->len);

  g_assert_cmpstr (got, ==, expected);
}

void
collect_body (guint number, GBytes *body, gpointer user_data)
{
  Bodies *b = user_data;

  g_assert_cmpuint (b->n, <, G_N_ELEMENTS (b->numbers));
  b->numbers[b->n] = number;
  b->bodies[b->n] = body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
                                 : NULL;
  b->n++;
}
