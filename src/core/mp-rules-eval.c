/* mp-rules-eval.c — evaluating rules: does a rule's condition hold for a
 * message, and why (the reason a person reads); the allow-list; the first
 * active rule of a set that matches.  Reads the set, never changes it, so one
 * set may be evaluated on several threads at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-rules.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>

static const char *const field_labels[] = { "From", "To", "Cc" };

static gboolean
text_op_matches (MpRuleOp    op,
                 const char *text,
                 const char *value)
{
  switch (op)
    {
    case MP_RULE_OP_IS: return strcmp (text, value) == 0;
    case MP_RULE_OP_CONTAINS: return strstr (text, value) != NULL;
    case MP_RULE_OP_ENDS_WITH: return g_str_has_suffix (text, value);
    case MP_RULE_OP_REGEX:
    default: return FALSE;
    }
}

static const char *
op_label (MpRuleOp op)
{
  switch (op)
    {
    case MP_RULE_OP_IS: return _("is");
    case MP_RULE_OP_CONTAINS: return _("contains");
    case MP_RULE_OP_ENDS_WITH: return _("ends with");
    case MP_RULE_OP_REGEX: default: return _("matches");
    }
}

static char *
address_matches (const MpRuleCondition *c,
                 MpMessageSummary      *summary)
{
  g_auto(GStrv) addresses = mp_message_summary_dup_addresses (summary, c->field);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      const char *at = strrchr (addresses[i], '@');
      const char *text = c->domain ? (at != NULL ? at + 1 : "") : addresses[i];

      for (guint v = 0; c->values[v] != NULL; v++)
        if (text_op_matches (c->op, text, c->values[v]))
          /* Translators: "From domain ends with “spam.example”" */
          return g_strdup_printf (_("%s %s %s “%s”"), field_labels[c->field],
                                  c->domain ? _("domain") : _("address"),
                                  op_label (c->op), c->values[v]);
    }
  return NULL;
}

static gboolean
value_matches (const MpRuleCondition *c,
               const char            *value)
{
  g_autofree char *folded = NULL;

  if (value == NULL)
    return FALSE;
  if (c->op == MP_RULE_OP_REGEX)
    return g_regex_match (c->regex, value, 0, NULL);
  folded = g_utf8_casefold (value, -1);
  return strstr (folded, c->values[0]) != NULL;
}

/* Every value of the field @name in the header block, unfolded and decoded. */
static GPtrArray *
block_values (const char *data,
              gsize       len,
              const char *name)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gsize name_len = strlen (name);
  gsize pos = 0;

  while (pos < len)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl ? (gsize) (nl - data) + 1 : len;

      if (data[pos] == '\r' || data[pos] == '\n')
        break;                                    /* the end of the header block */
      /* the field runs over its continuation lines */
      while (end < len && (data[end] == ' ' || data[end] == '\t'))
        {
          nl = memchr (data + end, '\n', len - end);
          end = nl ? (gsize) (nl - data) + 1 : len;
        }
      if (end - pos > name_len && data[pos + name_len] == ':'
          && g_ascii_strncasecmp (data + pos, name, name_len) == 0)
        {
          g_autofree char *raw = g_strndup (data + pos + name_len + 1, end - pos - name_len - 1);
          g_autofree char *unfolded = g_mime_utils_header_unfold (raw);
          char *decoded = g_mime_utils_header_decode_text (NULL, unfolded);

          if (!g_utf8_validate (decoded, -1, NULL))
            {
              char *valid = g_utf8_make_valid (decoded, -1);
              g_free (decoded);
              decoded = valid;
            }
          g_ptr_array_add (out, decoded);
        }
      pos = end;
    }
  return out;
}

static char *
header_reason (const MpRuleCondition *c)
{
  const char *text = strchr (c->raw, ':') + 1;

  text += strspn (text, " \t");
  /* Translators: "X-Mailer contains “BulkMailer”" */
  return g_strdup_printf (_("%s %s “%s”"), c->header, op_label (c->op), text);
}

static char *
header_matches (const MpRuleCondition *c,
                const MpRuleInput     *in)
{
  if (in->headers != NULL)
    {
      g_autoptr(GPtrArray) values = block_values (in->headers, in->headers_len, c->header);

      for (guint i = 0; i < values->len; i++)
        if (value_matches (c, g_ptr_array_index (values, i)))
          return header_reason (c);
      return NULL;
    }
  if (value_matches (c, mp_message_summary_get_header (in->summary, c->header)))
    return header_reason (c);
  return NULL;
}

/* Both SpamAssassin and Rspamd (in its SpamAssassin-compatible mode) write
 * "X-Spam-Flag: YES" and "X-Spam-Status: Yes, score=…" on spam. */
static gboolean
is_yes (const char *value)
{
  return value != NULL && g_ascii_strncasecmp (value, "yes", 3) == 0
         && (value[3] == '\0' || value[3] == ',' || value[3] == ' ' || value[3] == '\t');
}

