/* fuzz-pop3-session.c — the POP3 engine against an arbitrary server
 *
 * Input: one configuration byte, then everything "the server" sends. The
 * engine runs a whole session over the in-memory transport: greeting, CAPA,
 * login, STAT, scan (UIDL + LIST), TOP (pipelined batch and single), RETR,
 * DELE, RSET, NOOP, QUIT. A -ERR leaves the session usable, so the sequence
 * continues as long as the session is connected.
 *
 * Configuration byte (keeps seeds readable when it is a letter):
 *   bits 0-2  auth method (auto, user, apop, plain, login, cram, xoauth2, oauthbearer)
 *   bit  3    pipelining off (else auto)
 *   bits 4-6  read chunk size: 0 (all at once), 1, 2, 3, 7, 16, 64, 512 bytes
 *   bit  7    transport claims to be encrypted
 *
 * Checked beyond "no crash, no leak, no UB": every command the client sends
 * ends in CRLF and contains no other CR, LF or NUL (no command injection from
 * server data), and all results are consistent with the calls' contracts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include "mp-pop3-session.h"
#include "mp-memory-transport.h"

#define MAX_TOP 64

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

static void
count_body (guint number, GBytes *body, gpointer user_data)
{
  guint *calls = user_data;
  (*calls)++;
  if (body != NULL)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (body, &len);
      /* touch every byte so ASan checks the whole buffer */
      guint8 acc = 0;
      for (gsize i = 0; i < len; i++)
        acc ^= p[i];
      (void) acc;
    }
}

static void
check_written (GByteArray *written)
{
  const guint8 *p = written->data;
  gsize len = written->len;

  for (gsize i = 0; i < len; i++)
    {
      FUZZ_CHECK (p[i] != '\0');
      if (p[i] == '\r')
        FUZZ_CHECK (i + 1 < len && p[i + 1] == '\n');
      if (p[i] == '\n')
        FUZZ_CHECK (i > 0 && p[i - 1] == '\r');
    }
  FUZZ_CHECK (len == 0 || p[len - 1] == '\n');
}

static void
free_bytes (GBytes *b)
{
  if (b != NULL)
    g_bytes_unref (b);
}

static void
run_session (MpPop3Session *session)
{
  g_autoptr(GError) error = NULL;

  if (!mp_pop3_session_connect_sync (session, NULL, &error))
    {
      FUZZ_CHECK (error != NULL);
      return;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (mp_pop3_session_get_greeting (session) != NULL);
  const char * const *caps = mp_pop3_session_get_capabilities (session);
  for (gsize i = 0; caps != NULL && caps[i] != NULL; i++)
    FUZZ_CHECK (strchr (caps[i], '\n') == NULL);
  (void) mp_pop3_session_has_capability (session, "TOP");
  (void) mp_pop3_session_is_pipelining (session);

  guint count = 0;
  guint64 total = 0;
  if (!mp_pop3_session_stat_sync (session, &count, &total, NULL, &error))
    g_clear_error (&error);

  g_autoptr(MpPop3Listing) entries = NULL;
  if (mp_pop3_session_is_connected (session))
    entries = mp_pop3_session_scan_sync (session, NULL, &error);
  g_clear_error (&error);

  guint numbers[MAX_TOP];
  gsize n_numbers = 0;
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      MpPop3Entry *e = &entries->entries[i];
      FUZZ_CHECK (e != NULL && e->number > 0);
      if (e->uidl != NULL)
        FUZZ_CHECK (strlen (e->uidl) > 0);
      if (n_numbers < MAX_TOP)
        numbers[n_numbers++] = e->number;
    }
  if (n_numbers == 0)
    numbers[n_numbers++] = 1;

  if (mp_pop3_session_is_connected (session))
    {
      guint calls = 0;
      if (mp_pop3_session_top_many_sync (session, numbers, n_numbers, 0,
                                         count_body, &calls, NULL, &error))
        FUZZ_CHECK (calls == n_numbers);
      g_clear_error (&error);
    }

  if (mp_pop3_session_is_connected (session))
    free_bytes (mp_pop3_session_top_sync (session, numbers[0], 20, NULL, &error));
  g_clear_error (&error);

  if (mp_pop3_session_is_connected (session))
    {
      guint64 size;
      g_free (mp_pop3_session_uidl_one_sync (session, numbers[0], NULL, &error));
      g_clear_error (&error);
      if (mp_pop3_session_is_connected (session))
        (void) mp_pop3_session_list_one_sync (session, numbers[0], &size, NULL, &error);
      g_clear_error (&error);
    }

  if (mp_pop3_session_is_connected (session))
    free_bytes (mp_pop3_session_retr_sync (session, numbers[0], NULL, &error));
  g_clear_error (&error);

  if (mp_pop3_session_is_connected (session))
    (void) mp_pop3_session_dele_sync (session, numbers[0], NULL, &error);
  g_clear_error (&error);

  if (mp_pop3_session_is_connected (session) && n_numbers > 1)
    (void) mp_pop3_session_dele_many_sync (session, numbers + 1, n_numbers - 1,
                                           NULL, &error);
  g_clear_error (&error);

  if (mp_pop3_session_is_connected (session))
    (void) mp_pop3_session_rset_sync (session, NULL, &error);
  g_clear_error (&error);

  if (mp_pop3_session_is_connected (session))
    (void) mp_pop3_session_noop_sync (session, NULL, &error);
  g_clear_error (&error);

  if (mp_pop3_session_is_connected (session))
    {
      if (!mp_pop3_session_quit_sync (session, NULL, &error))
        FUZZ_CHECK (error != NULL);
      FUZZ_CHECK (!mp_pop3_session_is_connected (session));
    }
  g_clear_error (&error);

  /* Every call on a closed session fails cleanly. */
  FUZZ_CHECK (!mp_pop3_session_noop_sync (session, NULL, &error));
  FUZZ_CHECK (error != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const gsize chunks[] = { 0, 1, 2, 3, 7, 16, 64, 512 };

  if (size < 1)
    return 0;

  guint8 config = data[0];
  g_autoptr(MpPop3Options) options = mp_pop3_options_new ();
  options->host = g_strdup ("fuzz.invalid");
  options->security = MP_POP3_SECURITY_NONE;
  options->allow_plaintext_password = TRUE;
  options->username = g_strdup ("user");
  mp_pop3_options_set_password (options, "secret");
  options->auth = (MpPop3AuthMethod) (config & 0x7);
  options->pipeline = (config & 0x8) ? 0 : -1;
  options->timeout_ms = 1000;

  MpPop3Transport *transport =
    mp_pop3_memory_transport_new (data + 1, size - 1, chunks[(config >> 4) & 0x7]);
  mp_pop3_memory_transport_set_encrypted (transport, (config & 0x80) != 0);
  /* The session frees its transport when it closes (any error, QUIT), so
   * keep our own reference to what the client wrote. */
  g_autoptr(GByteArray) written = mp_pop3_memory_transport_ref_written (transport);

  MpPop3Session *session = mp_pop3_session_new_for_transport (options, transport);
  run_session (session);
  g_object_unref (session);

  check_written (written);
  return 0;
}
