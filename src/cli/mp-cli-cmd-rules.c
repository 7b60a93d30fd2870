/* mp-cli-cmd-rules.c — `rules test` (the dry run) and `rules apply`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both read every message's header block (TOP n 0) and evaluate the rules file
 * on it.  Only delete has an effect on the server, so only delete is applied;
 * "junk" and "no-notify" concern what the app shows and are reported only.
 * Apply keeps a copy of each message in the recycle bin first (RETR), and sends
 * no DELE at all unless every copy was written.
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-cli-format.h"
#include "mp-cli-private.h"
#include "mp-recycle-bin.h"
#include "mp-rules.h"

typedef struct {
  guint             number;
  guint64           size;
  char             *uidl;      /* owned */
  MpMessageSummary *summary;   /* owned */
  const MpRule     *rule;      /* borrowed from the set */
  char             *reason;    /* owned */
} Hit;

static void
hit_free (gpointer data)
{
  Hit *h = data;

  g_free (h->uidl);
  g_clear_object (&h->summary);
  g_free (h->reason);
  g_free (h);
}

typedef struct {
  MpRuleSet *set;              /* borrowed */
  GPtrArray *entries;          /* borrowed */
  GPtrArray *hits;             /* borrowed, of Hit */
  GDateTime *now;              /* borrowed */
  gboolean   dry_run;
} Evaluation;

static void
evaluate_cb (guint number, GBytes *headers, gpointer user_data)
{
  Evaluation *ev = user_data;
  MpPop3Entry *e = mp_cli_find_number (ev->entries, number);
  g_autoptr(MpMessageSummary) summary = NULL;
  g_autofree char *reason = NULL;
  const MpRule *rule;
  MpRuleInput in = { .now = ev->now };
  gsize len = 0;
  const char *data;
  Hit *hit;

  if (e == NULL)
    return;
  /* Refused TOP (deleted meanwhile by another client): nothing to act on. */
  if (headers == NULL)
    {
      mp_cli_print_error (_("The server refused to show message %u; it is left out"), number);
      return;
    }
  data = mp_cli_bytes_get_data (headers, &len);
  summary = mp_message_summary_new_from_headers (data, len, e->uidl, e->size);
  in.summary = summary;
  in.headers = data;
  in.headers_len = len;
  rule = mp_rule_set_evaluate (ev->set, &in, ev->dry_run, &reason);
  if (rule == NULL)
    return;
  hit = g_new0 (Hit, 1);
  hit->number = number;
  hit->size = e->size;
  hit->uidl = g_strdup (e->uidl);
  hit->summary = g_steal_pointer (&summary);
  hit->rule = rule;
  hit->reason = g_steal_pointer (&reason);
  g_ptr_array_add (ev->hits, hit);
}

static MpCliExit
load_rules (const MpCliArgs *args, MpRuleSet **out)
{
  g_autoptr(GError) error = NULL;

  if (args->rules == NULL)
    return mp_cli_usage_error (_("rules needs --rules FILE"));
  /* A missing file is an empty set for the app; here it is a typo. */
  if (!g_file_test (args->rules, G_FILE_TEST_EXISTS))
    {
      mp_cli_print_error (_("No rules file %s"), args->rules);
      return MP_CLI_EXIT_OTHER;
    }
  *out = mp_rule_set_load (args->rules, &error);
  if (*out == NULL)
    {
      mp_cli_print_error ("%s", error->message);
      return MP_CLI_EXIT_OTHER;
    }
  return MP_CLI_EXIT_OK;
}

/* Loads the rules, connects, reads every header block and evaluates: @hits_out
 * in server order.  @dry_run: as mp_rule_set_evaluate(). */
static MpCliExit
find_hits (MpCli *cli, gboolean dry_run, MpRuleSet **set_out,
           GPtrArray **entries_out, GPtrArray **hits_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree guint *numbers = NULL;
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (hit_free);
  Evaluation ev = { .hits = hits, .now = now, .dry_run = dry_run };
  MpCliExit rc;

  if ((rc = load_rules (cli->args, set_out)) != MP_CLI_EXIT_OK
      || (rc = mp_cli_open_mailbox (cli, entries_out)) != MP_CLI_EXIT_OK)
    return rc;
  ev.set = *set_out;
  if (!mp_cli_all_have_uidl (*entries_out))
    return mp_cli_no_uidl_error ();
  ev.entries = *entries_out;
  numbers = g_new (guint, MAX ((*entries_out)->len, 1));
  for (guint i = 0; i < (*entries_out)->len; i++)
    numbers[i] = ((MpPop3Entry *) (*entries_out)->pdata[i])->number;
  if ((*entries_out)->len > 0
      && !mp_pop3_session_top_many_sync (cli->session, numbers, (*entries_out)->len, 0,
                                         evaluate_cb, &ev, NULL, &error))
    return mp_cli_report (cli, error);
  *hits_out = g_steal_pointer (&hits);
  return MP_CLI_EXIT_OK;
}

