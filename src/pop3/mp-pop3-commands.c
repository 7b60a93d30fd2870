/* mp-pop3-commands.c — TRANSACTION state commands (RFC 1939) that read the
 * mailbox: STAT, LIST and UIDL (one message, or the scan of all); batches
 * pipelined when allowed. TOP and RETR are in mp-pop3-bodies.c; DELE, RSET,
 * NOOP and QUIT in mp-pop3-dele.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

/* Every public call passes here once, first: it starts the operation. */
gboolean
mp_pop3_check_ready (MpPop3Session  *self,
             GError        **error)
{
  mp_pop3_session_begin_operation (self);
  if (self->state == MP_POP3_STATE_TRANSACTION && self->transport != NULL)
    return TRUE;
  g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                       _("Not logged in to the server"));
  return FALSE;
}

gboolean
mp_pop3_protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("The server sent a malformed reply to %s"), what);
  return FALSE;
}

/* A batch longer than any listing the engine accepts. */
gboolean
mp_pop3_too_many_requested (GError **error)
{
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("Too many messages requested at once (limit %u)"), MP_POP3_MAX_MESSAGES);
  return FALSE;
}

/* What a number in a reply counts; each has its own cap, and a number over
 * it is reported naming the cap: the reply is well formed, only more than
 * Mailpeek takes. */
typedef enum {
  NUMBER_MESSAGES,   /* a message count (STAT) */
  NUMBER_MESSAGE,    /* a message number */
  NUMBER_OCTETS,     /* a size */
} NumberKind;

static gboolean
number_over_cap (GError     **error,
                 NumberKind   kind,
                 const char  *what)
{
  switch (kind)
    {
    case NUMBER_MESSAGES:
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's reply to %s counts more messages than the limit of %u"),
                   what, MP_POP3_MAX_MESSAGES);
      break;
    case NUMBER_MESSAGE:
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's reply to %s names a message number larger than the "
                     "limit of %u"), what, G_MAXUINT);
      break;
    case NUMBER_OCTETS:
    default:
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   /* %llu, not G_GUINT64_FORMAT: xgettext must see the whole msgid. */
                   _("The server's reply to %s gives a size larger than the limit of %llu "
                     "octets"), what, (unsigned long long) G_MAXUINT64);
      break;
    }
  return FALSE;
}

/* Parses a decimal number at *p (no sign), advances past it and following
 * spaces. Not a number: "malformed"; over the cap of @kind: says so. */
static gboolean
take_number (const char **p,
             NumberKind   kind,
             const char  *what,
             guint64     *out,
             GError     **error)
{
  guint64 max = kind == NUMBER_MESSAGES ? MP_POP3_MAX_MESSAGES
              : kind == NUMBER_MESSAGE ? G_MAXUINT : G_MAXUINT64;
  const char *s = *p;
  guint64 value = 0;
  gboolean over = FALSE;

  if (!g_ascii_isdigit (*s))
    return mp_pop3_protocol_error (error, what);
  for (; g_ascii_isdigit (*s); s++)
    {
      guint digit = (guint) (*s - '0');

      if (over || value > (max - digit) / 10)
        over = TRUE;
      else
        value = value * 10 + digit;
    }
  if (*s != ' ' && *s != '\0')
    return mp_pop3_protocol_error (error, what);
  if (over)
    return number_over_cap (error, kind, what);
  while (*s == ' ')
    s++;
  *p = s;
  *out = value;
  return TRUE;
}

