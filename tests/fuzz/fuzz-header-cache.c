/* fuzz-header-cache.c — MpHeaderCache loading an arbitrary cache file
 *
 * Input: one mode byte, then the file.  Mode bit 0 set: the target appends the
 * file's right CRC-32 (zlib's), so the fuzzer reaches the reader's checks behind
 * the checksum; clear: the bytes are the file as they are (torn, damaged).
 *
 * Checked beyond "no crash, no leak, no UB": a load never fails (a bad file is
 * dropped, not an error); a dropped file is gone and yields no rows and no as-of;
 * a kept file yields rows whose strings are valid UTF-8 and, saved again, gives
 * back the very same bytes — what loads is exactly what the file says, nothing
 * more, nothing less (never a wrong row).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include <glib/gstdio.h>
#include <zlib.h>

#include "mp-header-cache.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define ACCOUNT "fuzz@example.org"

static MpHeaderCache *cache;
static char *path;

static void
remove_dir (void)
{
  g_unlink (path);
  g_rmdir (mp_header_cache_get_dir (cache));
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *dir = g_dir_make_tmp ("fuzz-header-cache-XXXXXX", NULL);

  fuzz_init_glib ();
  FUZZ_CHECK (dir != NULL);
  cache = mp_header_cache_new (dir);
  path = mp_header_cache_dup_path (cache, ACCOUNT);
  atexit (remove_dir);
  return 0;
}

static void
write_input (const uint8_t *data, size_t size)
{
  FILE *f = fopen (path, "wb");
  guint8 crc[4];

  FUZZ_CHECK (f != NULL);
  FUZZ_CHECK (fwrite (data + 1, 1, size - 1, f) == size - 1);
  if (data[0] & 1)
    {
      uLong c = crc32 (0, data + 1, size - 1);

      for (int i = 0; i < 4; i++)
        crc[i] = c >> (8 * i);
      FUZZ_CHECK (fwrite (crc, 1, 4, f) == 4);
    }
  FUZZ_CHECK (fclose (f) == 0);
}

static void
check_row (MpMessageSummary *row)
{
  const char *strings[] = {
    mp_message_summary_get_uidl (row), mp_message_summary_get_from_name (row),
    mp_message_summary_get_from_address (row), mp_message_summary_get_to (row),
    mp_message_summary_get_subject (row), mp_message_summary_get_message_id (row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    FUZZ_CHECK (strings[i] != NULL && g_utf8_validate (strings[i], -1, NULL));
  FUZZ_CHECK (!mp_message_summary_get_is_new (row));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GDateTime) as_of = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *again = NULL;
  gsize kept_len, again_len;

  if (size == 0)
    return 0;
  write_input (data, size);
  rows = mp_header_cache_load_sync (cache, ACCOUNT, &as_of, NULL, &error);
  FUZZ_CHECK (rows != NULL && error == NULL);
  if (as_of == NULL)
    {
      FUZZ_CHECK (rows->len == 0);
      FUZZ_CHECK (!g_file_test (path, G_FILE_TEST_EXISTS));
      return 0;
    }

  for (guint i = 0; i < rows->len; i++)
    check_row (g_ptr_array_index (rows, i));
  FUZZ_CHECK (g_file_get_contents (path, &kept, &kept_len, NULL));
  FUZZ_CHECK (g_unlink (path) == 0);
  FUZZ_CHECK (mp_header_cache_save_sync (cache, ACCOUNT, rows, as_of, NULL, &error));
  FUZZ_CHECK (g_file_get_contents (path, &again, &again_len, NULL));
  FUZZ_CHECK (kept_len == again_len && memcmp (kept, again, kept_len) == 0);
  g_unlink (path);
  return 0;
}
