/* mp-sorted-model.c — a list model that keeps another one sorted by a GtkSorter.
 *
 * Why not GtkSortListModel: in GTK 4.8 it merges rows that arrive into its
 * sorted array and reports the whole stretch the merge went over as changed.
 * Rows arriving oldest first while the list shows the newest on top land at
 * the top, so every batch "changed" everything from the top down: the column
 * view dropped and rebuilt its ~200 row widgets for each batch, which kept the
 * batches to a row or two and a 10,000-row check took seconds to show.  Here a
 * batch is sorted on its own and goes in where it belongs, and each change is
 * reported as exactly the rows that came or went (one items-changed per place,
 * or one that spans them all when they scatter over many places), so the view
 * keeps the rows it has.
 *
 * A new sort order, or a batch too large to sort at once (a new account's
 * rows), sorts everything again in time slices (a stable bottom-up merge sort
 * that can stop anywhere), as GtkSortListModel's incremental mode does: the
 * list shows its old order, the new rows at its end, until the sort is done
 * and replaces the order in one change.  Sorting 10,000 rows by subject takes
 * ~35 ms, 100,000 rows half a second: too long for one frame.
 *
 * Many rows leaving at once (a select-all and Delete) leave in slices too: the
 * view destroys the row widgets it has for them (GTK 4.8 keeps ~200, ~0.1 ms
 * each to destroy), which took ~25 ms in one change.  They stay in the list,
 * marked as leaving, and go from the end of the list towards its start, each
 * change with at most LEAVE_STEP rows that have a widget (the view says which,
 * mp_sorted_model_set_has_row(); without it every row counts), so no change
 * takes many row widgets at once and the rows far from the view go in a few
 * large changes.  Rows that come back while they are still leaving (Undo) just
 * stay.
 *
 * Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include "mp-sorted-model.h"

/* More places than this in one change are reported as one span. */
#define MAX_RUNS 16
/* Larger batches are sorted with everything else, in time slices. */
#define MAX_BATCH 2048
/* Lists up to this size are sorted at once. */
#define MAX_SORT_NOW 2048
#define SORT_SLICE_US 3000
/* Removals of more rows than this leave in slices, with at most LEAVE_STEP
 * rows that have a widget a change. */
#define MAX_LEAVE_NOW 256
#define LEAVE_STEP 64

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A merge sort in progress: runs of `width` merged pairwise from `src` into
 * `dst`, the pair at `lo` (from `mid` to `hi`) up to `k`. */
typedef struct {
  gpointer *src;
  gpointer *dst;
  guint     n;
  guint     width;
  guint     lo, mid, hi;
  guint     i, j, k;
} MergeSort;

struct _MpSortedModel
{
  GObject     parent_instance;

  GListModel *model;    /* owned */
  GtkSorter  *sorter;   /* owned */
  GPtrArray  *source;   /* the model's items in its order, owned */
  GPtrArray  *sorted;   /* the same items, sorted: borrowed from `source` */
  MergeSort  *resort;   /* a sort of `source` in progress, or NULL */
  guint       resort_id;
  GHashTable *leaving;  /* items gone from `source`, still in `sorted`: owned */
  guint       leave_id;
  MpSortedModelHasRowFunc has_row;
  gpointer    has_row_data;
};

static void mp_sorted_model_list_model_init (GListModelInterface *iface);
static void leave_now (MpSortedModel *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (MpSortedModel, mp_sorted_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      mp_sorted_model_list_model_init))

/* ---------------------------------------------------------------- GListModel */

static GType
get_item_type (GListModel *list)
{
  MpSortedModel *self = MP_SORTED_MODEL (list);

  return g_list_model_get_item_type (self->model);
}

static guint
get_n_items (GListModel *list)
{
  return MP_SORTED_MODEL (list)->sorted->len;
}

static gpointer
get_item (GListModel *list,
          guint       position)
{
  MpSortedModel *self = MP_SORTED_MODEL (list);

  if (position >= self->sorted->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->sorted, position));
}

static void
mp_sorted_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---------------------------------------------------------------- sorting */

static gboolean
unsorted (MpSortedModel *self)
{
  return gtk_sorter_get_order (self->sorter) == GTK_SORTER_ORDER_NONE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  MpSortedModel *self = user_data;

  return gtk_sorter_compare (self->sorter, *(gpointer *) a, *(gpointer *) b);
}

