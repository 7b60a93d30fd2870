/* fake-clock.c — a manual MpClock for the scheduler's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fake-clock.h"

typedef struct {
  guint       id;
  gint64      due;
  GSourceFunc func;
  gpointer    data;
} FakeTimeout;

typedef struct {
  MpClock  parent;   /* must be first */
  gint64   now;
  guint    next_id;
  GList   *pending;  /* owned FakeTimeout*, sorted by (due, id) */
} FakeClock;

static gint64
fake_now (MpClock *clock)
{
  return ((FakeClock *) clock)->now;
}

static gint
compare_timeouts (gconstpointer a,
                  gconstpointer b)
{
  const FakeTimeout *ta = a, *tb = b;

  if (ta->due != tb->due)
    return ta->due < tb->due ? -1 : 1;
  return ta->id < tb->id ? -1 : (ta->id > tb->id);
}

static guint
fake_add (MpClock     *clock,
          gint64       delay_us,
          GSourceFunc  func,
          gpointer     data)
{
  FakeClock *fake = (FakeClock *) clock;
  FakeTimeout *t = g_new0 (FakeTimeout, 1);

  t->id = ++fake->next_id;
  t->due = fake->now + MAX (delay_us, 0);
  t->func = func;
  t->data = data;
  fake->pending = g_list_insert_sorted (fake->pending, t, compare_timeouts);
  return t->id;
}

static void
fake_remove (MpClock *clock,
             guint    id)
{
  FakeClock *fake = (FakeClock *) clock;

  for (GList *l = fake->pending; l != NULL; l = l->next)
    {
      FakeTimeout *t = l->data;
      if (t->id == id)
        {
          fake->pending = g_list_delete_link (fake->pending, l);
          g_free (t);
          return;
        }
    }
}

MpClock *
mp_fake_clock_new (gint64 start_us)
{
  FakeClock *fake = g_new0 (FakeClock, 1);

  fake->parent.now = fake_now;
  fake->parent.add_timeout = fake_add;
  fake->parent.remove_timeout = fake_remove;
  fake->now = start_us;
  return &fake->parent;
}

void
mp_fake_clock_free (MpClock *clock)
{
  FakeClock *fake = (FakeClock *) clock;

  if (fake == NULL)
    return;
  g_list_free_full (fake->pending, g_free);
  g_free (fake);
}

void
mp_fake_clock_advance (MpClock *clock,
                       gint64   delta_us)
{
  FakeClock *fake = (FakeClock *) clock;
  gint64 target;

  g_return_if_fail (clock != NULL && clock->now == fake_now);
  g_return_if_fail (delta_us >= 0);

  target = fake->now + delta_us;
  /* One at a time: a callback may add or remove timeouts (even due ones). */
  while (fake->pending != NULL && ((FakeTimeout *) fake->pending->data)->due <= target)
    {
      FakeTimeout *t = fake->pending->data;

      fake->pending = g_list_delete_link (fake->pending, fake->pending);
      fake->now = t->due;
      t->func (t->data);
      g_free (t);
    }
  fake->now = target;
}

guint
mp_fake_clock_get_n_pending (MpClock *clock)
{
  return g_list_length (((FakeClock *) clock)->pending);
}

gint64
mp_fake_clock_get_next_due (MpClock *clock)
{
  FakeClock *fake = (FakeClock *) clock;

  return fake->pending ? ((FakeTimeout *) fake->pending->data)->due : -1;
}
