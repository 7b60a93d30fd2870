/* test-rules.c — MpRuleSet: every condition, all/any, allow-list, first match
 * wins, bad patterns, and a rules file that is corrupt or newer (kept as it is) */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mp-error.h"
#include "mp-overview.h"
#include "mp-rules.h"

static MpMessageSummary *
summary (const char *headers, guint64 size)
{
  return mp_message_summary_new_from_headers (headers, strlen (headers), "u1", size);
}

#define SPAM_MSG \
  "From: Winner <promo@Mail.Spam.Example>\r\nTo: me@home.test, Team: a@team.test;\r\n" \
  "Cc: boss@work.test\r\nSubject: You WON a prize\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n" \
  "X-Mailer: BulkMail 3.1\r\nX-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=9.1\r\n" \
  "X-Spam-Score: 9.1\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
#define HAM_MSG \
  "From: Friend <friend@home.test>\r\nTo: me@home.test\r\nSubject: lunch\r\n" \
  "Date: Wed, 1 Jan 2025 10:00:00 +0000\r\nX-Spam-Status: No, score=0.1\r\n" \
  "X-Spam-Score: 0.1\r\nContent-Type: text/plain\r\n\r\n"

/* Does a one-condition rule key=value hit @headers (size @size)? and why. */
static gboolean
hits (const char *key, const char *value, const char *headers, guint64 size, char **why)
{
  g_autoptr(MpRule) rule = mp_rule_new ("r", MP_RULE_ACTION_JUNK);
  g_autoptr(MpMessageSummary) s = summary (headers, size);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 1, 11, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  /* as a check and the CLI give it: with the header block */
  MpRuleInput in = { .summary = s, .headers = headers, .headers_len = strlen (headers),
                     .now = now };

  g_assert_true (mp_rule_add_condition (rule, key, value, &error));
  g_assert_no_error (error);
  return mp_rule_matches (rule, &in, why);
}