static void
append_hit_text (GString *out, const Hit *h, const char *prefix)
{
  g_autofree char *from = mp_message_summary_dup_from_display (h->summary);

  if (prefix != NULL)
    g_string_append_printf (out, "%s\t", prefix);
  g_string_append_printf (out, "%u\t", h->number);
  mp_cli_append_field (out, h->uidl);
  g_string_append_printf (out, "\t%" G_GUINT64_FORMAT "\t%s\t", h->size,
                          mp_rule_action_to_string (h->rule->action));
  mp_cli_append_field (out, h->rule->name);
  g_string_append_c (out, '\t');
  mp_cli_append_field (out, h->reason);
  g_string_append_c (out, '\t');
  mp_cli_append_field (out, from);
  g_string_append_c (out, '\t');
  mp_cli_append_field (out, mp_message_summary_get_subject (h->summary));
  g_string_append_c (out, '\n');
}

static void
append_hit_json (GString *out, const Hit *h)
{
  g_autofree char *from = mp_message_summary_dup_from_display (h->summary);

  g_string_append_printf (out, "{\"num\": %u, \"uidl\": ", h->number);
  mp_cli_append_json_string (out, h->uidl);
  g_string_append_printf (out, ", \"size\": %" G_GUINT64_FORMAT ", \"action\": \"%s\", "
                          "\"active\": %s, \"rule\": ", h->size,
                          mp_rule_action_to_string (h->rule->action),
                          mp_rule_is_active (h->rule) ? "true" : "false");
  mp_cli_append_json_string (out, h->rule->name);
  g_string_append (out, ", \"reason\": ");
  mp_cli_append_json_string (out, h->reason);
  g_string_append (out, ", \"from\": ");
  mp_cli_append_json_string (out, from);
  g_string_append (out, ", \"subject\": ");
  mp_cli_append_json_string (out, mp_message_summary_get_subject (h->summary));
  g_string_append_c (out, '}');
}

/* Delete rules that are enabled but not yet previewed=true act on nothing yet. */
static void
warn_unpreviewed (MpRuleSet *set)
{
  for (guint i = 0; i < set->rules->len; i++)
    {
      const MpRule *rule = g_ptr_array_index (set->rules, i);

      if (rule->enabled && !mp_rule_is_active (rule))
        mp_cli_print_error (_("Rule “%s” deletes only once its dry run was seen: "
                              "set previewed=true in its group to let “rules apply” act."),
                            rule->name);
    }
}

static MpCliExit
rules_test (MpCli *cli)
{
  g_autoptr(MpRuleSet) set = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  MpCliExit rc;

  if ((rc = find_hits (cli, TRUE, &set, &entries, &hits)) != MP_CLI_EXIT_OK
      || (rc = mp_cli_quit (cli)) != MP_CLI_EXIT_OK)
    return rc;
  if (cli->args->json)
    g_string_append (out, "[");
  for (guint i = 0; i < hits->len; i++)
    {
      if (!cli->args->json)
        append_hit_text (out, g_ptr_array_index (hits, i), NULL);
      else
        {
          g_string_append (out, i == 0 ? "\n  " : ",\n  ");
          append_hit_json (out, g_ptr_array_index (hits, i));
        }
    }
  if (cli->args->json)
    g_string_append (out, hits->len > 0 ? "\n]\n" : "]\n");
  warn_unpreviewed (set);
  mp_cli_emit (out);
  return mp_cli_finish_output ();
}

/* The hits that apply deletes: active delete rules, within the bin's size limit. */
static GPtrArray *
deletions (GPtrArray *hits)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < hits->len; i++)
    {
      Hit *h = g_ptr_array_index (hits, i);

      if (h->rule->action != MP_RULE_ACTION_DELETE || !mp_rule_is_active (h->rule))
        continue;
      if (h->size > MP_RECYCLE_BIN_DEFAULT_MAX_SIZE)
        {
          g_autofree char *size = g_format_size (h->size);
          mp_cli_print_error (_("Message %s (%s) is larger than the recycle bin keeps; "
                                "it is not deleted"), h->uidl, size);
          continue;
        }
      g_ptr_array_add (out, h);
    }
  return out;
}

static MpCliExit
not_deleted (MpCli *cli, const GError *error, MpCliExit rc)
{
  MpCliExit reported = error != NULL ? mp_cli_report (cli, error) : rc;

  mp_cli_print_error (_("Nothing was deleted."));
  return rc != MP_CLI_EXIT_OK ? rc : reported;
}