/* A single-line reply; -ERR becomes an error with @fallback. */
gboolean
mp_pop3_simple_in_any_state (MpPop3Session    *self,
                             const char       *line,
                             MpPop3ErrorCode   fallback,
                             char            **text_out,
                             GCancellable     *cancellable,
                             GError          **error)
{
  MpPop3Reply reply;
  gboolean ok;

  if (!mp_pop3_session_command (self, line, FALSE, &reply, cancellable, error))
    return FALSE;
  ok = reply.kind == MP_POP3_LINE_OK;
  if (reply.kind == MP_POP3_LINE_ERR)
    mp_pop3_set_reply_error (error, &reply, fallback, line);
  else if (!ok)
    mp_pop3_protocol_error (error, line);
  else if (text_out != NULL)
    *text_out = g_steal_pointer (&reply.text);
  mp_pop3_reply_clear (&reply);
  return ok;
}

gboolean
mp_pop3_simple (MpPop3Session    *self,
                const char       *line,
                MpPop3ErrorCode   fallback,
                char            **text_out,
                GCancellable     *cancellable,
                GError          **error)
{
  return mp_pop3_check_ready (self, error) &&
         mp_pop3_simple_in_any_state (self, line, fallback, text_out, cancellable, error);
}

gboolean
mp_pop3_session_stat_sync (MpPop3Session  *self,
                           guint          *count,
                           guint64        *size,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *text = NULL;
  const char *p;
  guint64 n, octets;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);

  if (!mp_pop3_simple (self, "STAT", MP_POP3_ERROR_SERVER, &text, cancellable, error))
    return FALSE;
  p = text;
  if (!take_number (&p, NUMBER_MESSAGES, "STAT", &n, error) ||
      !take_number (&p, NUMBER_OCTETS, "STAT", &octets, error))
    return FALSE;
  if (count != NULL)
    *count = (guint) n;
  if (size != NULL)
    *size = octets;
  return TRUE;
}

gboolean
mp_pop3_session_list_one_sync (MpPop3Session  *self,
                               guint           number,
                               guint64        *size,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autofree char *line = g_strdup_printf ("LIST %u", number);
  g_autofree char *text = NULL;
  const char *p;
  guint64 n, octets;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);

  if (!mp_pop3_simple (self, line, MP_POP3_ERROR_NO_SUCH_MESSAGE, &text, cancellable, error))
    return FALSE;
  p = text;
  if (!take_number (&p, NUMBER_MESSAGE, line, &n, error) ||
      !take_number (&p, NUMBER_OCTETS, line, &octets, error))
    return FALSE;
  if (n != number)
    return mp_pop3_protocol_error (error, line);
  if (size != NULL)
    *size = octets;
  return TRUE;
}

/* RFC 1939 7: 1..70 characters 0x21..0x7E; allow longer, never controls. */
static gboolean
valid_uidl (const char *uid)
{
  gsize len = strlen (uid);

  if (len == 0 || len > 512)
    return FALSE;
  for (const char *p = uid; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
        return FALSE;
    }
  return TRUE;
}

char *
mp_pop3_session_uidl_one_sync (MpPop3Session  *self,
                               guint           number,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autofree char *line = g_strdup_printf ("UIDL %u", number);
  g_autofree char *text = NULL;
  const char *p;
  guint64 n;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);

  if (!mp_pop3_simple (self, line, MP_POP3_ERROR_NO_SUCH_MESSAGE, &text, cancellable, error))
    return NULL;
  p = text;
  g_strchomp (text);
  if (!take_number (&p, NUMBER_MESSAGE, line, &n, error))
    return NULL;
  if (n != number || !valid_uidl (p))
    {
      mp_pop3_protocol_error (error, line);
      return NULL;
    }
  return g_strdup (p);
}

/* ---- scan: LIST + UIDL ---- */

/* The scan keeps per message only its entry (24 bytes) and its UIDL (in a
 * string chunk); the listings are parsed line by line as they arrive. The
 * checks that need more — a number named twice, a UIDL given to two
 * messages — use an index sorted by number (only when LIST was not in
 * ascending order) and an open-addressing set of entry indices (4 bytes a
 * slot) that are freed when the scan ends. */
typedef struct {
  guint number;
  guint index;
} NumberIndex;

