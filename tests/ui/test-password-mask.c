/* test-password-mask.c — MpPasswordMask on a real GtkPasswordEntry (under Xvfb):
 * whatever is inserted or deleted, at whatever position, hidden or revealed, the
 * entry's own text (what GTK 4.8 gives accessibility clients) is one mask per
 * character while hidden and the typed text while revealed, and the mask's text is
 * exactly what was typed: after every step it equals the text of a second
 * GtkPasswordEntry with no mask that had the same edits (GTK's own reading of odd
 * positions and ranges is the reference, not the test's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include "mp-password-mask.h"

typedef struct
{
  GtkWidget      *entry;
  GtkEditable    *text;
  MpPasswordMask *mask;
  GtkWidget      *reference;  /* the same edits, no mask */
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->entry = g_object_ref_sink (gtk_password_entry_new ());
  f->text = gtk_editable_get_delegate (GTK_EDITABLE (f->entry));
  f->mask = mp_password_mask_new (GTK_PASSWORD_ENTRY (f->entry));
  f->reference = g_object_ref_sink (gtk_password_entry_new ());
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->mask);
  g_clear_object (&f->entry);
  g_clear_object (&f->reference);
}

static const char *
expected (Fixture *f)
{
  return gtk_editable_get_text (GTK_EDITABLE (f->reference));
}

static void
assert_shown (Fixture *f)
{
  const char *shown = gtk_editable_get_text (GTK_EDITABLE (f->entry));
  glong n = g_utf8_strlen (expected (f), -1);

  g_assert_cmpstr (mp_password_mask_get_text (f->mask), ==, expected (f));
  if (gtk_text_get_visibility (GTK_TEXT (f->text)))
    {
      g_assert_cmpstr (shown, ==, expected (f));
      return;
    }
  g_assert_cmpint (g_utf8_strlen (shown, -1), ==, n);
  for (const char *p = shown; *p; p = g_utf8_next_char (p))
    g_assert_cmpuint (g_utf8_get_char (p), ==, gtk_text_get_invisible_char (GTK_TEXT (f->text)));
  if (n > 0)
    g_assert_null (strstr (shown, expected (f)));
}

static void
insert_len (Fixture    *f,
            const char *chars,
            int         length,
            int         position)
{
  int pos = position;
  int ref_pos = position;

  gtk_editable_insert_text (GTK_EDITABLE (f->reference), chars, length, &ref_pos);
  gtk_editable_insert_text (GTK_EDITABLE (f->entry), chars, length, &pos);
  g_assert_cmpint (pos, ==, ref_pos);
  assert_shown (f);
}

static void
insert (Fixture    *f,
        const char *chars,
        int         position)
{
  insert_len (f, chars, -1, position);
}

static void
delete (Fixture *f,
        int      start,
        int      end)
{
  gtk_editable_delete_text (GTK_EDITABLE (f->reference), start, end);
  gtk_editable_delete_text (GTK_EDITABLE (f->entry), start, end);
  assert_shown (f);
}

static void
reveal (Fixture *f,
        gboolean visible)
{
  /* What the entry's peek icon does. */
  gtk_text_set_visibility (GTK_TEXT (f->text), visible);
  assert_shown (f);
}

static void
set_text (Fixture    *f,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (f->reference), text);
  gtk_editable_set_text (GTK_EDITABLE (f->entry), text);
  assert_shown (f);
}

static void
test_edits (Fixture      *f,
            gconstpointer data)
{
  set_text (f, "Sesame-4711");
  insert (f, "ö€𝄞", 2);
  delete (f, 1, 3);
  insert (f, "tail", -1);
  insert (f, "far", 1000);
  delete (f, 4, -1);
  reveal (f, TRUE);
  insert (f, "ß", 0);
  delete (f, 2, 3);
  reveal (f, FALSE);
  insert (f, "x", 2);
  delete (f, -2, 2);
  delete (f, 3, 1);
  set_text (f, "again");
  delete (f, 0, -1);
  g_assert_cmpstr (mp_password_mask_get_text (f->mask), ==, "");
}

static void
test_odd_bytes (Fixture      *f,
                   gconstpointer data)
{
  insert (f, "ok", 0);
  insert_len (f, "a\xff", 2, 1);
  insert_len (f, "b\0c", 3, 0);
}

static void
test_max_length (Fixture      *f,
                 gconstpointer data)
{
  /* The buffer cuts the insertion short; the typed text is cut the same way. */
  gtk_text_set_max_length (GTK_TEXT (f->text), 5);
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (f->reference))), 5);
  insert (f, "abcdefgh", 0);
  g_assert_cmpstr (expected (f), ==, "abcde");
  insert (f, "xy€", 2);
}

static void
test_undo_off (Fixture      *f,
               gconstpointer data)
{
  g_assert_false (gtk_editable_get_enable_undo (f->text));
}

static void
test_text_set_before (void)
{
  g_autoptr (GtkWidget) entry = g_object_ref_sink (gtk_password_entry_new ());
  g_autoptr (MpPasswordMask) mask = NULL;

  gtk_editable_set_text (GTK_EDITABLE (entry), "before");
  mask = mp_password_mask_new (GTK_PASSWORD_ENTRY (entry));
  g_assert_cmpstr (mp_password_mask_get_text (mask), ==, "before");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), !=, "before");
  g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (entry)), -1), ==, 6);
}

static void
test_random (Fixture      *f,
             gconstpointer data)
{
  static const char *pieces[] = { "a", "Z9", "é", "€uro", "𝄞", "日本語", " ", "\t" };
  GRand *rand = g_rand_new_with_seed (4711);

  for (int i = 0; i < 3000; i++)
    {
      int n = g_utf8_strlen (expected (f), -1);
      int a = g_rand_int_range (rand, -2, n + 3);
      int b = g_rand_int_range (rand, -2, n + 3);

      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0:
          reveal (f, !gtk_text_get_visibility (GTK_TEXT (f->text)));
          break;
        case 1: case 2: case 3:
          delete (f, a, b);
          break;
        default:
          if (n < 200)
            insert (f, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))], a);
        }
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/password-mask/edits", test_edits);
  ADD ("/password-mask/odd-bytes", test_odd_bytes);
  ADD ("/password-mask/max-length", test_max_length);
  ADD ("/password-mask/undo-off", test_undo_off);
  ADD ("/password-mask/random", test_random);
#undef ADD
  g_test_add_func ("/password-mask/text-set-before", test_text_set_before);
  return g_test_run ();
}