/* The first position whose item sorts after @item: items that compare equal
 * keep the order they came in. */
static guint
upper_bound (MpSortedModel *self,
             gpointer       item)
{
  guint lo = 0, hi = self->sorted->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (gtk_sorter_compare (self->sorter, item, g_ptr_array_index (self->sorted, mid)) == GTK_ORDERING_SMALLER)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

static void
merge_sort_free (MergeSort *sort)
{
  g_free (sort->src);
  g_free (sort->dst);
  g_free (sort);
}

/* Runs the merge sort until it is done (TRUE) or @deadline passes. Stable:
 * of two equal items the one from the left run goes first. */
static gboolean
merge_sort_run (MpSortedModel *self,
                MergeSort     *sort,
                gint64         deadline)
{
  guint moves = 0;

  while (sort->width < sort->n)
    {
      if (sort->k == sort->hi)
        {
          if (sort->hi == sort->n)
            {
              gpointer *swap = sort->src;

              sort->src = sort->dst;
              sort->dst = swap;
              sort->width *= 2;
              sort->lo = sort->mid = sort->hi = sort->k = 0;
              if (sort->width >= sort->n)
                break;
            }
          else
            sort->lo = sort->hi;
          sort->mid = MIN (sort->lo + sort->width, sort->n);
          sort->hi = MIN (sort->lo + 2 * sort->width, sort->n);
          sort->i = sort->k = sort->lo;
          sort->j = sort->mid;
        }
      while (sort->k < sort->hi)
        {
          if (sort->j >= sort->hi ||
              (sort->i < sort->mid &&
               gtk_sorter_compare (self->sorter, sort->src[sort->i], sort->src[sort->j]) != GTK_ORDERING_LARGER))
            sort->dst[sort->k++] = sort->src[sort->i++];
          else
            sort->dst[sort->k++] = sort->src[sort->j++];
          if (++moves % 256 == 0 && deadline > 0 && g_get_monotonic_time () >= deadline)
            return FALSE;
        }
    }
  return TRUE;
}

static void
stop_resort (MpSortedModel *self)
{
  g_clear_handle_id (&self->resort_id, g_source_remove);
  g_clear_pointer (&self->resort, merge_sort_free);
}

/* The sort is done: its order replaces the list's in one change. */
static void
finish_resort (MpSortedModel *self)
{
  guint n = self->resort->n;

  g_assert (n == self->sorted->len);
  if (n > 0)
    memcpy (self->sorted->pdata, self->resort->src, n * sizeof (gpointer));
  stop_resort (self);
  if (n > 1)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, n);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static gboolean
resort_step (gpointer user_data)
{
  MpSortedModel *self = user_data;

  if (!merge_sort_run (self, self->resort, g_get_monotonic_time () + SORT_SLICE_US))
    return G_SOURCE_CONTINUE;
  self->resort_id = 0;
  finish_resort (self);
  return G_SOURCE_REMOVE;
}

/* Sorts `source` again, from the start: at once when it is small, otherwise in
 * slices between frames.  `sorted` holds the same items meanwhile. */
static void
start_resort (MpSortedModel *self)
{
  MergeSort *sort;
  gboolean was_pending;

  /* The sort orders `source`: `sorted` must hold exactly its items. */
  leave_now (self);
  sort = g_new0 (MergeSort, 1);
  was_pending = self->resort != NULL;
  stop_resort (self);
  sort->n = self->source->len;
  sort->src = g_memdup2 (self->source->pdata, sort->n * sizeof (gpointer));
  sort->dst = g_new (gpointer, MAX (sort->n, 1));
  sort->width = 1;
  self->resort = sort;
  if (sort->n <= MAX_SORT_NOW)
    {
      merge_sort_run (self, sort, 0);
      finish_resort (self);
      return;
    }
  self->resort_id = g_idle_add (resort_step, self);
  if (!was_pending)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
insert_range (GPtrArray *array,
              guint      position,
              gpointer  *items,
              guint      n)
{
  guint tail = array->len - position;

  if (n == 0)
    return;
  g_ptr_array_set_size (array, array->len + n);
  memmove (array->pdata + position + n, array->pdata + position, tail * sizeof (gpointer));
  memcpy (array->pdata + position, items, n * sizeof (gpointer));
}

/* ---------------------------------------------------------------- changes */

typedef struct {
  guint position;
  guint length;
} Run;

/* Takes @gone (a set of items) out of `sorted`: one items-changed per run of
 * neighbours, from the end, each emitted with the array as it says; or, over
 * MAX_RUNS runs, one that spans the first to the last. */
static void
remove_sorted (MpSortedModel *self,
               GHashTable    *gone)
{
  g_autoptr (GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));
  guint first, span, removed = 0;

  for (guint i = 0; i < self->sorted->len; i++)
    {
      Run *last = runs->len ? &g_array_index (runs, Run, runs->len - 1) : NULL;

      if (!g_hash_table_contains (gone, g_ptr_array_index (self->sorted, i)))
        continue;
      if (last && last->position + last->length == i)
        last->length++;
      else
        g_array_append_val (runs, ((Run) { i, 1 }));
      removed++;
    }
  if (runs->len == 0)
    return;
  if (runs->len <= MAX_RUNS)
    {
      for (guint r = runs->len; r > 0; r--)
        {
          Run *run = &g_array_index (runs, Run, r - 1);

          g_ptr_array_remove_range (self->sorted, run->position, run->length);
          g_list_model_items_changed (G_LIST_MODEL (self), run->position, run->length, 0);
        }
      return;
    }
  first = g_array_index (runs, Run, 0).position;
  span = g_array_index (runs, Run, runs->len - 1).position +
         g_array_index (runs, Run, runs->len - 1).length - first;
  for (guint i = first, w = first; i < self->sorted->len; i++)
    if (!g_hash_table_contains (gone, g_ptr_array_index (self->sorted, i)))
      self->sorted->pdata[w++] = self->sorted->pdata[i];
  g_ptr_array_set_size (self->sorted, self->sorted->len - removed);
  g_list_model_items_changed (G_LIST_MODEL (self), first, span, span - removed);
}

static void
notify_pending (MpSortedModel *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* The leaving rows go now, in as few changes as remove_sorted makes. */
static void
leave_now (MpSortedModel *self)
{
  g_autoptr (GHashTable) leaving = NULL;

  if (g_hash_table_size (self->leaving) == 0)
    return;
  g_clear_handle_id (&self->leave_id, g_source_remove);
  /* Kept alive until they are out of `sorted` and the change is told. */
  leaving = g_steal_pointer (&self->leaving);
  self->leaving = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  remove_sorted (self, leaving);
  notify_pending (self);
}

static gboolean
has_row (MpSortedModel *self,
         gpointer       item)
{
  return !self->has_row || self->has_row (item, self->has_row_data);
}

/* One slice: runs of leaving rows, from the end of the list, each change with
 * up to LEAVE_STEP rows that have a widget. */
static gboolean
leave_step (gpointer user_data)
{
  MpSortedModel *self = user_data;
  gint64 deadline = g_get_monotonic_time () + SORT_SLICE_US;
  guint i = self->sorted->len;

  while (i > 0 && g_hash_table_size (self->leaving) > 0 && g_get_monotonic_time () < deadline)
    {
      g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
      guint end;
      guint with_rows = 0;

      while (i > 0 && !g_hash_table_contains (self->leaving, g_ptr_array_index (self->sorted, i - 1)))
        i--;
      end = i;
      while (i > 0 && with_rows < LEAVE_STEP &&
             g_hash_table_steal (self->leaving, g_ptr_array_index (self->sorted, i - 1)))
        {
          with_rows += has_row (self, g_ptr_array_index (self->sorted, i - 1));
          g_ptr_array_add (gone, g_ptr_array_index (self->sorted, i - 1));
          i--;
        }
      if (end == i)
        break;
      g_ptr_array_remove_range (self->sorted, i, end - i);
      g_list_model_items_changed (G_LIST_MODEL (self), i, end - i, 0);
    }
  if (g_hash_table_size (self->leaving) > 0)
    return G_SOURCE_CONTINUE;
  self->leave_id = 0;
  notify_pending (self);
  return G_SOURCE_REMOVE;
}

/* @gone (the removed items of `source`, still referenced there) leave `sorted`
 * in slices. */
static void
start_leaving (MpSortedModel *self,
               GHashTable    *gone)
{
  GHashTableIter iter;
  gpointer item;
  gboolean was_pending = mp_sorted_model_get_pending (self);

  g_hash_table_iter_init (&iter, gone);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    g_hash_table_add (self->leaving, g_object_ref (item));
  if (!self->leave_id)
    self->leave_id = g_idle_add (leave_step, self);
  if (!was_pending)
    notify_pending (self);
}

/* Items of @items (borrowed pointers) that were still leaving stay where they
 * are: they are taken out of @items. */
static void
keep_returning (MpSortedModel *self,
                GPtrArray     *items)
{
  guint w = 0;

  if (g_hash_table_size (self->leaving) == 0)
    return;
  for (guint i = 0; i < items->len; i++)
    if (!g_hash_table_remove (self->leaving, items->pdata[i]))
      items->pdata[w++] = items->pdata[i];
  g_ptr_array_set_size (items, w);
  if (g_hash_table_size (self->leaving) == 0)
    {
      g_clear_handle_id (&self->leave_id, g_source_remove);
      notify_pending (self);
    }
}

/* Puts @items (sorted among themselves) into `sorted`: the items that go to one
 * place go in with one items-changed, from the last place to the first; over
 * MAX_RUNS places, one merge and one items-changed that spans them. */
static void
insert_sorted (MpSortedModel *self,
               GPtrArray     *items)
{
  g_autoptr (GArray) places = g_array_sized_new (FALSE, FALSE, sizeof (guint), items->len);
  guint n_places = 0;
  guint i;

  for (i = 0; i < items->len; i++)
    {
      guint place = upper_bound (self, g_ptr_array_index (items, i));

      n_places += i == 0 || place != g_array_index (places, guint, i - 1);
      g_array_append_val (places, place);
    }
  if (n_places <= MAX_RUNS)
    {
      i = items->len;
      while (i > 0)
        {
          guint place = g_array_index (places, guint, i - 1);
          guint first = i - 1;

          while (first > 0 && g_array_index (places, guint, first - 1) == place)
            first--;
          insert_range (self->sorted, place, items->pdata + first, i - first);
          g_list_model_items_changed (G_LIST_MODEL (self), place, 0, i - first);
          i = first;
        }
      return;
    }
  {
    guint from = g_array_index (places, guint, 0);
    guint to = g_array_index (places, guint, items->len - 1);
    g_autoptr (GPtrArray) merged = g_ptr_array_sized_new (to - from + items->len);

    /* The stretch from the first place to the last, merged. */
    for (guint s = from, k = 0; s < to || k < items->len;)
      {
        if (k < items->len && g_array_index (places, guint, k) <= s)
          g_ptr_array_add (merged, g_ptr_array_index (items, k++));
        else
          g_ptr_array_add (merged, g_ptr_array_index (self->sorted, s++));
      }
    g_ptr_array_remove_range (self->sorted, from, to - from);
    insert_range (self->sorted, from, merged->pdata, merged->len);
    g_list_model_items_changed (G_LIST_MODEL (self), from, to - from, merged->len);
  }
}

static void
on_items_changed (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  MpSortedModel *self)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_full (added, g_object_unref);
  g_autoptr (GPtrArray) fresh = NULL;

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, position + i));

  if (unsorted (self))
    {
      g_ptr_array_remove_range (self->sorted, position, removed);
      insert_range (self->sorted, position, items->pdata, added);
    }
  else if (removed > 0)
    {
      g_autoptr (GHashTable) gone = g_hash_table_new (NULL, NULL);

      for (guint i = 0; i < removed; i++)
        g_hash_table_add (gone, g_ptr_array_index (self->source, position + i));
      if (removed > MAX_LEAVE_NOW && !self->resort)
        start_leaving (self, gone);
      else
        remove_sorted (self, gone);
    }
  /* `sorted` no longer holds the removed items (or `leaving` does): now they
   * may go. */
  g_ptr_array_remove_range (self->source, position, removed);
  insert_range (self->source, position, items->pdata, added);
  g_ptr_array_set_free_func (items, NULL);   /* `source` owns them now */

  if (unsorted (self))
    {
      if (removed > 0 || added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }
  fresh = g_ptr_array_copy (items, NULL, NULL);
  keep_returning (self, fresh);
  if (fresh->len == 0 && !self->resort)
    return;
  if (fresh->len > MAX_BATCH || self->resort)
    {
      /* At the end for now; the sort puts them in place. */
      guint end = self->sorted->len;

      insert_range (self->sorted, end, fresh->pdata, fresh->len);
      if (fresh->len > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), end, 0, fresh->len);
      start_resort (self);
      return;
    }
  g_ptr_array_sort_with_data (fresh, compare_entries, self);
  insert_sorted (self, fresh);
}

