/* mp-rules.c — rules and their conditions, and the rules.conf file
 * (evaluation: mp-rules-eval.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-rules.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mp-error.h"

#define GROUP_RULES "rules"
#define GROUP_ALLOW "allow"
#define RULE_PREFIX "rule "

/* ---------------------------------------------------------------- objects */

static void
condition_free (gpointer data)
{
  MpRuleCondition *c = data;

  g_strfreev (c->values);
  g_free (c->header);
  g_clear_pointer (&c->regex, g_regex_unref);
  g_free (c->key);
  g_free (c->raw);
  g_free (c);
}

MpRule *
mp_rule_new (const char   *name,
             MpRuleAction  action)
{
  MpRule *rule = g_new0 (MpRule, 1);

  rule->name = g_strdup (name != NULL ? name : "");
  rule->action = action;
  rule->match_all = TRUE;
  rule->conditions = g_ptr_array_new_with_free_func (condition_free);
  return rule;
}

void
mp_rule_free (MpRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->name);
  g_ptr_array_unref (rule->conditions);
  g_free (rule);
}

MpRuleSet *
mp_rule_set_new (void)
{
  MpRuleSet *set = g_new0 (MpRuleSet, 1);

  g_atomic_ref_count_init (&set->ref_count);
  set->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_rule_free);
  set->allow_senders = g_new0 (char *, 1);
  set->allow_domains = g_new0 (char *, 1);
  return set;
}

MpRuleSet *
mp_rule_set_ref (MpRuleSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_atomic_ref_count_inc (&set->ref_count);
  return set;
}

void
mp_rule_set_unref (MpRuleSet *set)
{
  if (set == NULL || !g_atomic_ref_count_dec (&set->ref_count))
    return;
  g_ptr_array_unref (set->rules);
  g_strfreev (set->allow_senders);
  g_strfreev (set->allow_domains);
  g_free (set);
}

MpRuleHit *
mp_rule_hit_copy (const MpRuleHit *hit)
{
  MpRuleHit *copy = g_memdup2 (hit, sizeof *hit);

  copy->uidl = g_strdup (hit->uidl);
  copy->rule = g_strdup (hit->rule);
  copy->reason = g_strdup (hit->reason);
  return copy;
}

void
mp_rule_hit_free (MpRuleHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->uidl);
  g_free (hit->rule);
  g_free (hit->reason);
  g_free (hit);
}

static const char *const action_names[] = { "no-notify", "junk", "delete" };

const char *
mp_rule_action_to_string (MpRuleAction action)
{
  g_return_val_if_fail (action <= MP_RULE_ACTION_DELETE, NULL);
  return action_names[action];
}

/* ---------------------------------------------------------------- parsing conditions */

static const char *const field_words[] = { "from", "to", "cc" };
static const char *const op_words[] = { "is", "contains", "ends-with", "regex" };

/* "a.example; b.example" → lower-cased, trimmed, empty items dropped. */
static char **
split_list (const char *value)
{
  g_auto(GStrv) items = g_strsplit (value, ";", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      if (*item != '\0')
        g_ptr_array_add (out, g_utf8_strdown (item, -1));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
parse_address_key (const char      *key,
                   MpRuleCondition *c)
{
  for (guint f = 0; f < G_N_ELEMENTS (field_words); f++)
    for (guint part = 0; part < 2; part++)
      for (guint op = MP_RULE_OP_IS; op <= MP_RULE_OP_ENDS_WITH; op++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%s-%s", field_words[f],
                                                   part ? "domain" : "address", op_words[op]);
          if (strcmp (key, name) == 0)
            {
              c->kind = MP_RULE_COND_ADDRESS;
              c->field = f;
              c->domain = part;
              c->op = op;
              return TRUE;
            }
        }
  return FALSE;
}

static gboolean
compile_regex (MpRuleCondition *c,
               const char      *pattern,
               GError         **error)
{
  g_autoptr(GError) local = NULL;

  c->regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &local);
  if (c->regex == NULL)
    {
      /* GRegex's message already names the offset in the pattern ("… at char 3"). */
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   _("Invalid regular expression: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_number (const char *value,
              guint64    *out,
              GError    **error)
{
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, out, NULL))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("“%s” is not a whole number"), value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_true (const char *value,
            GError    **error)
{
  if (g_ascii_strcasecmp (value, "true") == 0)
    return TRUE;
  g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
               _("“%s”: only “true” is allowed (remove the line instead)"), value);
  return FALSE;
}

/* "Name: text" → the name and the text after the colon (and one blank). */
static gboolean
split_header_value (MpRuleCondition *c,
                    const char      *value,
                    const char     **rest,
                    GError         **error)
{
  const char *colon = strchr (value, ':');

  if (colon == NULL || colon == value)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   _("“%s” should be “Header-Name: text”"), value);
      return FALSE;
    }
  c->header = g_strstrip (g_strndup (value, colon - value));
  *rest = colon + 1;
  while (**rest == ' ' || **rest == '\t')
    (*rest)++;
  return TRUE;
}

