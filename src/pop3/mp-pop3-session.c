/* mp-pop3-session.c — TEMPORARY STUB so other layers can link; real code follows */
#include <glib/gi18n-lib.h>

#include "mp-pop3-session.h"
#include "mp-pop3-transport.h"
#include "mp-pop3-url.h"

struct _MpPop3Session
{
  GObject parent_instance;
  MpPop3Options *options;
};

G_DEFINE_FINAL_TYPE (MpPop3Session, mp_pop3_session, G_TYPE_OBJECT)

static void
mp_pop3_session_finalize (GObject *object)
{
  MpPop3Session *self = MP_POP3_SESSION (object);
  mp_pop3_options_free (self->options);
  G_OBJECT_CLASS (mp_pop3_session_parent_class)->finalize (object);
}

static void mp_pop3_session_class_init (MpPop3SessionClass *klass) { G_OBJECT_CLASS (klass)->finalize = mp_pop3_session_finalize; }
static void mp_pop3_session_init (MpPop3Session *self) { }

void mp_pop3_entry_free (MpPop3Entry *entry) { if (entry) { g_free (entry->uidl); g_free (entry); } }

MpPop3Session *mp_pop3_session_new (const MpPop3Options *options)
{
  MpPop3Session *self = g_object_new (MP_TYPE_POP3_SESSION, NULL);
  self->options = mp_pop3_options_copy (options);
  return self;
}

#define STUB(ret) g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED, "not implemented yet"); return ret
gboolean mp_pop3_session_connect_sync (MpPop3Session *self, GCancellable *c, GError **error) { STUB (FALSE); }
const MpPop3Options *mp_pop3_session_get_options (MpPop3Session *self) { return self->options; }
const char * const *mp_pop3_session_get_capabilities (MpPop3Session *self) { static const char *none[] = { NULL }; return none; }
gboolean mp_pop3_session_has_capability (MpPop3Session *self, const char *name) { return FALSE; }
const char *mp_pop3_session_get_greeting (MpPop3Session *self) { return NULL; }
gboolean mp_pop3_session_is_connected (MpPop3Session *self) { return FALSE; }
gboolean mp_pop3_session_is_encrypted (MpPop3Session *self) { return FALSE; }
gboolean mp_pop3_session_is_pipelining (MpPop3Session *self) { return FALSE; }
MpPop3AuthMethod mp_pop3_session_get_auth_method (MpPop3Session *self) { return MP_POP3_AUTH_AUTO; }
char *mp_pop3_session_dup_peer_fingerprint (MpPop3Session *self) { return NULL; }
gboolean mp_pop3_session_stat_sync (MpPop3Session *self, guint *n, guint64 *s, GCancellable *c, GError **error) { STUB (FALSE); }
GPtrArray *mp_pop3_session_scan_sync (MpPop3Session *self, GCancellable *c, GError **error) { STUB (NULL); }
gboolean mp_pop3_session_list_one_sync (MpPop3Session *self, guint n, guint64 *s, GCancellable *c, GError **error) { STUB (FALSE); }
char *mp_pop3_session_uidl_one_sync (MpPop3Session *self, guint n, GCancellable *c, GError **error) { STUB (NULL); }
GBytes *mp_pop3_session_top_sync (MpPop3Session *self, guint n, guint l, GCancellable *c, GError **error) { STUB (NULL); }
gboolean mp_pop3_session_top_many_sync (MpPop3Session *self, const guint *ns, gsize nn, guint l, MpPop3BodyFunc f, gpointer u, GCancellable *c, GError **error) { STUB (FALSE); }
GBytes *mp_pop3_session_retr_sync (MpPop3Session *self, guint n, GCancellable *c, GError **error) { STUB (NULL); }
gboolean mp_pop3_session_dele_sync (MpPop3Session *self, guint n, GCancellable *c, GError **error) { STUB (FALSE); }
gboolean mp_pop3_session_dele_many_sync (MpPop3Session *self, const guint *ns, gsize nn, GCancellable *c, GError **error) { STUB (FALSE); }
gboolean mp_pop3_session_rset_sync (MpPop3Session *self, GCancellable *c, GError **error) { STUB (FALSE); }
gboolean mp_pop3_session_noop_sync (MpPop3Session *self, GCancellable *c, GError **error) { STUB (FALSE); }
gboolean mp_pop3_session_quit_sync (MpPop3Session *self, GCancellable *c, GError **error) { STUB (FALSE); }
void mp_pop3_session_close (MpPop3Session *self) { }
gboolean mp_pop3_url_parse (const char *url, MpPop3Options *o, GError **error) { STUB (FALSE); }
MpPop3Transport *mp_pop3_memory_transport_new (const guint8 *d, gsize l, gsize c) { return NULL; }
void mp_pop3_memory_transport_set_encrypted (MpPop3Transport *t, gboolean e) { }
GBytes *mp_pop3_memory_transport_dup_written (MpPop3Transport *t) { return NULL; }
void mp_pop3_transport_free (MpPop3Transport *t) { }
MpPop3Session *mp_pop3_session_new_for_transport (const MpPop3Options *o, MpPop3Transport *t) { return mp_pop3_session_new (o); }
