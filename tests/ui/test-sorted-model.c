/* test-sorted-model.c — MpSortedModel against a GListStore: after every change a
 * copy kept only from its items-changed signals matches the model, the model is
 * the store's items in sorter order (equal ones in the order they came), and a
 * change is reported as the rows it touched: a batch that sorts to the top is
 * one insertion at 0, not a change of the whole list (what made GTK 4.8's
 * GtkSortListModel rebuild the view's rows for every batch).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-sorted-model.h"

static GQuark value_quark;
static int direction = 1;

static int
value_of (gconstpointer item)
{
  return GPOINTER_TO_INT (g_object_get_qdata ((GObject *) item, value_quark));
}

static int
compare_values (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  int x = value_of (a), y = value_of (b);

  return direction * ((x > y) - (x < y));
}

static GObject *
new_item (int value)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_qdata (item, value_quark, GINT_TO_POINTER (value));
  return item;
}

typedef struct {
  GListStore    *store;
  GtkSorter     *sorter;
  MpSortedModel *model;
  GPtrArray     *mirror;   /* what the signals said, borrowed items */
  GArray        *changes;  /* guint triples: position, removed, added */
  GHashTable    *arrival;  /* item → order it came in (ties keep it) */
  guint          next_arrival;
} Fixture;

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  guint change[3] = { position, removed, added };

  g_assert_cmpuint (position + removed, <=, f->mirror->len);
  g_ptr_array_remove_range (f->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (list, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (f->mirror, position + i, item);
    }
  g_assert_cmpuint (f->mirror->len, ==, g_list_model_get_n_items (list));
  g_array_append_vals (f->changes, change, 3);
}

static void
fixture_init (Fixture   *f,
              GtkSorter *sorter)
{
  f->store = g_list_store_new (G_TYPE_OBJECT);
  f->sorter = sorter;
  f->model = mp_sorted_model_new (G_LIST_MODEL (f->store), sorter);
  f->mirror = g_ptr_array_new ();
  f->changes = g_array_new (FALSE, FALSE, sizeof (guint));
  f->arrival = g_hash_table_new (NULL, NULL);
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed), f);
}

static void
fixture_clear (Fixture *f)
{
  g_object_unref (f->model);
  g_object_unref (f->sorter);
  g_object_unref (f->store);
  g_ptr_array_unref (f->mirror);
  g_array_unref (f->changes);
  g_hash_table_unref (f->arrival);
}

static void
splice (Fixture *f,
        guint    position,
        guint    removed,
        const int *values,
        guint    n)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      GObject *item = new_item (values[i]);

      g_hash_table_insert (f->arrival, item, GUINT_TO_POINTER (f->next_arrival++));
      g_ptr_array_add (items, item);
    }
  g_array_set_size (f->changes, 0);
  g_list_store_splice (f->store, position, removed, items->pdata, n);
}

/* The model holds the store's items, each once, in sorter order; equal items in
 * the order they arrived (unless @any_ties: rows put into the middle of the
 * store, and then sorted anew, sort by their place in the store); and the
 * signals told all of it. */