static gboolean
parse_condition (MpRuleCondition *c,
                 const char      *key,
                 const char      *value,
                 GError         **error)
{
  const char *text = value;
  guint64 n;

  if (parse_address_key (key, c))
    {
      c->values = split_list (value);
      if (c->values[0] == NULL)
        {
          g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("“%s” needs a value"), key);
          return FALSE;
        }
      return TRUE;
    }
  if (strcmp (key, "subject-contains") == 0 || strcmp (key, "subject-regex") == 0
      || strcmp (key, "header-contains") == 0 || strcmp (key, "header-regex") == 0)
    {
      c->kind = g_str_has_prefix (key, "subject") ? MP_RULE_COND_SUBJECT : MP_RULE_COND_HEADER;
      c->op = g_str_has_suffix (key, "regex") ? MP_RULE_OP_REGEX : MP_RULE_OP_CONTAINS;
      if (c->kind == MP_RULE_COND_HEADER && !split_header_value (c, value, &text, error))
        return FALSE;
      c->values = g_new0 (char *, 2);
      c->values[0] = c->op == MP_RULE_OP_REGEX ? g_strdup (text) : g_utf8_casefold (text, -1);
      return c->op != MP_RULE_OP_REGEX || compile_regex (c, text, error);
    }
  if (strcmp (key, "size-over") == 0 || strcmp (key, "older-than-days") == 0)
    {
      c->kind = key[0] == 's' ? MP_RULE_COND_SIZE_OVER : MP_RULE_COND_OLDER_THAN;
      if (!parse_number (value, &n, error))
        return FALSE;
      c->number = n;
      return TRUE;
    }
  if (strcmp (key, "has-attachment") == 0 || strcmp (key, "spam-flag") == 0)
    {
      c->kind = key[0] == 'h' ? MP_RULE_COND_HAS_ATTACHMENT : MP_RULE_COND_SPAM_FLAG;
      return parse_true (value, error);
    }
  if (strcmp (key, "spam-score-at-least") == 0)
    {
      char *end = NULL;

      c->kind = MP_RULE_COND_SPAM_SCORE;
      c->score = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0')
        {
          g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("“%s” is not a number"), value);
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Unknown condition “%s”"), key);
  return FALSE;
}

gboolean
mp_rule_add_condition (MpRule      *rule,
                       const char  *key,
                       const char  *value,
                       GError     **error)
{
  MpRuleCondition *c;

  g_return_val_if_fail (rule != NULL && key != NULL && value != NULL, FALSE);

  c = g_new0 (MpRuleCondition, 1);
  c->key = g_strdup (key);
  c->raw = g_strdup (value);
  if (!parse_condition (c, key, value, error))
    {
      condition_free (c);
      return FALSE;
    }
  g_ptr_array_add (rule->conditions, c);
  return TRUE;
}

/* ---------------------------------------------------------------- the file */

static gboolean
parse_action (const char   *value,
              MpRuleAction *out)
{
  for (guint a = 0; a < G_N_ELEMENTS (action_names); a++)
    if (value != NULL && strcmp (value, action_names[a]) == 0)
      {
        *out = a;
        return TRUE;
      }
  return FALSE;
}

static gboolean
get_bool (GKeyFile   *kf,
          const char *group,
          const char *key,
          gboolean    fallback,
          GError    **error)
{
  g_autoptr(GError) local = NULL;
  gboolean v;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return fallback;
  v = g_key_file_get_boolean (kf, group, key, &local);
  if (local != NULL)
    g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("“%s” must be true or false"), key);
  return v;
}

static MpRule *
load_rule (GKeyFile   *kf,
           const char *group,
           GError    **error)
{
  g_autofree char *name = g_key_file_get_string (kf, group, "name", NULL);
  g_autofree char *action = g_key_file_get_value (kf, group, "action", NULL);
  g_autofree char *match = g_key_file_get_value (kf, group, "match", NULL);
  g_auto(GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  g_autoptr(MpRule) rule = mp_rule_new (name != NULL ? name : group, MP_RULE_ACTION_NO_NOTIFY);
  g_autoptr(GError) local = NULL;

  if (!parse_action (action, &rule->action))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   _("action must be no-notify, junk or delete"));
      return NULL;
    }
  if (match != NULL && strcmp (match, "all") != 0 && strcmp (match, "any") != 0)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("match must be all or any"));
      return NULL;
    }
  rule->match_all = match == NULL || strcmp (match, "all") == 0;
  rule->enabled = get_bool (kf, group, "enabled", FALSE, &local);
  if (local == NULL)
    rule->previewed = get_bool (kf, group, "previewed", FALSE, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (g_strv_contains ((const char * const[]) { "name", "enabled", "match", "action",
                                                   "previewed", NULL }, keys[i]))
        continue;
      /* Raw values: a regular expression keeps its backslashes. */
      value = g_key_file_get_value (kf, group, keys[i], NULL);
      if (!mp_rule_add_condition (rule, keys[i], value, error))
        return NULL;
    }
  return g_steal_pointer (&rule);
}