static void
test_conditions (void)
{
  static const struct {
    const char *key, *value;
    gboolean spam, ham;
    const char *reason;            /* for the spam message, when it hits */
  } cases[] = {
    { "from-address-is", "PROMO@mail.spam.example", TRUE, FALSE,
      "From address is “promo@mail.spam.example”" },
    { "from-address-contains", "promo", TRUE, FALSE, NULL },
    { "from-address-ends-with", "@mail.spam.example", TRUE, FALSE, NULL },
    { "from-domain-is", "spam.example", FALSE, FALSE, NULL },
    { "from-domain-is", "other.test; mail.spam.example", TRUE, FALSE,
      "From domain is “mail.spam.example”" },
    { "from-domain-contains", "spam", TRUE, FALSE, NULL },
    { "from-domain-ends-with", "spam.example", TRUE, FALSE,
      "From domain ends with “spam.example”" },
    { "to-address-is", "a@team.test", TRUE, FALSE, NULL },        /* inside a group */
    { "to-domain-is", "home.test", TRUE, TRUE, NULL },
    { "cc-address-is", "boss@work.test", TRUE, FALSE, "Cc address is “boss@work.test”" },
    { "cc-domain-ends-with", "test", TRUE, FALSE, NULL },
    { "subject-contains", "won A", TRUE, FALSE, "Subject contains “won A”" },
    { "subject-regex", "^you\\s+won", TRUE, FALSE, NULL },
    { "subject-regex", "^lunch$", FALSE, TRUE, NULL },
    { "header-contains", "X-Mailer: bulkmail", TRUE, FALSE, "X-Mailer contains “bulkmail”" },
    { "header-regex", "X-Mailer: ^Bulk\\w+ [0-9.]+$", TRUE, FALSE, NULL },
    { "header-contains", "X-Spam-Status: score=0.1", FALSE, TRUE, NULL },
    { "size-over", "1000", TRUE, FALSE, "size over 1.0\u00a0kB" },
    { "has-attachment", "true", TRUE, FALSE, "has an attachment" },
    { "older-than-days", "30", TRUE, FALSE, "older than 30 days" },
    { "older-than-days", "9", TRUE, TRUE, NULL },
    { "spam-flag", "true", TRUE, FALSE, "the server marked it as spam (X-Spam-Flag)" },
    { "spam-score-at-least", "5", TRUE, FALSE, "spam score 9.1 ≥ 5" },
    { "spam-score-at-least", "0.1", TRUE, TRUE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *why = NULL;

      g_test_message ("%s=%s", cases[i].key, cases[i].value);
      g_assert_cmpint (hits (cases[i].key, cases[i].value, SPAM_MSG, 5000, &why), ==,
                       cases[i].spam);
      if (cases[i].reason != NULL)
        g_assert_cmpstr (why, ==, cases[i].reason);
      g_assert_cmpint (hits (cases[i].key, cases[i].value, HAM_MSG, 500, NULL), ==,
                       cases[i].ham);
    }
}

/* X-Spam-Status: Yes alone is the verdict too; "Yesterday" is not. */
static void
test_spam_status (void)
{
  g_autofree char *why = NULL;

  g_assert_true (hits ("spam-flag", "true",
                       "From: a@b.test\r\nX-Spam-Status: Yes, score=5\r\n\r\n", 1, &why));
  g_assert_cmpstr (why, ==, "the server marked it as spam (X-Spam-Status)");
  g_assert_false (hits ("spam-flag", "true",
                        "From: a@b.test\r\nX-Spam-Status: Yesterday\r\n\r\n", 1, NULL));
  g_assert_false (hits ("spam-flag", "true",
                        "From: a@b.test\r\nX-Spam-Flag: NO\r\n\r\n", 1, NULL));
}

/* "Any header" sees every field when the header block is given. */
static void
test_any_header_from_block (void)
{
  const char *block = "From: a@b.test\r\nList-Id: <news.b.test>\r\n\r\n";
  g_autoptr(MpRule) rule = mp_rule_new ("r", MP_RULE_ACTION_JUNK);
  g_autoptr(MpMessageSummary) s = summary (block, 1);
  MpRuleInput with = { .summary = s, .headers = block, .headers_len = strlen (block) };
  MpRuleInput without = { .summary = s };

  g_assert_true (mp_rule_add_condition (rule, "header-contains", "List-Id: news.b", NULL));
  g_assert_true (mp_rule_matches (rule, &with, NULL));
  g_assert_false (mp_rule_matches (rule, &without, NULL));   /* not a kept field */
}

static MpRuleSet *
load (const char *data)
{
  g_autoptr(GError) error = NULL;
  MpRuleSet *set = mp_rule_set_from_data (data, strlen (data), &error);

  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

static void
test_all_any_first_match_allow (void)
{
  g_autoptr(MpRuleSet) set = load (
    "[rules]\nversion=1\n"
    "[allow]\nsenders=friend@home.test\ndomains=trusted.test\n"
    "[rule 1]\nname=all of two\nenabled=true\nmatch=all\naction=junk\n"
    "spam-flag=true\nsubject-contains=lunch\n"
    "[rule 2]\nname=any of two\nenabled=true\nmatch=any\naction=no-notify\n"
    "size-over=100000\nspam-score-at-least=5\n"
    "[rule 3]\nname=everything\nenabled=true\naction=junk\nsize-over=0\n"
    "[rule 4]\nname=disabled\nenabled=false\naction=junk\nsize-over=0\n");
  g_autoptr(MpMessageSummary) spam = summary (SPAM_MSG, 5000);
  g_autoptr(MpMessageSummary) ham = summary (HAM_MSG, 500);
  g_autoptr(MpMessageSummary) sub = summary ("From: x@mail.Trusted.test\r\n\r\n", 10);
  g_autoptr(MpMessageSummary) near = summary ("From: x@untrusted.test\r\n\r\n", 10);
  MpRuleInput in = { .summary = spam };
  g_autofree char *why = NULL;
  const MpRule *r;

  g_assert_cmpuint (set->rules->len, ==, 4);
  r = mp_rule_set_evaluate (set, &in, FALSE, &why);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->name, ==, "any of two");          /* rule 1 needs both */
  g_assert_cmpstr (why, ==, "spam score 9.1 ≥ 5");
  in.summary = ham;
  g_assert_null (mp_rule_set_evaluate (set, &in, FALSE, NULL)); /* allowed sender */
  in.summary = sub;
  g_assert_null (mp_rule_set_evaluate (set, &in, FALSE, NULL)); /* allowed subdomain */
  in.summary = near;
  r = mp_rule_set_evaluate (set, &in, FALSE, NULL);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->name, ==, "everything");
}