typedef struct {
  GArray       *entries;     /* MpPop3Entry, in LIST order */
  GStringChunk *uidls;
  gboolean      ascending;   /* LIST numbers strictly increasing */
  NumberIndex  *by_number;   /* sorted by number; NULL if LIST was ascending */
  guint        *uid_set;     /* entry index + 1 by hash of its UIDL; 0 = empty */
  gsize         uid_mask;
  gboolean      have_list;   /* LIST answered +OK */
  gboolean      have_uidl;   /* UIDL answered +OK: every entry needs a UIDL */
  MpPop3Reply   list_err;
  GError       *failed;      /* owned; the first malformed line */
} Scan;

#define UIDL_CHUNK (64 * 1024)
#define LINE_COPY  128

#define ENTRY(s, i) (&g_array_index ((s)->entries, MpPop3Entry, (i)))

/* A message number named twice would be fetched twice, or make one number
 * mean two messages. */
static gboolean
duplicate_number (GError     **error,
                  guint64      n,
                  const char  *what)
{
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("The server listed message %u twice (%s)"), (guint) n, what);
  return FALSE;
}

/* Calls @each with the line's number and the rest, NUL-terminated (copied:
 * the line lies in the read buffer). Empty lines are skipped. */
static gboolean
take_listing_line (const char  *line,
                   gsize        len,
                   const char  *what,
                   Scan        *scan,
                   gboolean   (*each) (Scan *scan, guint64 n, char *rest, GError **error),
                   GError     **error)
{
  char small[LINE_COPY];
  g_autofree char *big = NULL;
  char *copy = small;
  const char *q;
  guint64 n;
  GError *local = NULL;

  if (len == 0)
    return TRUE;
  if (memchr (line, '\0', len) != NULL)
    return mp_pop3_protocol_error (error, what);
  if (len >= sizeof small)
    copy = big = g_malloc (len + 1);
  memcpy (copy, line, len);
  copy[len] = '\0';
  q = copy;
  if (!take_number (&q, NUMBER_MESSAGE, what, &n, error))
    return FALSE;
  if (n == 0)
    return mp_pop3_protocol_error (error, what);
  if (!each (scan, n, (char *) q, &local))
    {
      if (local == NULL)
        return mp_pop3_protocol_error (error, what);
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_list_entry (Scan *scan, guint64 n, char *rest, GError **error)
{
  MpPop3Entry entry = { (guint) n, 0, NULL };
  const char *p = rest;

  /* RFC 1939 allows further information after the size. */
  if (!take_number (&p, NUMBER_OCTETS, "LIST", &entry.size, error))
    return FALSE;
  if (scan->entries->len > 0 && ENTRY (scan, scan->entries->len - 1)->number >= n)
    scan->ascending = FALSE;
  g_array_append_val (scan->entries, entry);
  return TRUE;
}

/* A malformed listing is reported when the run is over: the replies are
 * still read to their end, so the session stays usable, as after -ERR. */
static gboolean
list_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  Scan *scan = user_data;

  if (scan->failed == NULL)
    take_listing_line (line, len, "LIST", scan, add_list_entry, &scan->failed);
  return TRUE;
}

static int
compare_numbers (const void *a, const void *b)
{
  guint x = ((const NumberIndex *) a)->number;
  guint y = ((const NumberIndex *) b)->number;

  return x < y ? -1 : x > y;
}

/* LIST done: out of order, it gets an index by number, which also finds a
 * number named twice. In order, neither is needed. */
static gboolean
index_numbers (Scan *scan, GError **error)
{
  guint len = scan->entries->len;

  if (scan->ascending)
    return TRUE;
  scan->by_number = g_new (NumberIndex, len);
  for (guint i = 0; i < len; i++)
    scan->by_number[i] = (NumberIndex) { ENTRY (scan, i)->number, i };
  qsort (scan->by_number, len, sizeof (NumberIndex), compare_numbers);
  for (guint i = 1; i < len; i++)
    {
      if (scan->by_number[i].number == scan->by_number[i - 1].number)
        return duplicate_number (error, scan->by_number[i].number, "LIST");
    }
  return TRUE;
}

/* Index of the entry of message @n, or -1. */
static gssize
find_number (Scan *scan, guint n)
{
  gsize lo = 0, hi = scan->entries->len;

  /* The usual listing: 1..N in order. */
  if (scan->ascending && n - 1 < hi && ENTRY (scan, n - 1)->number == n)
    return n - 1;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      gsize i = scan->by_number != NULL ? scan->by_number[mid].index : mid;
      guint m = ENTRY (scan, i)->number;

      if (m == n)
        return (gssize) i;
      if (m < n)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

/* RFC 1939 7: a unique-id names one message. Rows, the seen store and
 * deletes all key on it, so two messages sharing one cannot be told apart
 * (deleting "one" of them could delete the other). Finds the slot of @uid
 * in the set: empty, or holding the entry that has it. */
static guint *
uid_slot (Scan *scan, const char *uid)
{
  gsize i;

  if (scan->uid_set == NULL)
    {
      gsize slots = 16;

      /* At most half full: one UIDL per LIST entry. */
      while (slots < 2 * (gsize) scan->entries->len)
        slots *= 2;
      scan->uid_set = g_new0 (guint, slots);
      scan->uid_mask = slots - 1;
    }
  for (i = g_str_hash (uid) & scan->uid_mask; ; i = (i + 1) & scan->uid_mask)
    {
      guint *slot = &scan->uid_set[i];

      if (*slot == 0 || strcmp (ENTRY (scan, *slot - 1)->uidl, uid) == 0)
        return slot;
    }
}

static gboolean
add_uidl_entry (Scan *scan, guint64 n, char *uid, GError **error)
{
  gssize i;
  MpPop3Entry *entry;
  guint *slot;

  g_strchomp (uid);
  if (!valid_uidl (uid))
    return FALSE;
  i = find_number (scan, (guint) n);
  if (i < 0)
    {
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's UIDL listing names message %u, which LIST did not list"),
                   (guint) n);
      return FALSE;
    }
  entry = ENTRY (scan, i);
  if (entry->uidl != NULL)
    return duplicate_number (error, n, "UIDL");
  slot = uid_slot (scan, uid);
  if (*slot != 0)
    {
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server gave messages %u and %u the same unique id (UIDL)"),
                   ENTRY (scan, *slot - 1)->number, (guint) n);
      return FALSE;
    }
  entry->uidl = g_string_chunk_insert (scan->uidls, uid);
  *slot = (guint) i + 1;
  return TRUE;
}

