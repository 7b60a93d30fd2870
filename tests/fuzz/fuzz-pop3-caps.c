/* fuzz-pop3-caps.c — the engine's response parsers on arbitrary bytes
 *
 * Covers the CAPA list parser (RFC 2449) and capability look-ups, response
 * codes in -ERR text ([IN-USE], [SYS/TEMP]…, RFC 2449/3206), the APOP
 * timestamp of a greeting, text sanitising for display, the one line
 * classifier, and the reader + reply assembler fed in chunks.
 *
 * Input: byte 0 picks the reader's chunk size and whether replies are
 * multi-line; the rest is the server text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include "mp-pop3-private.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

static void
check_caps (const char *body, gsize len)
{
  g_auto(GStrv) caps = mp_pop3_caps_parse (body, len);

  FUZZ_CHECK (caps != NULL);
  for (guint i = 0; caps[i] != NULL; i++)
    {
      const char *c = caps[i];
      gsize n = strlen (c);
      FUZZ_CHECK (n > 0);
      FUZZ_CHECK (!g_ascii_isspace (c[0]) && !g_ascii_isspace (c[n - 1]));
      FUZZ_CHECK (strchr (c, '\n') == NULL);
      for (gsize j = 0; j < n; j++)
        FUZZ_CHECK (!g_ascii_islower (c[j]));
      /* Each line is found by its own first word. */
      g_autofree char *first = g_strndup (c, strcspn (c, " "));
      FUZZ_CHECK (mp_pop3_caps_has ((const char * const *) caps, first));
    }
  (void) mp_pop3_caps_has ((const char * const *) caps, "PIPELINING");
  (void) mp_pop3_caps_has_sasl ((const char * const *) caps, "PLAIN");
  (void) mp_pop3_caps_has_sasl ((const char * const *) caps, "");
}

static void
check_text (const char *text)
{
  MpPop3ErrorCode code = mp_pop3_resp_code_to_error (text, MP_POP3_ERROR_SERVER);
  FUZZ_CHECK (code >= MP_POP3_ERROR_CONNECT && code <= MP_POP3_ERROR_UNSUPPORTED);

  g_autofree char *stamp = mp_pop3_greeting_apop_timestamp (text);
  if (stamp != NULL)
    {
      gsize n = strlen (stamp);
      FUZZ_CHECK (n >= 3 && stamp[0] == '<' && stamp[n - 1] == '>');
      FUZZ_CHECK (strchr (stamp, '@') != NULL);
      FUZZ_CHECK (strstr (text, stamp) != NULL);
      /* what APOP would hash: must not crash on any timestamp */
      g_autofree char *digest = mp_pop3_apop_digest (stamp, "secret");
      FUZZ_CHECK (digest != NULL && strlen (digest) == 32);
    }

  g_autofree char *safe = mp_pop3_sanitize_text (text);
  FUZZ_CHECK (safe != NULL);
  FUZZ_CHECK (g_utf8_validate (safe, -1, NULL));
  FUZZ_CHECK (g_utf8_strlen (safe, -1) <= 200);
  for (const char *p = safe; *p != '\0'; p = g_utf8_next_char (p))
    FUZZ_CHECK (!g_unichar_iscntrl (g_utf8_get_char (p)));

  g_free (mp_pop3_trace_redact_received (text, FALSE));
  g_free (mp_pop3_trace_redact_received (text, TRUE));
}

static void
check_classify (const char *line, gsize len)
{
  for (int in_body = 0; in_body < 2; in_body++)
    {
      const char *payload = NULL;
      gsize payload_len = 0;
      MpPop3LineKind kind = mp_pop3_classify_line (line, len, in_body,
                                                   &payload, &payload_len);
      if (kind != MP_POP3_LINE_INVALID)
        {
          FUZZ_CHECK (payload >= line && payload + payload_len <= line + len);
        }
      if (in_body)
        FUZZ_CHECK (kind == MP_POP3_LINE_BODY || kind == MP_POP3_LINE_END);
    }
}

static void
check_reader (const uint8_t *data, size_t size, gsize chunk, gboolean multiline)
{
  MpPop3Reader reader;
  MpPop3Reply reply = { 0 };
  gsize off = 0;
  gboolean failed = FALSE;
  const gsize max_line = 256;

  mp_pop3_reader_init (&reader);
  while (off < size && !failed)
    {
      gsize n = MIN (chunk, size - off);
      /* alternate both ways of getting bytes in */
      if ((off / chunk) % 2 == 0)
        mp_pop3_reader_feed (&reader, data + off, n);
      else
        {
          guint8 *dst = mp_pop3_reader_reserve (&reader, n + 7);
          memcpy (dst, data + off, n);
          mp_pop3_reader_commit (&reader, n + 7, n);
        }
      off += n;

      for (;;)
        {
          g_autoptr(GError) error = NULL;
          const char *line;
          gsize len;

          if (!mp_pop3_reader_next_line (&reader, max_line, &line, &len, &error))
            {
              failed = error != NULL;
              break;
            }
          FUZZ_CHECK (len <= max_line);
          FUZZ_CHECK (memchr (line, '\n', len) == NULL);
          check_classify (line, len);

          if (mp_pop3_reply_add_line (&reply, line, len, multiline,
                                      4096, 64, &error))
            {
              FUZZ_CHECK (reply.kind == MP_POP3_LINE_OK ||
                          reply.kind == MP_POP3_LINE_ERR ||
                          reply.kind == MP_POP3_LINE_CONTINUE);
              FUZZ_CHECK (reply.text != NULL);
              if (reply.body != NULL)
                FUZZ_CHECK (reply.body->len <= 4096);
              mp_pop3_reply_clear (&reply);
              memset (&reply, 0, sizeof reply);
            }
          else if (error != NULL)
            {
              mp_pop3_reply_clear (&reply);
              memset (&reply, 0, sizeof reply);
            }
        }
      FUZZ_CHECK (mp_pop3_reader_buffered (&reader) <= size);
    }
  mp_pop3_reply_clear (&reply);
  mp_pop3_reader_clear (&reader);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const gsize chunks[] = { 1, 2, 3, 5, 16, 64, 512, 65536 };

  if (size < 1)
    return 0;
  guint8 config = data[0];
  data++;
  size--;

  check_caps ((const char *) data, size);

  g_autofree char *text = fuzz_strndup (data, size);
  check_text (text);

  check_reader (data, size, chunks[config & 0x7], (config & 0x8) != 0);
  return 0;
}
