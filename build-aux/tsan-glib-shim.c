/* tsan-glib-shim.c — tells ThreadSanitizer about GLib's synchronisation
 *
 * Debian's GLib is not built with -fsanitize=thread, and on Linux GMutex,
 * GCond, GAsyncQueue, GThreadPool and the GMainContext queues use futexes and
 * atomics TSan cannot see: every hand-off from a worker to the main context
 * (or through a thread pool) is reported as a data race — even a program that
 * only does g_thread_pool_push() + g_main_context_invoke() "races".
 *
 * build-aux/sanitizers.sh links this object into the test executables of the
 * TSan build (c_link_args). Symbols in the executable take precedence over
 * libglib's for every caller that goes through the PLT (our code, GIO,
 * GObject, GMime), so each wrapper below calls the real function (dlsym
 * RTLD_NEXT) and adds the happens-before edge with __tsan_acquire/release —
 * it never changes behaviour:
 *   - locks: release before unlock/wait, acquire after lock/wait;
 *   - queues and pools: release on push, acquire on pop / in a trampoline
 *     around the worker function;
 *   - main-context callbacks (invoke, idle, timeout, GTask's idle source):
 *     release when queued, acquire in a trampoline before the callback;
 *   - reference counts (GObject, GBytes, arrays, grefcount…): every unref
 *     releases and acquires on the object, so the thread that drops the last
 *     reference and finalizes sees all earlier users' writes.
 * Calls GLib makes to itself (not through the PLT) stay invisible; the
 * hand-offs above are annotated at the public entry points instead.
 * Hand-offs through pools and main contexts share one sync token, which may
 * hide a real race between two callbacks of unrelated hand-offs; races inside
 * our own code between threads remain visible.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <glib-object.h>
#include <stdio.h>
#include <stdlib.h>

/* Weak: the object is harmless (a pass-through) in a program without TSan,
 * e.g. meson's own link checks. */
extern void __tsan_acquire (void *addr) __attribute__ ((weak));
extern void __tsan_release (void *addr) __attribute__ ((weak));

static char handoff_token;

static inline void
acquire (const void *addr)
{
  if (__tsan_acquire != NULL && addr != NULL)
    __tsan_acquire ((void *) addr);
}

static inline void
release (const void *addr)
{
  if (__tsan_release != NULL && addr != NULL)
    __tsan_release ((void *) addr);
}

static void *
real (const char *name)
{
  void *sym = dlsym (RTLD_NEXT, name);
  if (sym == NULL)
    {
      fprintf (stderr, "tsan-glib-shim: %s not found\n", name);
      abort ();
    }
  return sym;
}