static gboolean
uidl_line (const char *line, gsize len, gpointer user_data, GError **error)
{
  Scan *scan = user_data;

  if (scan->failed == NULL)
    take_listing_line (line, len, "UIDL", scan, add_uidl_entry, &scan->failed);
  return TRUE;
}

static gboolean
scan_reply (MpPop3Session *self,
            guint          index,
            MpPop3Reply   *reply,
            gpointer       user_data,
            GError       **error)
{
  Scan *scan = user_data;

  if (index > 0)
    {
      /* UIDL: -ERR means no UIDL, entries keep uidl NULL. */
      scan->have_uidl = reply->kind == MP_POP3_LINE_OK;
      return TRUE;
    }
  if (reply->kind == MP_POP3_LINE_OK)
    {
      scan->have_list = TRUE;
      if (scan->failed == NULL)
        index_numbers (scan, &scan->failed);
      return TRUE;
    }
  scan->list_err = *reply;
  memset (reply, 0, sizeof *reply);
  return TRUE;
}

void
mp_pop3_listing_free (MpPop3Listing *listing)
{
  if (listing == NULL)
    return;
  g_free (listing->entries);
  if (listing->uidls != NULL)
    g_string_chunk_free (listing->uidls);
  g_free (listing);
}

static void
scan_init (Scan *scan)
{
  memset (scan, 0, sizeof *scan);
  scan->entries = g_array_new (FALSE, FALSE, sizeof (MpPop3Entry));
  scan->uidls = g_string_chunk_new (UIDL_CHUNK);
  scan->ascending = TRUE;
}

