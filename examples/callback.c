/* callback.c -- a host that gives scripts functions of its own and takes
 * their output as a stream.
 *
 *   lede_register(e, "glossary", ...)  scripts call lede.host.glossary(word):
 *                                      data flows from the host into Lua
 *   lede_register(e, "tally", ...)     scripts call lede.host.tally(name):
 *                                      data flows from Lua back to the host
 *   lede_set_output(e, ...)            output arrives in pieces, as the
 *                                      script writes it, instead of one buffer
 *
 * Host functions run on the thread of lede_run_*(), in the middle of the
 * run: they may not call lede_* functions on the engine that runs them. */
#include <stdio.h>
#include <string.h>

#include <lede.h>

/* ---- a glossary the host owns ------------------------------------------- */

struct entry {
  const char *word, *meaning;
};
static const struct entry glossary[] = {
    {"levee", "an embankment that keeps a river from flooding"},
    {"renters", "tenants: people who pay rent for a home"},
    {"council", "the elected body that governs a city"},
    {NULL, NULL},
};

/* lede.host.glossary(word) -> meaning, or nil.  Called without a word it
 * raises an error in the script, which the script may catch. */
static int host_glossary(void *ud, int argc, const char *const *argv,
                         const size_t *argl, lede_result *res) {
  const struct entry *g = ud;
  if (argc < 1 || !argv[0]) {
    lede_result_error(res, "glossary: expected a word");
    return 1;
  }
  for (; g->word; g++)
    if (strlen(g->word) == argl[0] && memcmp(g->word, argv[0], argl[0]) == 0) {
      lede_result_string(res, g->meaning, strlen(g->meaning));
      break;
    }
  return 0; /* no result set: the script gets nil */
}

/* ---- a tally the host reads after the run ------------------------------- */

#define TALLY_MAX 64

struct tally {
  char name[TALLY_MAX][32];
  int count[TALLY_MAX];
  int n;
};

/* lede.host.tally(name): counts one more name; returns nothing. */
static int host_tally(void *ud, int argc, const char *const *argv,
                      const size_t *argl, lede_result *res) {
  struct tally *t = ud;
  if (argc < 1 || !argv[0] || argl[0] >= sizeof t->name[0]) {
    lede_result_error(res, "tally: expected a short name");
    return 1;
  }
  for (int i = 0; i < t->n; i++)
    if (strcmp(t->name[i], argv[0]) == 0) {
      t->count[i]++;
      return 0;
    }
  if (t->n == TALLY_MAX) {
    lede_result_error(res, "tally: table full");
    return 1;
  }
  memcpy(t->name[t->n], argv[0], argl[0] + 1);
  t->count[t->n++] = 1;
  return 0;
}

/* ---- streamed output ---------------------------------------------------- */

struct sink {
  FILE *f;
  size_t bytes, pieces;
};

/* Each lede.write() from the script arrives here; data is BORROWED for the
 * call, so it is written out at once.  Non-zero would stop the run. */
static int on_output(void *ud, const char *data, size_t len) {
  struct sink *s = ud;
  s->bytes += len;
  s->pieces++;
  return fwrite(data, 1, len, s->f) != len;
}

static const char script[] =
    "local doc = ...\n"
    "local seen = {}\n"
    "for _, s in ipairs(doc.sentences) do\n"
    "  for _, w in ipairs(s.words) do\n"
    "    local word = w.text:lower()\n"
    "    local meaning = lede.host.glossary(word)\n"
    "    if meaning and not seen[word] then\n"
    "      seen[word] = true\n"
    "      lede.write(string.format('%-8s %s (sentence %d)\\n', word, meaning, s.index))\n"
    "    end\n"
    "    if w.text:find('^%u') and #w.text > 1 and w.index > 1 then\n"
    "      lede.host.tally(w.text)\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local ok, err = pcall(lede.host.glossary)\n"
    "lede.write('caught: ', tostring(err), '\\n')\n";

int main(void) {
  lede_engine *e = NULL;
  lede_doc *doc = NULL;
  struct tally tally = {{{0}}, {0}, 0};
  struct sink sink = {stdout, 0, 0};
  int rc = 1;

  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  /* The ud pointers must stay valid while registered: these live in main. */
  if (lede_register(e, "glossary", host_glossary, (void *)glossary) != LEDE_OK ||
      lede_register(e, "tally", host_tally, &tally) != LEDE_OK) {
    fprintf(stderr, "callback: %s\n", lede_errmsg(e));
    goto done;
  }
  lede_set_output(e, on_output, &sink);

  lede_status st = lede_doc_load_file(e, "article.txt", NULL, &doc);
  if (st == LEDE_OK)
    st = lede_run_string(e, "glossary.lua", script, sizeof script - 1, doc, NULL, NULL, NULL);
  if (st != LEDE_OK) {
    fprintf(stderr, "callback: %s\n", lede_errmsg(e));
    goto done;
  }
  printf("-- %zu bytes of output in %zu pieces\n", sink.bytes, sink.pieces);
  printf("-- capitalised words inside sentences, tallied by the host:\n");
  for (int i = 0; i < tally.n; i++)
    if (tally.count[i] > 1) printf("%-10s %d\n", tally.name[i], tally.count[i]);
  rc = 0;

done:
  lede_doc_free(doc);
  lede_engine_free(e);
  return rc;
}
