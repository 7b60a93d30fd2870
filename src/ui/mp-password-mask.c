/* mp-password-mask.c — keeps the text typed into a GtkPasswordEntry out of the
 * entry.
 *
 * GTK 4.8 answers an accessibility client's GetText on a GtkPasswordEntry with
 * gtk_editable_get_text(), and its text-changed events carry every inserted
 * character: a screen reader, or any program on the accessibility bus, reads the
 * password the screen shows as dots.  Only GtkPasswordEntry has the "password
 * text" role (its type is final), so the entry stays and its text changes: while
 * hidden, the entry's buffer holds one mask character per typed character, and the
 * typed text lives here.  Each insertion and deletion is mirrored at the same
 * character positions; when the user reveals the password
 * (the peek icon) the entry shows the real text, and the accessibility tree with
 * it, as the screen does.  Where an edit lands is taken from the entry's buffer,
 * which clamps positions and lengths its own way.
 *
 * Undo is off: GTK keeps no history for hidden text anyway, and a history that
 * spans a reveal would replay masks as typed text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include "mp-password-mask.h"

struct _MpPasswordMask
{
  GObject           parent_instance;

  GtkEditable      *text;     /* the entry's GtkText (weak) */
  GtkEntryBuffer   *buffer;   /* its buffer: where edits really land */
  GString          *typed;
  const char       *pending;  /* the typed characters of the insertion under way */
};

G_DEFINE_FINAL_TYPE (MpPasswordMask, mp_password_mask, G_TYPE_OBJECT)

static void
wipe (GString *string)
{
  volatile char *p = (volatile char *) string->str;

  for (gsize i = 0; i < string->allocated_len; i++)
    p[i] = 0;
  g_string_truncate (string, 0);
}

static gboolean
revealed (MpPasswordMask *self)
{
  return gtk_text_get_visibility (GTK_TEXT (self->text));
}

static char *
masks (MpPasswordMask *self,
       glong           n_chars)
{
  gunichar mask = gtk_text_get_invisible_char (GTK_TEXT (self->text));
  char utf8[6];
  int len = g_unichar_to_utf8 (mask ? mask : 0x25CF, utf8);
  GString *out = g_string_sized_new (n_chars * len + 1);

  for (glong i = 0; i < n_chars; i++)
    g_string_append_len (out, utf8, len);
  return g_string_free (out, FALSE);
}

