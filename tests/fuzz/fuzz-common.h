/* fuzz-common.h — shared set-up for the fuzz targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

/* Network or file input must never reach a g_return_if_fail() (those guard
 * programmer errors only, see STYLE.md) nor a g_critical(): abort() on them,
 * so libFuzzer saves the input (GLib's own fatal path raises SIGTRAP, which
 * libFuzzer does not treat as a crash). Other messages are dropped to keep
 * the fuzzer fast and its log readable. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_init_glib (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* A property the code promises: abort with a message so the fuzzer keeps
 * the input. Unlike g_assert() it is never compiled out. */
#define FUZZ_CHECK(cond)                                                     \
  do {                                                                       \
    if (!(cond))                                                             \
      {                                                                      \
        fprintf (stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,         \
                 __LINE__, #cond);                                           \
        abort ();                                                            \
      }                                                                      \
  } while (0)

/* A NUL-terminated copy of the input (inputs may contain NUL bytes). */
static inline char *
fuzz_strndup (const uint8_t *data, size_t size)
{
  char *s = g_malloc (size + 1);
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}