static void
test_delete_needs_preview (void)
{
  g_autoptr(MpRuleSet) set = load (
    "[rules]\nversion=1\n"
    "[rule 1]\nname=d\nenabled=true\naction=delete\nsize-over=1\n"
    "[rule 2]\nname=p\nenabled=true\npreviewed=true\naction=delete\nsize-over=1\n");

  g_autoptr(MpMessageSummary) s = summary (HAM_MSG, 500);
  MpRuleInput in = { .summary = s };

  g_assert_false (mp_rule_is_active (set->rules->pdata[0]));
  g_assert_true (mp_rule_is_active (set->rules->pdata[1]));
  /* acting: the previewed one; dry run: the first as written */
  g_assert_true (mp_rule_set_evaluate (set, &in, FALSE, NULL) == set->rules->pdata[1]);
  g_assert_true (mp_rule_set_evaluate (set, &in, TRUE, NULL) == set->rules->pdata[0]);
}

static void
assert_refused (const char *data, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpRuleSet) set = mp_rule_set_from_data (data, strlen (data), &error);

  g_assert_null (set);
  g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_bad_input (void)
{
  assert_refused ("[rules]\nversion=1\n[rule 1]\nname=bad\naction=junk\nsubject-regex=a(b\n",
                  "Rule [rule 1]: Invalid regular expression: ");
  assert_refused ("[rules]\nversion=1\n[rule 1]\nname=bad\naction=junk\nsubject-regex=a(b\n",
                  " at char 3: missing terminating )");
  assert_refused ("[rules]\nversion=1\n[rule 1]\naction=junk\nheader-regex=X-A: [z-a]\n",
                  "at char");
  assert_refused ("[rules]\nversion=1\n[rule 1]\naction=junk\nfrom-name-is=x\n",
                  "Unknown condition “from-name-is”");
  assert_refused ("[rules]\nversion=1\n[rule 1]\naction=explode\nsize-over=1\n", "action");
  assert_refused ("[rules]\nversion=1\n[rule 1]\naction=junk\nsize-over=big\n", "whole number");
  assert_refused ("[rules]\nversion=2\n", "newer");
  assert_refused ("[rule 1]\naction=junk\n", "[rules]");
  assert_refused ("this is not a key file\n", "");
}

static void
write_file (const char *path, const char *data)
{
  g_assert_true (g_file_set_contents (path, data, -1, NULL));
}

static void
test_file_kept (void)
{
  g_autofree char *path = mp_rules_default_path ();
  g_autoptr(MpRuleSet) empty = mp_rule_set_new ();
  g_autoptr(GError) error = NULL;
  const char *inputs[] = { "[rules]\nversion=7\n[rule 1]\nfuture-thing=1\n",
                           "[rules\ngarbage\n" };

  g_assert_true (g_str_has_suffix (path, "/mailpeek/rules.conf"));
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *after = NULL;

      write_file (path, inputs[i]);
      g_assert_null (mp_rule_set_load (path, &error));
      g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "left as it is"));
      g_clear_error (&error);
      g_assert_false (mp_rule_set_save (empty, path, &error));
      g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, inputs[i]);
    }
  g_unlink (path);
}