static void
scan_clear (Scan *scan)
{
  if (scan->entries != NULL)
    g_array_unref (scan->entries);
  if (scan->uidls != NULL)
    g_string_chunk_free (scan->uidls);
  g_free (scan->by_number);
  g_free (scan->uid_set);
  g_clear_error (&scan->failed);
  mp_pop3_reply_clear (&scan->list_err);
  memset (scan, 0, sizeof *scan);
}

/* The listing once LIST and UIDL were answered, or NULL and an error. */
static MpPop3Listing *
scan_finish (Scan    *scan,
             GError **error)
{
  MpPop3Listing *listing;

  if (!scan->have_list)
    {
      mp_pop3_set_reply_error (error, &scan->list_err, MP_POP3_ERROR_SERVER, "LIST");
      return NULL;
    }
  if (scan->failed != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scan->failed));
      return NULL;
    }
  /* RFC 1939 7: UIDL lists every message. A listing with gaps is a broken
   * reply, not a server without UIDL (that one says -ERR). */
  for (guint i = 0; scan->have_uidl && i < scan->entries->len; i++)
    {
      if (ENTRY (scan, i)->uidl == NULL)
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                       _("The server's UIDL listing is incomplete: message %u has no unique id"),
                       ENTRY (scan, i)->number);
          return NULL;
        }
    }
  listing = g_new0 (MpPop3Listing, 1);
  listing->len = scan->entries->len;
  /* Exactly as long as needed (the array grew by doubling). */
  listing->entries = g_renew (MpPop3Entry, g_array_free (g_steal_pointer (&scan->entries), FALSE),
                              MAX (listing->len, 1));
  listing->uidls = g_steal_pointer (&scan->uidls);
  return listing;
}

static const MpPop3Command scan_commands[] = {
  { (char *) "LIST", TRUE, FALSE, 0, list_line },
  { (char *) "UIDL", TRUE, FALSE, 0, uidl_line },
};

MpPop3Listing *
mp_pop3_session_scan_sync (MpPop3Session  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  MpPop3Command commands[G_N_ELEMENTS (scan_commands)];
  Scan scan;
  MpPop3Listing *listing = NULL;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);

  memcpy (commands, scan_commands, sizeof commands);
  scan_init (&scan);
  if (mp_pop3_check_ready (self, error) &&
      mp_pop3_session_run (self, commands, G_N_ELEMENTS (commands), mp_pop3_session_window (self),
                           scan_reply, &scan, cancellable, error))
    listing = scan_finish (&scan, error);
  scan_clear (&scan);
  return listing;
}

/* ---- scan, then TOP for each message ---- */

typedef struct {
  Scan                scan;      /* first: LIST's and UIDL's line callbacks get
                                  * the run's user data, this, as a Scan */
  MpPop3Listing      *listing;   /* made when UIDL is answered */
  guint               lines;
  guint               max_tops;
  gboolean            with_quit;
  MpPop3Command      *tops;      /* the TOPs (and QUIT) appended to the run */
  char               *block;     /* their lines */
  guint               n_tops;
  MpPop3EntryBodyFunc func;
  gpointer            user_data;
  gboolean            quit_ok;
} ScanTop;

G_STATIC_ASSERT (G_STRUCT_OFFSET (ScanTop, scan) == 0);