static void
check_consistent (Fixture *f,
                  gboolean sorted,
                  gboolean any_ties)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->store));
  g_autoptr (GHashTable) in_store = g_hash_table_new (NULL, NULL);

  /* A sort in slices may be under way: every row is there all the same; rows
   * removed in large numbers may still be leaving. */
  for (guint i = 0; i < n; i++)
    g_hash_table_add (in_store, g_list_model_get_item (G_LIST_MODEL (f->store), i));
  for (guint i = 0; i < f->mirror->len; i++)
    g_assert_true (g_hash_table_contains (in_store, g_ptr_array_index (f->mirror, i)) ||
                   mp_sorted_model_get_pending (f->model));
  g_hash_table_foreach (in_store, (GHFunc) (void (*) (void)) g_object_unref, NULL);
  g_hash_table_remove_all (in_store);
  while (mp_sorted_model_get_pending (f->model))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, n);
  g_assert_cmpuint (f->mirror->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (f->store), i);
      g_autoptr (GObject) shown = g_list_model_get_item (G_LIST_MODEL (f->model), i);

      g_hash_table_add (in_store, item);
      g_assert_true (shown == g_ptr_array_index (f->mirror, i));
      if (!sorted)
        g_assert_true (shown == item);
    }
  for (guint i = 0; i < n; i++)
    g_assert_true (g_hash_table_contains (in_store, g_ptr_array_index (f->mirror, i)));
  for (guint i = 0; sorted && i + 1 < n; i++)
    {
      gpointer a = g_ptr_array_index (f->mirror, i), b = g_ptr_array_index (f->mirror, i + 1);
      int order = compare_values (a, b, NULL);

      g_assert_cmpint (order, <=, 0);
      if (order == 0 && !any_ties)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (f->arrival, a)), <,
                          GPOINTER_TO_UINT (g_hash_table_lookup (f->arrival, b)));
    }
}

static void
assert_consistent (Fixture *f,
                   gboolean sorted)
{
  check_consistent (f, sorted, FALSE);
}

static void
assert_changes (Fixture     *f,
                const guint *expected,
                guint        n_changes)
{
  g_assert_cmpuint (f->changes->len, ==, n_changes * 3);
  for (guint i = 0; i < n_changes * 3; i++)
    g_assert_cmpuint (g_array_index (f->changes, guint, i), ==, expected[i]);
}

static GtkSorter *
value_sorter (void)
{
  return GTK_SORTER (gtk_custom_sorter_new (compare_values, NULL, NULL));
}

/* Newest on top, rows arriving oldest first: each batch is one insertion at 0. */
static void
test_batches_at_top (void)
{
  Fixture f = { 0 };
  int batch[50];

  direction = -1;
  fixture_init (&f, value_sorter ());
  for (int round = 0; round < 20; round++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (f.store));
      const guint expected[] = { 0, 0, G_N_ELEMENTS (batch) };

      for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
        batch[i] = round * 100 + i;
      splice (&f, n, 0, batch, G_N_ELEMENTS (batch));
      assert_changes (&f, expected, 1);
      assert_consistent (&f, TRUE);
    }
  fixture_clear (&f);
  direction = 1;
}

/* Rows taken out at two places: two removals, from the end; at many places:
 * one change that spans them. */
static void
test_removals (void)
{
  Fixture f = { 0 };
  int values[] = { 7, 2, 8, 1, 9, 0 };
  int odds[40], evens[30];

  fixture_init (&f, value_sorter ());
  splice (&f, 0, 0, values, G_N_ELEMENTS (values));
  {
    /* 2 and 8 are next to each other in the store, at 1 and 4 in the list. */
    const guint expected[] = { 4, 1, 0, 2, 1, 0 };

    splice (&f, 1, 2, NULL, 0);
    assert_changes (&f, expected, 2);
    assert_consistent (&f, TRUE);
  }
  splice (&f, 0, 4, NULL, 0);
  for (guint i = 0; i < G_N_ELEMENTS (odds); i++)
    odds[i] = 2 * i + 1;
  for (guint i = 0; i < G_N_ELEMENTS (evens); i++)
    evens[i] = 2 * i;
  splice (&f, 0, 0, odds, G_N_ELEMENTS (odds));
  splice (&f, G_N_ELEMENTS (odds), 0, evens, G_N_ELEMENTS (evens));
  assert_consistent (&f, TRUE);
  {
    /* The evens, together in the store, are every other row of the list's
     * first 59: one change from 0, 59 rows, 29 left. */
    const guint expected[] = { 0, 59, 29 };

    splice (&f, G_N_ELEMENTS (odds), G_N_ELEMENTS (evens), NULL, 0);
    assert_changes (&f, expected, 1);
    assert_consistent (&f, TRUE);
  }
  fixture_clear (&f);
}

/* Scattered insertions over the limit of places: one change that spans them;
 * a few places: one insertion each. */