/* RETR each into the bin, then DELE them all, committed by QUIT's +OK. */
static MpCliExit
keep_and_delete (MpCli *cli, GPtrArray *del)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = cli->args->recycle_dir != NULL ? g_strdup (cli->args->recycle_dir)
                                                        : mp_recycle_bin_default_dir (cli->account);
  g_autoptr(MpRecycleBin) bin = mp_recycle_bin_new (dir, cli->account);
  g_autofree guint *numbers = g_new (guint, del->len);
  g_autofree guint64 *sizes = g_new (guint64, del->len);
  g_autofree const char **uidls = g_new (const char *, del->len);
  g_autofree const char **rules = g_new (const char *, del->len);

  for (guint i = 0; i < del->len; i++)
    {
      Hit *h = g_ptr_array_index (del, i);

      numbers[i] = h->number;
      sizes[i] = h->size;
      uidls[i] = h->uidl;
      rules[i] = h->rule->name;
    }
  if (!mp_recycle_bin_keep_sync (bin, cli->session, numbers, sizes, uidls, rules, del->len,
                                 FALSE, NULL, &error))
    {
      gboolean local = error->domain == G_IO_ERROR;

      mp_pop3_session_close (cli->session);
      /* A bin that cannot be written is a local problem (exit 1); a RETR that
       * failed keeps the exit status of its cause. */
      if (local)
        {
          mp_cli_print_error ("%s", error->message);
          return not_deleted (cli, NULL, MP_CLI_EXIT_OTHER);
        }
      return not_deleted (cli, error, MP_CLI_EXIT_OK);
    }
  if (!mp_pop3_session_dele_many_sync (cli->session, numbers, del->len, NULL, &error))
    {
      mp_pop3_session_close (cli->session);
      return not_deleted (cli, error, MP_CLI_EXIT_NOT_DELETED);
    }
  if (!mp_pop3_session_quit_sync (cli->session, NULL, &error))
    {
      g_prefix_error (&error, _("The server did not confirm QUIT: "));
      return not_deleted (cli, error, MP_CLI_EXIT_NOT_DELETED);
    }
  return MP_CLI_EXIT_OK;
}

static MpCliExit
rules_apply (MpCli *cli)
{
  g_autoptr(MpRuleSet) set = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) del = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  MpCliExit rc;

  if ((rc = find_hits (cli, FALSE, &set, &entries, &hits)) != MP_CLI_EXIT_OK)
    return rc;
  warn_unpreviewed (set);
  del = deletions (hits);
  if (del->len > 0 && del->len == entries->len && !cli->args->yes_all)
    {
      mp_pop3_session_close (cli->session);
      mp_cli_print_error (_("The rules would delete every message on the server (%u). "
                            "Run “rules test” to check them; give --yes-all to go ahead."),
                          del->len);
      return not_deleted (cli, NULL, MP_CLI_EXIT_OTHER);
    }
  if (del->len == 0)
    rc = mp_cli_quit (cli);
  else
    rc = keep_and_delete (cli, del);
  if (rc != MP_CLI_EXIT_OK)
    return rc;
  for (guint i = 0; i < del->len; i++)
    {
      if (cli->args->json)
        {
          g_string_append (out, i == 0 ? "{\"deleted\": [\n  " : ",\n  ");
          append_hit_json (out, g_ptr_array_index (del, i));
        }
      else
        append_hit_text (out, g_ptr_array_index (del, i), _("deleted"));
    }
  if (cli->args->json)
    g_string_append (out, del->len > 0 ? "\n]}\n" : "{\"deleted\": []}\n");
  else
    g_string_append_printf (out, ngettext ("Deleted %u message.\n", "Deleted %u messages.\n",
                                           del->len), del->len);
  mp_cli_emit (out);
  return mp_cli_finish_output ();
}

MpCliExit
mp_cli_cmd_rules (MpCli *cli, char **args)
{
  const char *usage = _("Usage: mailpeek-cli rules test|apply URL --rules FILE");

  if (args[0] == NULL || args[1] != NULL)
    return mp_cli_usage_error ("%s", usage);
  if (cli->args->recycle_dir != NULL && g_strcmp0 (args[0], "apply") != 0)
    return mp_cli_usage_error (_("--recycle-dir and --yes-all are only used by rules apply"));
  if (g_strcmp0 (args[0], "test") == 0)
    return cli->args->yes_all ? mp_cli_usage_error (_("--recycle-dir and --yes-all are only "
                                                      "used by rules apply"))
                              : rules_test (cli);
  if (g_strcmp0 (args[0], "apply") == 0)
    return rules_apply (cli);
  return mp_cli_usage_error ("%s", usage);
}
