/* mp-cli-state.c — the seen-UIDL state file of `mailpeek-cli check`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-cli-state.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#define STATE_MAGIC "# mailpeek-cli state 1"
#define ACCOUNT_PREFIX "# account "

GHashTable *
mp_cli_state_load (const char  *path,
                   const char  *account,
                   gboolean    *existed,
                   GError     **error)
{
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  *existed = FALSE;
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&set);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot read the state file: "));
      return NULL;
    }
  *existed = TRUE;

  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL || strcmp (lines[0], STATE_MAGIC) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a mailpeek-cli state file"), path);
      return NULL;
    }
  /* Line 2 names the account; every later line is a UIDL (which may start with '#'). */
  if (lines[1] == NULL || !g_str_has_prefix (lines[1], ACCOUNT_PREFIX))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a mailpeek-cli state file"), path);
      return NULL;
    }
  if (strcmp (lines[1] + strlen (ACCOUNT_PREFIX), account) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The state file “%s” belongs to %s, not to %s"),
                   path, lines[1] + strlen (ACCOUNT_PREFIX), account);
      return NULL;
    }
  for (guint i = 2; lines[i] != NULL; i++)
    {
      if (*lines[i] != '\0')
        g_hash_table_add (set, g_strdup (lines[i]));
    }
  return g_steal_pointer (&set);
}

gboolean
mp_cli_state_save (const char  *path,
                   const char  *account,
                   GPtrArray   *uidls,
                   GError     **error)
{
  g_autoptr(GString) out = g_string_new (STATE_MAGIC "\n");

  g_string_append_printf (out, ACCOUNT_PREFIX "%s\n", account);
  for (guint i = 0; i < uidls->len; i++)
    {
      const char *uidl = g_ptr_array_index (uidls, i);

      /* A UIDL with a line break would corrupt the file; the engine should never
       * hand us one, but the file format must not depend on that. */
      if (uidl == NULL || strpbrk (uidl, "\r\n") != NULL)
        continue;
      g_string_append_printf (out, "%s\n", uidl);
    }
  {
    g_autofree char *dir = g_path_get_dirname (path);

    if (g_mkdir_with_parents (dir, 0700) != 0)
      {
        int saved_errno = errno;
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Cannot create the folder of the state file “%s”: %s"),
                     path, g_strerror (saved_errno));
        return FALSE;
      }
  }
  /* CONSISTENT|DURABLE = write a temp file, fsync, rename over the old one. */
  if (!g_file_set_contents_full (path, out->str, (gssize) out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT
                                 | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    {
      g_prefix_error (error, _("Cannot write the state file: "));
      return FALSE;
    }
  return TRUE;
}