static char *
older_than (const MpRuleCondition *c,
            const MpRuleInput     *in)
{
  GDateTime *date = mp_message_summary_get_date (in->summary);
  g_autoptr(GDateTime) now = in->now != NULL ? g_date_time_ref (in->now)
                                             : g_date_time_new_now_utc ();

  if (date == NULL || c->number > 100000)
    return NULL;
  if (g_date_time_difference (now, date) > (GTimeSpan) c->number * G_TIME_SPAN_DAY)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "older than %u day",
                                         "older than %u days", (gulong) c->number),
                            (guint) c->number);
  return NULL;
}

static char *
spam_score (const MpRuleCondition *c,
            MpMessageSummary      *summary)
{
  const char *value = mp_message_summary_get_header (summary, "X-Spam-Score");
  char *end = NULL;
  double score;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == NULL)
    return NULL;
  score = g_ascii_strtod (value, &end);
  if (end == value || score < c->score)
    return NULL;
  return g_strdup_printf (_("spam score %s ≥ %s"), value,
                          g_ascii_formatd (buf, sizeof buf, "%g", c->score));
}

/* The reason the condition holds, or NULL when it does not. */
static char *
condition_reason (const MpRuleCondition *c,
                  const MpRuleInput     *in)
{
  MpMessageSummary *s = in->summary;

  switch (c->kind)
    {
    case MP_RULE_COND_ADDRESS:
      return address_matches (c, s);
    case MP_RULE_COND_SUBJECT:
      if (value_matches (c, mp_message_summary_get_subject (s)))
        return g_strdup_printf (_("Subject %s “%s”"), op_label (c->op), c->raw);
      return NULL;
    case MP_RULE_COND_HEADER:
      return header_matches (c, in);
    case MP_RULE_COND_SIZE_OVER:
      if (mp_message_summary_get_size (s) > c->number)
        {
          g_autofree char *limit = g_format_size (c->number);
          return g_strdup_printf (_("size over %s"), limit);
        }
      return NULL;
    case MP_RULE_COND_HAS_ATTACHMENT:
      return mp_message_summary_get_has_attachments (s) ? g_strdup (_("has an attachment"))
                                                        : NULL;
    case MP_RULE_COND_OLDER_THAN:
      return older_than (c, in);
    case MP_RULE_COND_SPAM_FLAG:
      if (is_yes (mp_message_summary_get_header (s, "X-Spam-Flag")))
        return g_strdup (_("the server marked it as spam (X-Spam-Flag)"));
      if (is_yes (mp_message_summary_get_header (s, "X-Spam-Status")))
        return g_strdup (_("the server marked it as spam (X-Spam-Status)"));
      return NULL;
    case MP_RULE_COND_SPAM_SCORE:
      return spam_score (c, s);
    default:
      return NULL;
    }
}

gboolean
mp_rule_matches (const MpRule      *rule,
                 const MpRuleInput *input,
                 char             **reason)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (rule != NULL && input != NULL, FALSE);
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (input->summary), FALSE);

  for (guint i = 0; i < rule->conditions->len; i++)
    {
      char *why = condition_reason (g_ptr_array_index (rule->conditions, i), input);

      if (why == NULL && rule->match_all)
        return FALSE;
      if (why != NULL)
        {
          g_ptr_array_add (reasons, why);
          if (!rule->match_all)
            break;
        }
    }
  if (reasons->len == 0)
    return FALSE;
  if (reason != NULL)
    {
      g_ptr_array_add (reasons, NULL);
      *reason = g_strjoinv ("; ", (char **) reasons->pdata);
    }
  return TRUE;
}

gboolean
mp_rule_set_allows (const MpRuleSet  *set,
                    MpMessageSummary *summary)
{
  g_autofree char *from = g_utf8_strdown (mp_message_summary_get_from_address (summary), -1);
  const char *at = strrchr (from, '@');

  if (*from == '\0')
    return FALSE;
  if (g_strv_contains ((const char * const *) set->allow_senders, from))
    return TRUE;
  for (guint i = 0; at != NULL && set->allow_domains[i] != NULL; i++)
    {
      const char *d = set->allow_domains[i];
      gsize dl = strlen (d), hl = strlen (at + 1);

      /* the domain itself and its subdomains */
      if (strcmp (at + 1, d) == 0 || (hl > dl && g_str_has_suffix (at + 1, d)
                                      && at[1 + hl - dl - 1] == '.'))
        return TRUE;
    }
  return FALSE;
}

/* A delete rule acts only after its dry run was seen (issue 12). */
gboolean
mp_rule_is_active (const MpRule *rule)
{
  return rule->enabled && (rule->action != MP_RULE_ACTION_DELETE || rule->previewed);
}

const MpRule *
mp_rule_set_evaluate (const MpRuleSet   *set,
                      const MpRuleInput *input,
                      gboolean           dry_run,
                      char             **reason)
{
  g_return_val_if_fail (set != NULL && input != NULL, NULL);

  if (mp_rule_set_allows (set, input->summary))
    return NULL;
  for (guint i = 0; i < set->rules->len; i++)
    {
      const MpRule *rule = g_ptr_array_index (set->rules, i);

      if ((mp_rule_is_active (rule) || (dry_run && rule->enabled))
          && mp_rule_matches (rule, input, reason))
        return rule;
    }
  return NULL;
}