/* LIST is complete: the TOPs go out now, while UIDL's reply is still coming. */
static void
append_tops (MpPop3Session *self,
             ScanTop       *st)
{
  g_autofree guint *numbers = NULL;
  guint n_commands;

  st->n_tops = MIN (st->scan.entries->len, st->max_tops);
  st->with_quit = st->with_quit && st->n_tops == st->scan.entries->len;
  n_commands = st->n_tops + (st->with_quit ? 1 : 0);
  if (n_commands == 0)
    return;
  numbers = g_new (guint, MAX (st->n_tops, 1));
  for (guint i = 0; i < st->n_tops; i++)
    numbers[i] = ENTRY (&st->scan, i)->number;
  st->tops = g_new0 (MpPop3Command, n_commands);
  st->block = mp_pop3_format_numbered (st->tops, numbers, st->n_tops, "TOP", st->lines);
  for (guint i = 0; i < st->n_tops; i++)
    st->tops[i].multiline = TRUE;
  if (st->with_quit)
    st->tops[st->n_tops].line = (char *) "QUIT";
  mp_pop3_session_run_append (self, st->tops, n_commands);
}

static gboolean
scan_top_reply (MpPop3Session *self,
                guint          index,
                MpPop3Reply   *reply,
                gpointer       user_data,
                GError       **error)
{
  ScanTop *st = user_data;
  g_autoptr(GBytes) bytes = NULL;

  if (index < 2)
    {
      scan_reply (self, index, reply, &st->scan, error);
      if (index == 0 && st->scan.have_list && st->scan.failed == NULL)
        append_tops (self, st);
      if (index == 0 || st->tops == NULL)
        return TRUE;   /* nothing appended: the run ends here, the session usable */
      /* A broken UIDL listing ends the run with the TOPs unread, and the
       * session with it (QUIT, if it went out, commits nothing: no DELE). */
      st->listing = scan_finish (&st->scan, error);
      return st->listing != NULL;
    }
  index -= 2;
  if (index >= st->n_tops)
    return mp_pop3_take_quit_reply (reply, &st->quit_ok, error);
  if (!mp_pop3_take_body_reply (self, reply, st->tops[index].line, &bytes, error))
    return FALSE;
  st->func (&st->listing->entries[index], bytes, st->user_data);
  return TRUE;
}

MpPop3Listing *
mp_pop3_session_scan_and_top_sync (MpPop3Session       *self,
                                   guint                lines,
                                   guint                max_tops,
                                   MpPop3EntryBodyFunc  func,
                                   gpointer             user_data,
                                   guint               *n_topped,
                                   gboolean            *quit_ok,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  MpPop3Command commands[G_N_ELEMENTS (scan_commands)];
  ScanTop st = { .lines = lines, .max_tops = max_tops, .with_quit = quit_ok != NULL,
                 .func = func, .user_data = user_data };
  gboolean ok;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  g_return_val_if_fail (func != NULL && n_topped != NULL, NULL);
  /* QUIT would commit the DELEs before the caller saw a single TOP reply. */
  g_return_val_if_fail (quit_ok == NULL || !self->dele_sent, NULL);

  *n_topped = 0;
  memcpy (commands, scan_commands, sizeof commands);
  scan_init (&st.scan);
  ok = mp_pop3_check_ready (self, error) &&
       mp_pop3_check_top (self, error) &&
       mp_pop3_session_run (self, commands, G_N_ELEMENTS (commands),
                            mp_pop3_session_window (self), scan_top_reply, &st,
                            cancellable, error);
  if (ok && st.tops == NULL)   /* nothing was appended (LIST refused, or empty) */
    st.listing = scan_finish (&st.scan, error);
  if (st.listing != NULL && !ok)
    g_clear_pointer (&st.listing, mp_pop3_listing_free);
  if (st.listing != NULL)
    *n_topped = st.n_tops;
  if (st.with_quit && st.listing != NULL)
    {
      *quit_ok = st.quit_ok;
      mp_pop3_session_close (self);
    }
  scan_clear (&st.scan);
  g_free (st.tops);
  g_free (st.block);
  return st.listing;
}