static void
on_sorter_changed (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   MpSortedModel   *self)
{
  if (!unsorted (self))
    {
      start_resort (self);
      return;
    }
  stop_resort (self);
  leave_now (self);
  g_ptr_array_set_size (self->sorted, 0);
  g_ptr_array_extend (self->sorted, self->source, NULL, NULL);
  if (self->sorted->len > 1)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->sorted->len, self->sorted->len);
}

/* ---------------------------------------------------------------- GObject */

static void
mp_sorted_model_dispose (GObject *object)
{
  MpSortedModel *self = MP_SORTED_MODEL (object);

  stop_resort (self);
  g_clear_handle_id (&self->leave_id, g_source_remove);
  if (self->model)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->sorter)
    g_signal_handlers_disconnect_by_data (self->sorter, self);
  g_clear_object (&self->model);
  g_clear_object (&self->sorter);
  G_OBJECT_CLASS (mp_sorted_model_parent_class)->dispose (object);
}

static void
mp_sorted_model_finalize (GObject *object)
{
  MpSortedModel *self = MP_SORTED_MODEL (object);

  g_ptr_array_unref (self->sorted);
  g_hash_table_unref (self->leaving);
  g_ptr_array_unref (self->source);
  G_OBJECT_CLASS (mp_sorted_model_parent_class)->finalize (object);
}