#define REAL(ret, name, params)                                              \
  static ret (*real_##name) params;                                          \
  if (real_##name == NULL)                                                   \
    real_##name = (ret (*) params) real (#name)

/* ---- locks ---- */

void
g_mutex_lock (GMutex *m)
{
  REAL (void, g_mutex_lock, (GMutex *));
  real_g_mutex_lock (m);
  acquire (m);
}

gboolean
g_mutex_trylock (GMutex *m)
{
  REAL (gboolean, g_mutex_trylock, (GMutex *));
  gboolean ok = real_g_mutex_trylock (m);
  if (ok)
    acquire (m);
  return ok;
}

void
g_mutex_unlock (GMutex *m)
{
  REAL (void, g_mutex_unlock, (GMutex *));
  release (m);
  real_g_mutex_unlock (m);
}

void
g_rec_mutex_lock (GRecMutex *m)
{
  REAL (void, g_rec_mutex_lock, (GRecMutex *));
  real_g_rec_mutex_lock (m);
  acquire (m);
}

gboolean
g_rec_mutex_trylock (GRecMutex *m)
{
  REAL (gboolean, g_rec_mutex_trylock, (GRecMutex *));
  gboolean ok = real_g_rec_mutex_trylock (m);
  if (ok)
    acquire (m);
  return ok;
}

void
g_rec_mutex_unlock (GRecMutex *m)
{
  REAL (void, g_rec_mutex_unlock, (GRecMutex *));
  release (m);
  real_g_rec_mutex_unlock (m);
}

#define RW_LOCK(kind)                                                        \
  void g_rw_lock_##kind##_lock (GRWLock *l)                                  \
  {                                                                          \
    REAL (void, g_rw_lock_##kind##_lock, (GRWLock *));                       \
    real_g_rw_lock_##kind##_lock (l);                                        \
    acquire (l);                                                             \
  }                                                                          \
  gboolean g_rw_lock_##kind##_trylock (GRWLock *l)                           \
  {                                                                          \
    REAL (gboolean, g_rw_lock_##kind##_trylock, (GRWLock *));                \
    gboolean ok = real_g_rw_lock_##kind##_trylock (l);                       \
    if (ok)                                                                  \
      acquire (l);                                                           \
    return ok;                                                               \
  }                                                                          \
  void g_rw_lock_##kind##_unlock (GRWLock *l)                                \
  {                                                                          \
    REAL (void, g_rw_lock_##kind##_unlock, (GRWLock *));                     \
    release (l);                                                             \
    real_g_rw_lock_##kind##_unlock (l);                                      \
  }
RW_LOCK (writer)
RW_LOCK (reader)

void
g_cond_wait (GCond *c, GMutex *m)
{
  REAL (void, g_cond_wait, (GCond *, GMutex *));
  release (m);
  real_g_cond_wait (c, m);
  acquire (m);
}

gboolean
g_cond_wait_until (GCond *c, GMutex *m, gint64 end_time)
{
  REAL (gboolean, g_cond_wait_until, (GCond *, GMutex *, gint64));
  release (m);
  gboolean ok = real_g_cond_wait_until (c, m, end_time);
  acquire (m);
  return ok;
}

gboolean
(g_once_init_enter) (volatile void *location)
{
  REAL (gboolean, g_once_init_enter, (volatile void *));
  gboolean first = real_g_once_init_enter (location);
  acquire ((const void *) location);
  return first;
}

void
(g_once_init_leave) (volatile void *location, gsize result)
{
  REAL (void, g_once_init_leave, (volatile void *, gsize));
  release ((const void *) location);
  real_g_once_init_leave (location, result);
}

/* ---- queues and thread pools ---- */

#define QUEUE_PUSH(name, params, args)                                       \
  void name params                                                           \
  {                                                                          \
    REAL (void, name, params);                                               \
    release (queue);                                                         \
    real_##name args;                                                        \
  }
QUEUE_PUSH (g_async_queue_push, (GAsyncQueue *queue, gpointer data), (queue, data))
QUEUE_PUSH (g_async_queue_push_unlocked, (GAsyncQueue *queue, gpointer data), (queue, data))
QUEUE_PUSH (g_async_queue_push_front, (GAsyncQueue *queue, gpointer data), (queue, data))
QUEUE_PUSH (g_async_queue_push_front_unlocked, (GAsyncQueue *queue, gpointer data), (queue, data))
QUEUE_PUSH (g_async_queue_push_sorted,
            (GAsyncQueue *queue, gpointer data, GCompareDataFunc f, gpointer u),
            (queue, data, f, u))
QUEUE_PUSH (g_async_queue_push_sorted_unlocked,
            (GAsyncQueue *queue, gpointer data, GCompareDataFunc f, gpointer u),
            (queue, data, f, u))

#define QUEUE_POP(name, params, args)                                        \
  gpointer name params                                                       \
  {                                                                          \
    REAL (gpointer, name, params);                                           \
    gpointer item = real_##name args;                                        \
    if (item != NULL)                                                        \
      acquire (queue);                                                       \
    return item;                                                             \
  }
QUEUE_POP (g_async_queue_pop, (GAsyncQueue *queue), (queue))
QUEUE_POP (g_async_queue_pop_unlocked, (GAsyncQueue *queue), (queue))
QUEUE_POP (g_async_queue_try_pop, (GAsyncQueue *queue), (queue))
QUEUE_POP (g_async_queue_try_pop_unlocked, (GAsyncQueue *queue), (queue))
QUEUE_POP (g_async_queue_timeout_pop, (GAsyncQueue *queue, guint64 t), (queue, t))
QUEUE_POP (g_async_queue_timeout_pop_unlocked, (GAsyncQueue *queue, guint64 t), (queue, t))

typedef struct {
  GFunc    func;
  gpointer user_data;
} PoolTrampoline;  /* one per pool, lives as long as the process */

static void
pool_trampoline (gpointer data, gpointer user_data)
{
  PoolTrampoline *t = user_data;
  acquire (&handoff_token);
  t->func (data, t->user_data);
}

GThreadPool *
g_thread_pool_new_full (GFunc func, gpointer user_data, GDestroyNotify item_free,
                        gint max_threads, gboolean exclusive, GError **error)
{
  REAL (GThreadPool *, g_thread_pool_new_full,
        (GFunc, gpointer, GDestroyNotify, gint, gboolean, GError **));
  PoolTrampoline *t = malloc (sizeof *t);
  t->func = func;
  t->user_data = user_data;
  return real_g_thread_pool_new_full (pool_trampoline, t, item_free,
                                      max_threads, exclusive, error);
}

GThreadPool *
g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads,
                   gboolean exclusive, GError **error)
{
  return g_thread_pool_new_full (func, user_data, NULL, max_threads, exclusive, error);
}

gboolean
g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error)
{
  REAL (gboolean, g_thread_pool_push, (GThreadPool *, gpointer, GError **));
  release (&handoff_token);
  return real_g_thread_pool_push (pool, data, error);
}

/* ---- main-context callbacks ---- */

typedef struct {
  GSourceFunc     func;
  GSourceOnceFunc once_func;
  gpointer        data;
  GDestroyNotify  notify;
} SourceTrampoline;

static SourceTrampoline *
trampoline_new (GSourceFunc func, GSourceOnceFunc once_func, gpointer data,
                GDestroyNotify notify)
{
  SourceTrampoline *t = malloc (sizeof *t);
  t->func = func;
  t->once_func = once_func;
  t->data = data;
  t->notify = notify;
  release (&handoff_token);
  return t;
}

static gboolean
source_trampoline (gpointer user_data)
{
  SourceTrampoline *t = user_data;
  gboolean again;

  acquire (&handoff_token);
  if (t->once_func != NULL)
    {
      t->once_func (t->data);
      again = G_SOURCE_REMOVE;
    }
  else
    again = t->func (t->data);
  return again;
}

static void
trampoline_free (gpointer user_data)
{
  SourceTrampoline *t = user_data;
  acquire (&handoff_token);
  if (t->notify != NULL)
    t->notify (t->data);
  free (t);
}

void
g_main_context_invoke_full (GMainContext *context, gint priority,
                            GSourceFunc function, gpointer data, GDestroyNotify notify)
{
  REAL (void, g_main_context_invoke_full,
        (GMainContext *, gint, GSourceFunc, gpointer, GDestroyNotify));
  real_g_main_context_invoke_full (context, priority, source_trampoline,
                                   trampoline_new (function, NULL, data, notify),
                                   trampoline_free);
}

void
g_main_context_invoke (GMainContext *context, GSourceFunc function, gpointer data)
{
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, function, data, NULL);
}

guint
g_idle_add_full (gint priority, GSourceFunc function, gpointer data, GDestroyNotify notify)
{
  REAL (guint, g_idle_add_full, (gint, GSourceFunc, gpointer, GDestroyNotify));
  return real_g_idle_add_full (priority, source_trampoline,
                               trampoline_new (function, NULL, data, notify),
                               trampoline_free);
}

guint
g_idle_add (GSourceFunc function, gpointer data)
{
  return g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, function, data, NULL);
}

guint
g_idle_add_once (GSourceOnceFunc function, gpointer data)
{
  REAL (guint, g_idle_add_full, (gint, GSourceFunc, gpointer, GDestroyNotify));
  return real_g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, source_trampoline,
                               trampoline_new (NULL, function, data, NULL),
                               trampoline_free);
}