static void
test_scattered_insertions (void)
{
  Fixture f = { 0 };
  int evens[200], odds[100], few[3] = { 1001, 51, 3 };
  guint n;

  fixture_init (&f, value_sorter ());
  for (guint i = 0; i < G_N_ELEMENTS (evens); i++)
    evens[i] = 2 * i;
  splice (&f, 0, 0, evens, G_N_ELEMENTS (evens));
  for (guint i = 0; i < G_N_ELEMENTS (odds); i++)
    odds[i] = 2 * i + 1;
  splice (&f, 0, 0, odds, G_N_ELEMENTS (odds));
  {
    /* Each odd one between two evens: 100 places, from 1 (after 0) to 100
     * (after 198): one change of the 99 rows between, with 100 more. */
    const guint expected[] = { 1, 99, 199 };

    assert_changes (&f, expected, 1);
  }
  assert_consistent (&f, TRUE);
  n = g_list_model_get_n_items (G_LIST_MODEL (f.store));
  splice (&f, n, 0, few, G_N_ELEMENTS (few));
  {
    /* The list is 0…199 and the evens to 398: from the last place to the
     * first, each with the array as it says (equal values after the ones there). */
    const guint expected[] = { 300, 0, 1, 52, 0, 1, 4, 0, 1 };

    assert_changes (&f, expected, 3);
  }
  assert_consistent (&f, TRUE);
  fixture_clear (&f);
}

/* A new order: everything again, once; equal items keep their arrival order. */
static void
test_sorter_changed (void)
{
  Fixture f = { 0 };
  int values[] = { 5, 1, 5, 3, 1, 9, 5 };
  const guint expected[] = { 0, G_N_ELEMENTS (values), G_N_ELEMENTS (values) };

  fixture_init (&f, value_sorter ());
  splice (&f, 0, 0, values, G_N_ELEMENTS (values));
  assert_consistent (&f, TRUE);
  direction = -1;
  g_array_set_size (f.changes, 0);
  gtk_sorter_changed (f.sorter, GTK_SORTER_CHANGE_INVERTED);
  assert_changes (&f, expected, 1);
  assert_consistent (&f, TRUE);
  direction = 1;
  fixture_clear (&f);
}

/* A large list is sorted in slices: pending until the sort is done, the old
 * order meanwhile, then one change of everything. */
static void
test_sort_in_slices (void)
{
  Fixture f = { 0 };
  g_autofree int *values = g_new (int, 100000);
  const guint expected[] = { 0, 100000, 100000 };
  gboolean was_pending;
  guint iterations = 0;

  fixture_init (&f, value_sorter ());
  for (guint i = 0; i < 100000; i++)
    values[i] = (int) ((i * 7919u) % 100000u);
  splice (&f, 0, 0, values, 100000);
  check_consistent (&f, TRUE, FALSE);
  direction = -1;
  g_array_set_size (f.changes, 0);
  gtk_sorter_changed (f.sorter, GTK_SORTER_CHANGE_INVERTED);
  was_pending = mp_sorted_model_get_pending (f.model);
  g_assert_cmpuint (f.changes->len, ==, 0);
  while (mp_sorted_model_get_pending (f.model))
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
    }
  g_assert_true (was_pending);
  g_assert_cmpuint (iterations, >, 1);
  assert_changes (&f, expected, 1);
  check_consistent (&f, TRUE, FALSE);
  direction = 1;
  fixture_clear (&f);
}

/* Runs the main loop until the model is done (as many turns as its 3 ms slices
 * need) and checks that each change it made only removed rows, at most
 * @max_step. */
static void
drain_leaving (Fixture *f,
               guint    max_step)
{
  g_array_set_size (f->changes, 0);
  while (mp_sorted_model_get_pending (f->model))
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < f->changes->len; i += 3)
    {
      g_assert_cmpuint (g_array_index (f->changes, guint, i + 2), ==, 0);
      g_assert_cmpuint (g_array_index (f->changes, guint, i + 1), <=, max_step);
    }
}