static void
test_round_trip (void)
{
  g_autofree char *path = mp_rules_default_path ();
  g_autoptr(MpRuleSet) set = mp_rule_set_new ();
  g_autoptr(MpRuleSet) again = NULL;
  g_autoptr(GError) error = NULL;
  MpRule *a = mp_rule_new ("Spam; the obvious", MP_RULE_ACTION_DELETE);
  MpRule *b = mp_rule_new ("big", MP_RULE_ACTION_NO_NOTIFY);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  a->enabled = a->previewed = TRUE;
  a->match_all = FALSE;
  g_assert_true (mp_rule_add_condition (a, "spam-flag", "true", NULL));
  g_assert_true (mp_rule_add_condition (a, "subject-regex", "\\bviagra\\b;x", NULL));
  g_assert_true (mp_rule_add_condition (a, "from-domain-is", "a.test;b.test", NULL));
  g_assert_true (mp_rule_add_condition (b, "size-over", "10485760", NULL));
  g_ptr_array_add (set->rules, a);
  g_ptr_array_add (set->rules, b);
  g_strfreev (set->allow_domains);
  set->allow_domains = g_strsplit ("ok.test", ",", -1);

  g_assert_true (mp_rule_set_save (set, path, &error));
  g_assert_no_error (error);
  again = mp_rule_set_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->rules->len, ==, 2);
  a = again->rules->pdata[0];
  g_assert_cmpstr (a->name, ==, "Spam; the obvious");
  g_assert_true (a->enabled && a->previewed && !a->match_all);
  g_assert_cmpint (a->action, ==, MP_RULE_ACTION_DELETE);
  g_assert_cmpuint (a->conditions->len, ==, 3);
  g_assert_cmpstr (((MpRuleCondition *) a->conditions->pdata[1])->raw, ==, "\\bviagra\\b;x");
  g_assert_cmpstr (again->allow_domains[0], ==, "ok.test");
  first = mp_rule_set_to_data (set);
  second = mp_rule_set_to_data (again);
  g_assert_cmpstr (first, ==, second);
  g_unlink (path);
}

static MpMessageSummary *
ov (const char *headers, const char *uidl, guint64 size)
{
  return mp_message_summary_new_from_headers (headers, strlen (headers), uidl, size);
}

static void
test_overview (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(MpOverview) o = NULL;
  MpOverviewGroup *g;

  g_ptr_array_add (list, ov ("From: a@x.test\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n", "1", 100));
  g_ptr_array_add (list, ov ("From: A@x.test\r\nDate: Mon, 1 Jan 2023 00:00:00 +0000\r\n\r\n", "2", 300));
  g_ptr_array_add (list, ov ("From: b@x.test\r\n\r\n", "3", 1000));
  g_ptr_array_add (list, ov ("From: c@y.test\r\nDate: Mon, 1 Jan 2025 00:00:00 +0000\r\n\r\n", "4", 50));
  o = mp_overview_new (list, 2);
  g_assert_cmpuint (o->n_messages, ==, 4);
  g_assert_cmpuint (o->total_size, ==, 1450);
  g_assert_cmpuint (o->largest->len, ==, 2);
  g_assert_cmpstr (mp_message_summary_get_uidl (o->largest->pdata[0]), ==, "3");
  g_assert_cmpstr (mp_message_summary_get_uidl (o->largest->pdata[1]), ==, "2");
  g_assert_cmpstr (mp_message_summary_get_uidl (o->oldest->pdata[0]), ==, "2");
  g_assert_cmpstr (mp_message_summary_get_uidl (o->oldest->pdata[1]), ==, "1");
  g_assert_cmpuint (o->by_address->len, ==, 3);
  g_assert_cmpuint (o->by_domain->len, ==, 2);
  g = o->by_domain->pdata[0];
  g_assert_cmpstr (g->key, ==, "x.test");
  g_assert_cmpuint (g->count, ==, 3);
  g_assert_cmpuint (g->size, ==, 1400);
  g = o->by_address->pdata[1];
  g_assert_cmpstr (g->key, ==, "a@x.test");          /* case folded together */
  g_assert_cmpuint (g->count, ==, 2);
  g_assert_cmpuint (g->uidls->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rules/conditions", test_conditions);
  g_test_add_func ("/rules/spam-status", test_spam_status);
  g_test_add_func ("/rules/any-header-from-block", test_any_header_from_block);
  g_test_add_func ("/rules/all-any-first-match-allow", test_all_any_first_match_allow);
  g_test_add_func ("/rules/delete-needs-preview", test_delete_needs_preview);
  g_test_add_func ("/rules/bad-input", test_bad_input);
  g_test_add_func ("/rules/file-kept", test_file_kept);
  g_test_add_func ("/rules/round-trip", test_round_trip);
  g_test_add_func ("/rules/overview", test_overview);
  return g_test_run ();
}