guint
g_timeout_add_full (gint priority, guint interval, GSourceFunc function,
                    gpointer data, GDestroyNotify notify)
{
  REAL (guint, g_timeout_add_full, (gint, guint, GSourceFunc, gpointer, GDestroyNotify));
  return real_g_timeout_add_full (priority, interval, source_trampoline,
                                  trampoline_new (function, NULL, data, notify),
                                  trampoline_free);
}

guint
g_timeout_add (guint interval, GSourceFunc function, gpointer data)
{
  return g_timeout_add_full (G_PRIORITY_DEFAULT, interval, function, data, NULL);
}

guint
g_timeout_add_once (guint interval, GSourceOnceFunc function, gpointer data)
{
  REAL (guint, g_timeout_add_full, (gint, guint, GSourceFunc, gpointer, GDestroyNotify));
  return real_g_timeout_add_full (G_PRIORITY_DEFAULT, interval, source_trampoline,
                                  trampoline_new (NULL, function, data, NULL),
                                  trampoline_free);
}

guint
g_timeout_add_seconds_full (gint priority, guint interval, GSourceFunc function,
                            gpointer data, GDestroyNotify notify)
{
  REAL (guint, g_timeout_add_seconds_full,
        (gint, guint, GSourceFunc, gpointer, GDestroyNotify));
  return real_g_timeout_add_seconds_full (priority, interval, source_trampoline,
                                          trampoline_new (function, NULL, data, notify),
                                          trampoline_free);
}