static gboolean
has_row_in (gpointer item,
            gpointer shown)
{
  return g_hash_table_contains (shown, item);
}

static GPtrArray *
store_items (Fixture *f,
             guint    position,
             guint    n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (f->store), position + i));
  return items;
}

/* Many rows removed at once leave in slices of at most 64 rows a change, none
 * at the moment of the removal; rows that come back while still leaving (Undo)
 * stay and are not reported again; a new order first lets them all go. */
static void
test_leaving (void)
{
  Fixture f = { 0 };
  g_autofree int *values = g_new (int, 3000);
  guint left = 0;

  fixture_init (&f, value_sorter ());
  for (guint i = 0; i < 3000; i++)
    values[i] = (int) ((i * 7919u) % 3000u);
  splice (&f, 0, 0, values, 3000);
  check_consistent (&f, TRUE, FALSE);

  splice (&f, 500, 2000, NULL, 0);
  g_assert_true (mp_sorted_model_get_pending (f.model));
  g_assert_cmpuint (f.changes->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 3000);
  drain_leaving (&f, 64);
  g_assert_cmpuint (f.changes->len / 3, >=, 2000 / 64);
  check_consistent (&f, TRUE, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 1000);

  /* Undo while leaving: the same items back in the store, before any has
   * left (no change at all), and after a main-loop turn (those that left come
   * back; without a view a turn may well let all of them go). */
  for (guint turns = 0; turns < 2; turns++)
    {
      g_autoptr (GPtrArray) back = store_items (&f, 100, 800);
      guint added = 0;

      left = 0;
      g_array_set_size (f.changes, 0);
      g_list_store_splice (f.store, 100, 800, NULL, 0);
      if (turns > 0)
        g_main_context_iteration (NULL, FALSE);
      for (guint i = 0; i < f.changes->len; i += 3)
        left += g_array_index (f.changes, guint, i + 1);
      if (turns == 0)
        g_assert_cmpuint (f.changes->len, ==, 0);
      g_array_set_size (f.changes, 0);
      g_list_store_splice (f.store, 100, 0, back->pdata, back->len);
      /* Net: a change may span rows that stay (more than MAX_RUNS places). */
      for (guint i = 0; i < f.changes->len; i += 3)
        added += g_array_index (f.changes, guint, i + 2) - g_array_index (f.changes, guint, i + 1);
      g_assert_cmpuint (added, ==, left);
      g_assert_false (mp_sorted_model_get_pending (f.model));
      check_consistent (&f, TRUE, TRUE);
    }

  /* A new order while rows leave. */
  splice (&f, 0, 600, NULL, 0);
  g_assert_true (mp_sorted_model_get_pending (f.model));
  direction = -1;
  gtk_sorter_changed (f.sorter, GTK_SORTER_CHANGE_INVERTED);
  check_consistent (&f, TRUE, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 400);
  direction = 1;
  fixture_clear (&f);
}

/* With the view saying which rows have a widget (here every tenth), a change
 * takes at most 64 of those and any number of the others: 2,000 rows leave in
 * a few changes, not 2,000 / 64. */
static void
test_leaving_rows_with_widgets (void)
{
  Fixture f = { 0 };
  g_autofree int *values = g_new (int, 3000);
  g_autoptr (GHashTable) shown = g_hash_table_new (NULL, NULL);
  guint n_changes;

  fixture_init (&f, value_sorter ());
  for (guint i = 0; i < 3000; i++)
    values[i] = (int) i;
  splice (&f, 0, 0, values, 3000);
  check_consistent (&f, TRUE, FALSE);
  for (guint i = 0; i < 3000; i += 10)
    g_hash_table_add (shown, g_ptr_array_index (f.mirror, i));
  mp_sorted_model_set_has_row (f.model, has_row_in, shown);

  splice (&f, 500, 2000, NULL, 0);
  drain_leaving (&f, 64 * 10);
  n_changes = f.changes->len / 3;
  g_assert_cmpuint (n_changes, >=, 2000 / 10 / 64);
  g_assert_cmpuint (n_changes, <=, 8);
  check_consistent (&f, TRUE, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.model)), ==, 1000);
  fixture_clear (&f);
}