static gboolean
check_version (GKeyFile  *kf,
               GError   **error)
{
  g_autoptr(GError) local = NULL;
  gint64 version;

  if (!g_key_file_has_group (kf, GROUP_RULES))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("The [rules] group with version= is missing"));
      return FALSE;
    }
  version = g_key_file_get_int64 (kf, GROUP_RULES, "version", &local);
  if (local != NULL || version < 1)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("The version in [rules] is not valid"));
      return FALSE;
    }
  if (version > MP_RULES_FILE_VERSION)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   /* %lld, not G_GINT64_FORMAT: xgettext must see the whole msgid. */
                   _("The file is from a newer Mailpeek (version %lld; this one reads "
                     "version %d)"), (long long) version, MP_RULES_FILE_VERSION);
      return FALSE;
    }
  return TRUE;
}

static char **
get_list (GKeyFile   *kf,
          const char *key)
{
  g_autofree char *raw = g_key_file_get_value (kf, GROUP_ALLOW, key, NULL);

  return split_list (raw != NULL ? raw : "");
}

MpRuleSet *
mp_rule_set_from_data (const char *data,
                       gsize       len,
                       GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(MpRuleSet) set = mp_rule_set_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, "%s", local->message);
      return NULL;
    }
  if (!check_version (kf, error))
    return NULL;
  g_strfreev (set->allow_senders);
  g_strfreev (set->allow_domains);
  set->allow_senders = get_list (kf, "senders");
  set->allow_domains = get_list (kf, "domains");
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      MpRule *rule;

      if (strcmp (groups[i], GROUP_RULES) == 0 || strcmp (groups[i], GROUP_ALLOW) == 0)
        continue;
      if (!g_str_has_prefix (groups[i], RULE_PREFIX))
        {
          g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Unknown group [%s]"), groups[i]);
          return NULL;
        }
      rule = load_rule (kf, groups[i], &local);
      if (rule == NULL)
        {
          g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Rule [%s]: %s"),
                       groups[i], local->message);
          return NULL;
        }
      g_ptr_array_add (set->rules, rule);
    }
  return g_steal_pointer (&set);
}

static void
set_list (GKeyFile    *kf,
          const char  *key,
          char *const *items)
{
  g_autofree char *joined = g_strjoinv (";", (char **) items);

  g_key_file_set_value (kf, GROUP_ALLOW, key, joined);
}

char *
mp_rule_set_to_data (const MpRuleSet *set)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  g_key_file_set_integer (kf, GROUP_RULES, "version", MP_RULES_FILE_VERSION);
  g_key_file_set_comment (kf, GROUP_RULES, NULL,
                          " Mailpeek rules, in order: the first enabled rule that matches wins.\n"
                          " The format is described in mailpeek-rules(5).", NULL);
  set_list (kf, "senders", set->allow_senders);
  set_list (kf, "domains", set->allow_domains);
  for (guint i = 0; i < set->rules->len; i++)
    {
      const MpRule *rule = g_ptr_array_index (set->rules, i);
      g_autofree char *group = g_strdup_printf (RULE_PREFIX "%u", i + 1);

      g_key_file_set_string (kf, group, "name", rule->name);
      g_key_file_set_boolean (kf, group, "enabled", rule->enabled);
      g_key_file_set_value (kf, group, "match", rule->match_all ? "all" : "any");
      g_key_file_set_value (kf, group, "action", mp_rule_action_to_string (rule->action));
      if (rule->action == MP_RULE_ACTION_DELETE)
        g_key_file_set_boolean (kf, group, "previewed", rule->previewed);
      for (guint k = 0; k < rule->conditions->len; k++)
        {
          const MpRuleCondition *c = g_ptr_array_index (rule->conditions, k);
          g_key_file_set_value (kf, group, c->key, c->raw);
        }
    }
  return g_key_file_to_data (kf, NULL, NULL);
}

MpRuleSet *
mp_rule_set_load (const char  *path,
                  GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  MpRuleSet *set;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return mp_rule_set_new ();
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, "%s", local->message);
      return NULL;
    }
  set = mp_rule_set_from_data (data, len, &local);
  if (set == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   _("The rules file %s cannot be read, and is left as it is: %s"),
                   display, local->message);
    }
  return set;
}

gboolean
mp_rule_set_save (const MpRuleSet  *set,
                  const char       *path,
                  GError          **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(MpRuleSet) current = NULL;

  g_return_val_if_fail (set != NULL && path != NULL, FALSE);

  /* A file this version cannot read (newer, hand-broken) is the user's: keep it. */
  current = mp_rule_set_load (path, &local);
  if (current == NULL)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   _("Not saving the rules: %s"), local->message);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Cannot create %s: %s"),
                   dir, g_strerror (errsv));
      return FALSE;
    }
  data = mp_rule_set_to_data (set);
  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

char *
mp_rules_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "mailpeek", "rules.conf", NULL);
}