guint
g_timeout_add_seconds (guint interval, GSourceFunc function, gpointer data)
{
  return g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, interval, function, data, NULL);
}

/* Only idle and timeout sources call their callback as a plain GSourceFunc;
 * others (sockets, fds, cancellables, child watches) pass more arguments,
 * so they only get the release. This covers GTask, which returns results to
 * another context through an idle source. */
void
g_source_set_callback (GSource *source, GSourceFunc func, gpointer data,
                       GDestroyNotify notify)
{
  REAL (void, g_source_set_callback, (GSource *, GSourceFunc, gpointer, GDestroyNotify));
  /* looked up, not linked: meson links its compiler checks with this object */
  static GSourceFuncs *idle_funcs, *timeout_funcs;
  if (idle_funcs == NULL)
    {
      idle_funcs = dlsym (RTLD_DEFAULT, "g_idle_funcs");
      timeout_funcs = dlsym (RTLD_DEFAULT, "g_timeout_funcs");
    }
  if (source->source_funcs == idle_funcs || source->source_funcs == timeout_funcs)
    real_g_source_set_callback (source, source_trampoline,
                                trampoline_new (func, NULL, data, notify),
                                trampoline_free);
  else
    {
      release (&handoff_token);
      real_g_source_set_callback (source, func, data, notify);
    }
}

/* ---- reference counts ---- */

#define UNREF(ret, name, type)                                               \
  ret name (type obj)                                                        \
  {                                                                          \
    REAL (ret, name, (type));                                                \
    release (obj);                                                           \
    acquire (obj);                                                           \
    return real_##name (obj);                                                \
  }
UNREF (void, g_object_unref, gpointer)
UNREF (void, g_bytes_unref, GBytes *)
UNREF (void, g_ptr_array_unref, GPtrArray *)
UNREF (void, g_array_unref, GArray *)
UNREF (void, g_byte_array_unref, GByteArray *)
UNREF (void, g_hash_table_unref, GHashTable *)
UNREF (void, g_main_context_unref, GMainContext *)
UNREF (void, g_main_loop_unref, GMainLoop *)
UNREF (void, g_source_unref, GSource *)
UNREF (void, g_async_queue_unref, GAsyncQueue *)
UNREF (void, g_variant_unref, GVariant *)
UNREF (gboolean, g_atomic_ref_count_dec, gatomicrefcount *)
UNREF (void, g_atomic_rc_box_release, gpointer)

void
g_atomic_rc_box_release_full (gpointer mem_block, GDestroyNotify clear_func)
{
  REAL (void, g_atomic_rc_box_release_full, (gpointer, GDestroyNotify));
  release (mem_block);
  acquire (mem_block);
  real_g_atomic_rc_box_release_full (mem_block, clear_func);
}
