/* mp-rules.h — rules: conditions on a message summary and one action each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rule set is an ordered list of rules plus an allow-list of senders and
 * domains no rule ever acts on.  Evaluation is first match wins among the
 * enabled rules; each match comes with a human reason ("From domain ends with
 * “spam.example”").  The file format (rules.conf) is documented in
 * mailpeek-rules(5) (data/mailpeek-rules.5).  Plain structs, no GTK; the
 * functions are thread-safe on distinct sets, and evaluation of one set may run
 * on several threads at once (it does not change the set).
 */
#pragma once

#include <glib.h>

#include "mp-message-summary.h"

G_BEGIN_DECLS

#define MP_RULES_FILE_VERSION 1

typedef enum {
  MP_RULE_ACTION_NO_NOTIFY,
  MP_RULE_ACTION_JUNK,
  MP_RULE_ACTION_DELETE,
} MpRuleAction;

typedef enum {
  MP_RULE_COND_ADDRESS,        /* From/To/Cc address or domain: is, contains, ends-with */
  MP_RULE_COND_SUBJECT,        /* contains (case-insensitive) or regex */
  MP_RULE_COND_HEADER,         /* "Name: text" contains or regex */
  MP_RULE_COND_SIZE_OVER,      /* octets, as the server counts them (LIST) */
  MP_RULE_COND_HAS_ATTACHMENT,
  MP_RULE_COND_OLDER_THAN,     /* days, by the Date header */
  MP_RULE_COND_SPAM_FLAG,      /* X-Spam-Flag: YES or X-Spam-Status: Yes… */
  MP_RULE_COND_SPAM_SCORE,     /* X-Spam-Score ≥ N */
} MpRuleCondKind;

typedef enum {
  MP_RULE_OP_IS,
  MP_RULE_OP_CONTAINS,
  MP_RULE_OP_ENDS_WITH,
  MP_RULE_OP_REGEX,
} MpRuleOp;

typedef struct {
  MpRuleCondKind kind;
  MpRuleOp       op;
  MpAddressField field;        /* ADDRESS */
  gboolean       domain;       /* ADDRESS: compare the part after the last @ */
  char         **values;       /* owned; ADDRESS: any of them (lower-cased); SUBJECT: one */
  char          *header;       /* owned; HEADER: the field name */
  GRegex        *regex;        /* owned; op REGEX */
  guint64        number;       /* SIZE_OVER octets, OLDER_THAN days */
  double         score;        /* SPAM_SCORE */
  char          *key;          /* owned; as written in the file, kept for saving */
  char          *raw;          /* owned */
} MpRuleCondition;

typedef struct {
  char         *name;          /* owned, never NULL */
  gboolean      enabled;
  gboolean      match_all;     /* FALSE: any condition */
  MpRuleAction  action;
  gboolean      previewed;     /* the user has seen this rule's dry run */
  GPtrArray    *conditions;    /* owned, of MpRuleCondition */
} MpRule;

/* Reference-counted: a mailbox keeps one for its checks (mp_mailbox_set_rules);
 * do not change a set once it was handed on, make a new one. */
typedef struct {
  gatomicrefcount ref_count;
  GPtrArray *rules;            /* owned, of MpRule, in order */
  char     **allow_senders;    /* owned, lower-cased addresses */
  char     **allow_domains;    /* owned, lower-cased domains */
} MpRuleSet;

/* What a rule acts on: the summary and, when the caller has it (during a check,
 * in the CLI), the TOP n 0 header block, so that "any header" conditions see
 * every field; without it they see the fields the summary keeps
 * (mp_message_summary_get_header). */
typedef struct {
  MpMessageSummary *summary;   /* borrowed */
  const char       *headers;   /* borrowed, may be NULL */
  gsize             headers_len;
  GDateTime        *now;       /* borrowed; NULL: the current time */
} MpRuleInput;

MpRuleSet   *mp_rule_set_new          (void);
MpRuleSet   *mp_rule_set_ref          (MpRuleSet *set);
void         mp_rule_set_unref        (MpRuleSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpRuleSet, mp_rule_set_unref)

/* What a check found a rule acts on (MpCheckResult's rule_hits). */
typedef struct {
  char         *uidl;          /* owned */
  char         *rule;          /* owned: the rule's name */
  MpRuleAction  action;
  char         *reason;        /* owned */
  gboolean      is_new;        /* the message was announced as new by this check */
} MpRuleHit;

MpRuleHit   *mp_rule_hit_copy         (const MpRuleHit *hit);
void         mp_rule_hit_free         (MpRuleHit *hit);

MpRule      *mp_rule_new              (const char *name, MpRuleAction action);
void         mp_rule_free             (MpRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpRule, mp_rule_free)

/* Parses one condition written as in the file ("from-domain-is", "spam.example").
 * MP_ERROR_CONFIG for an unknown key or a bad value; an invalid regular
 * expression names the position in the pattern.  Appends it to @rule. */
gboolean     mp_rule_add_condition    (MpRule      *rule,
                                       const char  *key,
                                       const char  *value,
                                       GError     **error);

/* TRUE when the rule's conditions hold (all or any); @reason (optional) gets the
 * reasons of the conditions that matched, joined by "; ".  A rule with no
 * condition never matches.  Ignores enabled and the allow-list. */
gboolean     mp_rule_matches          (const MpRule      *rule,
                                       const MpRuleInput *input,
                                       char             **reason);

/* The sender is on the allow-list (address or domain). */
gboolean     mp_rule_set_allows       (const MpRuleSet  *set,
                                       MpMessageSummary *summary);

/* Enabled, and for a delete rule also previewed (its dry run was seen: until
 * then it acts on nothing). */
gboolean     mp_rule_is_active        (const MpRule     *rule);

/* The first active rule that matches, unless the sender is allowed; NULL if
 * none.  @dry_run: enabled delete rules not yet previewed count too (what the
 * dry run shows is what they would do).  @reason as for mp_rule_matches. */
const MpRule *mp_rule_set_evaluate    (const MpRuleSet   *set,
                                       const MpRuleInput *input,
                                       gboolean           dry_run,
                                       char             **reason);

/* Loading refuses (MP_ERROR_CONFIG, the file left as it is) a corrupt file, a
 * newer version, an unknown key and an invalid pattern, naming the rule.  A
 * missing file is an empty set.  Saving writes atomically and refuses to
 * replace a file that exists and does not load (a newer version, say). */
MpRuleSet   *mp_rule_set_load         (const char       *path,
                                       GError          **error);
gboolean     mp_rule_set_save         (const MpRuleSet  *set,
                                       const char       *path,
                                       GError          **error);
char        *mp_rule_set_to_data      (const MpRuleSet  *set);
MpRuleSet   *mp_rule_set_from_data    (const char       *data,
                                       gsize             len,
                                       GError          **error);
/* g_get_user_config_dir()/mailpeek/rules.conf (owned). */
char        *mp_rules_default_path    (void);

const char  *mp_rule_action_to_string (MpRuleAction action);

G_END_DECLS