/* Sets what the entry shows without touching the typed text. */
static void
show_text (MpPasswordMask *self,
           const char     *shown)
{
  int position = gtk_editable_get_position (self->text);

  g_signal_handlers_block_matched (self->buffer, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_editable_set_text (self->text, shown);
  g_signal_handlers_unblock_matched (self->buffer, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_editable_set_position (self->text, position);
}

static void
on_visibility_changed (MpPasswordMask *self)
{
  g_autofree char *hidden = NULL;

  if (revealed (self))
    {
      show_text (self, self->typed->str);
      return;
    }
  hidden = masks (self, g_utf8_strlen (self->typed->str, -1));
  show_text (self, hidden);
}

static gsize
byte_offset (GString *string,
             glong    chars)
{
  return g_utf8_offset_to_pointer (string->str, chars) - string->str;
}

/* Every insertion into the entry comes here first (typing, pasting, an input
 * method, an accessibility client's SetTextContents): the buffer gets masks. */
static void
on_insert_text (GtkEditable    *text,
                const char     *chars,
                int             length,
                int            *position,
                MpPasswordMask *self)
{
  g_autofree char *typed = NULL;
  g_autofree char *hidden = NULL;

  g_signal_stop_emission_by_name (text, "insert-text");
  if (length < 0)
    length = strlen (chars);
  /* Characters counted as GtkText counts them (by their first bytes). */
  typed = g_strndup (chars, length);
  if (!revealed (self))
    hidden = masks (self, g_utf8_strlen (typed, -1));

  self->pending = typed;
  g_signal_handlers_block_by_func (text, on_insert_text, self);
  gtk_editable_insert_text (text, hidden ? hidden : typed, -1, position);
  g_signal_handlers_unblock_by_func (text, on_insert_text, self);
  self->pending = NULL;
  memset (typed, 0, strlen (typed));
}

/* The buffer says where an insertion landed and how much of it (it clamps the
 * position and honours a maximum length).  An insertion that did not come
 * through on_insert_text (none does in GTK 4.8; the buffer is the entry's own)
 * is taken as it reads. */
static void
on_inserted (GtkEntryBuffer *buffer,
             guint           position,
             const char     *chars,
             guint           n_chars,
             MpPasswordMask *self)
{
  const char *typed = self->pending ? self->pending : chars;

  g_string_insert_len (self->typed, byte_offset (self->typed, position), typed,
                       g_utf8_offset_to_pointer (typed, n_chars) - typed);
}

static void
on_deleted (GtkEntryBuffer *buffer,
            guint           position,
            guint           n_chars,
            MpPasswordMask *self)
{
  gsize from = byte_offset (self->typed, position);
  gsize to = byte_offset (self->typed, position + n_chars);

  g_string_erase (self->typed, from, to - from);
  /* Wipe the bytes that moved down, not only the ones that left. */
  memset (self->typed->str + self->typed->len, 0, to - from);
}

static void
mp_password_mask_dispose (GObject *object)
{
  MpPasswordMask *self = MP_PASSWORD_MASK (object);

  if (self->text)
    g_signal_handlers_disconnect_by_data (self->text, self);
  g_clear_weak_pointer (&self->text);
  if (self->buffer)
    g_signal_handlers_disconnect_by_data (self->buffer, self);
  g_clear_object (&self->buffer);
  G_OBJECT_CLASS (mp_password_mask_parent_class)->dispose (object);
}

static void
mp_password_mask_finalize (GObject *object)
{
  MpPasswordMask *self = MP_PASSWORD_MASK (object);

  wipe (self->typed);
  g_string_free (self->typed, TRUE);
  G_OBJECT_CLASS (mp_password_mask_parent_class)->finalize (object);
}

static void
mp_password_mask_class_init (MpPasswordMaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_password_mask_dispose;
  object_class->finalize = mp_password_mask_finalize;
}

static void
mp_password_mask_init (MpPasswordMask *self)
{
  /* Room for any real password: a reallocation would leave a copy behind. */
  self->typed = g_string_sized_new (512);
}

/**
 * mp_password_mask_new:
 * @entry: an empty GtkPasswordEntry
 *
 * From now on @entry holds only mask characters while hidden; the typed text is
 * mp_password_mask_get_text().  The mask does not keep @entry alive.
 */
MpPasswordMask *
mp_password_mask_new (GtkPasswordEntry *entry)
{
  MpPasswordMask *self = g_object_new (MP_TYPE_PASSWORD_MASK, NULL);

  g_return_val_if_fail (GTK_IS_PASSWORD_ENTRY (entry), self);
  g_set_weak_pointer (&self->text, gtk_editable_get_delegate (GTK_EDITABLE (entry)));
  self->buffer = g_object_ref (gtk_text_get_buffer (GTK_TEXT (self->text)));
  gtk_editable_set_enable_undo (self->text, FALSE);
  g_string_assign (self->typed, gtk_editable_get_text (self->text));
  on_visibility_changed (self);
  g_signal_connect (self->text, "insert-text", G_CALLBACK (on_insert_text), self);
  g_signal_connect (self->buffer, "inserted-text", G_CALLBACK (on_inserted), self);
  g_signal_connect (self->buffer, "deleted-text", G_CALLBACK (on_deleted), self);
  g_signal_connect_swapped (self->text, "notify::visibility",
                            G_CALLBACK (on_visibility_changed), self);
  return self;
}

/**
 * mp_password_mask_get_text:
 *
 * Returns: the text the user typed (owned by @self, valid until the next edit)
 */
const char *
mp_password_mask_get_text (MpPasswordMask *self)
{
  g_return_val_if_fail (MP_IS_PASSWORD_MASK (self), "");
  return self->typed->str;
}