/* With no order the model is the store, change for change. */
static void
test_unsorted (void)
{
  Fixture f = { 0 };
  int values[] = { 3, 1, 2 };
  const guint expected[] = { 1, 1, 3 };

  fixture_init (&f, GTK_SORTER (gtk_custom_sorter_new (NULL, NULL, NULL)));
  splice (&f, 0, 0, values, G_N_ELEMENTS (values));
  splice (&f, 1, 1, values, G_N_ELEMENTS (values));
  assert_changes (&f, expected, 1);
  assert_consistent (&f, FALSE);
  fixture_clear (&f);
}

/* Random splices, removals and order changes, checked after each. */
static void
test_random (void)
{
  Fixture f = { 0 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  fixture_init (&f, value_sorter ());
  for (int step = 0; step < 1500; step++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (f.store));
      /* Around 3,000 rows: sorts run at once and in slices. */
      int op = n > 3500 ? 8 : g_rand_int_range (rand, 0, 12);

      if (op < 7)
        {
          guint add = g_rand_int_range (rand, 0, 60);
          guint pos = g_rand_int_range (rand, 0, n + 1);
          guint rem = n > pos ? g_rand_int_range (rand, 0, MIN (5, n - pos) + 1) : 0;
          g_autofree int *values = g_new (int, add + 1);
          int base = g_rand_int_range (rand, 0, 500);

          /* Runs (as a check delivers them) and scattered values, with ties. */
          for (guint i = 0; i < add; i++)
            values[i] = op < 4 ? base + (int) i : g_rand_int_range (rand, 0, 500);
          splice (&f, pos, rem, values, add);
        }
      else if (op < 10 && n > 0)
        {
          guint pos = g_rand_int_range (rand, 0, n);

          splice (&f, pos, g_rand_int_range (rand, 1, MIN (n > 3500 ? 1000 : 40, n - pos) + 1), NULL, 0);
        }
      else if (op < 11 && n > 300)
        {
          /* Many rows removed and, a few main-loop turns later, put back
           * (delete and Undo), maybe while they are still leaving. */
          guint pos = g_rand_int_range (rand, 0, n - 300);
          guint rem = g_rand_int_range (rand, 257, MIN (n - pos, 1200) + 1);
          g_autoptr (GPtrArray) back = store_items (&f, pos, rem);
          guint turns = g_rand_int_range (rand, 0, 3);

          g_list_store_splice (f.store, pos, rem, NULL, 0);
          for (guint t = 0; t < turns; t++)
            g_main_context_iteration (NULL, FALSE);
          if (g_rand_boolean (rand))
            g_list_store_splice (f.store, pos, 0, back->pdata, back->len);
        }
      else
        {
          direction = -direction;
          gtk_sorter_changed (f.sorter, GTK_SORTER_CHANGE_INVERTED);
        }
      check_consistent (&f, TRUE, TRUE);
    }
  direction = 1;
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  value_quark = g_quark_from_static_string ("test-sorted-model-value");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sorted-model/batches-at-top", test_batches_at_top);
  g_test_add_func ("/sorted-model/removals", test_removals);
  g_test_add_func ("/sorted-model/scattered-insertions", test_scattered_insertions);
  g_test_add_func ("/sorted-model/sorter-changed", test_sorter_changed);
  g_test_add_func ("/sorted-model/sort-in-slices", test_sort_in_slices);
  g_test_add_func ("/sorted-model/leaving", test_leaving);
  g_test_add_func ("/sorted-model/leaving-rows-with-widgets", test_leaving_rows_with_widgets);
  g_test_add_func ("/sorted-model/unsorted", test_unsorted);
  g_test_add_func ("/sorted-model/random", test_random);
  return g_test_run ();
}