static void
mp_sorted_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MpSortedModel *self = MP_SORTED_MODEL (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_boolean (value, mp_sorted_model_get_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_sorted_model_class_init (MpSortedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_sorted_model_dispose;
  object_class->finalize = mp_sorted_model_finalize;
  object_class->get_property = mp_sorted_model_get_property;

  /**
   * MpSortedModel:pending:
   *
   * Whether a sort is under way (the list is not yet in the sorter's order)
   * or removed rows are still leaving the list.
   */
  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mp_sorted_model_init (MpSortedModel *self)
{
  self->source = g_ptr_array_new_with_free_func (g_object_unref);
  self->sorted = g_ptr_array_new ();
  self->leaving = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

/**
 * mp_sorted_model_new:
 * @model: (transfer none): the list to sort
 * @sorter: (transfer none): its order
 *
 * Returns: (transfer full): @model's items in @sorter's order, kept so.
 */
MpSortedModel *
mp_sorted_model_new (GListModel *model,
                     GtkSorter  *sorter)
{
  MpSortedModel *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (GTK_IS_SORTER (sorter), NULL);

  self = g_object_new (MP_TYPE_SORTED_MODEL, NULL);
  self->model = g_object_ref (model);
  self->sorter = g_object_ref (sorter);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->source, g_list_model_get_item (model, i));
  g_ptr_array_extend (self->sorted, self->source, NULL, NULL);
  if (!unsorted (self))
    start_resort (self);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect (sorter, "changed", G_CALLBACK (on_sorter_changed), self);
  return self;
}

/**
 * mp_sorted_model_get_pending:
 *
 * Returns: whether a sort is under way (the rows are all there, not yet in
 * order) or rows that left the model are still leaving the list.
 */
gboolean
mp_sorted_model_get_pending (MpSortedModel *self)
{
  g_return_val_if_fail (MP_IS_SORTED_MODEL (self), FALSE);

  return self->resort != NULL || g_hash_table_size (self->leaving) > 0;
}

/**
 * mp_sorted_model_set_has_row:
 * @func: (nullable): tells whether the view has a row widget for an item
 *
 * Many rows leaving go in changes of at most a few rows that have a widget;
 * without @func every row counts as having one.
 */
void
mp_sorted_model_set_has_row (MpSortedModel           *self,
                             MpSortedModelHasRowFunc  func,
                             gpointer                 user_data)
{
  g_return_if_fail (MP_IS_SORTED_MODEL (self));

  self->has_row = func;
  self->has_row_data = user_data;
}
