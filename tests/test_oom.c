/* test_oom.c -- out of memory anywhere is an error code, never abort().
 *
 * The test binary interposes malloc, calloc, realloc and free (forwarding
 * to glibc's __libc_* entry points), so that it can make the k-th
 * allocation fail -- whoever makes it: liblede, Lua, cmark or libc on our
 * behalf.  A workload that touches every layer (engine, host function,
 * plain and Markdown loads, a script that walks, edits, loads and renders,
 * rendering from C) is run once to count its allocations, then once per
 * allocation with exactly that one failing.  Every run must return (a
 * crash, abort() or Lua panic would kill the test process), report
 * LEDE_ENOMEM or a message naming memory when it fails, and free
 * everything it allocated.
 *
 * glibc only, and not under ASan (which owns malloc itself). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lede.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__GLIBC__)
#define OOM_SKIP 1
#else
#include <malloc.h>
#define OOM_SKIP 0

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *q, size_t n);
void free(void *p);

/* Per thread, so Criterion's own threads (if any) never count. */
static _Thread_local int armed;  /* count and inject on this thread */
static _Thread_local long fail_at; /* index of the allocation to fail; -1: none */
static _Thread_local int sticky; /* fail every allocation from fail_at on */
static _Thread_local long count; /* allocation attempts since arming */
static _Thread_local long live;  /* successful allocations minus frees */

/* The tests are built -fvisibility=hidden like the library; interposers
 * must be exported, or libc's own strdup() and Lua's and cmark's calls
 * would bypass them while our free() still counted their frees. */
#define INTERPOSE __attribute__((visibility("default")))

/* Non-zero when this attempt is the one that must fail. */
static int inject(void) {
  if (!armed) return 0;
  long k = count++;
  return k == fail_at || (sticky && fail_at >= 0 && k > fail_at);
}

INTERPOSE void *malloc(size_t n) {
  if (inject()) return NULL;
  void *p = __libc_malloc(n);
  if (armed && p) live++;
  return p;
}
INTERPOSE void *calloc(size_t n, size_t size) {
  if (inject()) return NULL;
  void *p = __libc_calloc(n, size);
  if (armed && p) live++;
  return p;
}
INTERPOSE void *realloc(void *q, size_t n) {
  if (inject()) return NULL;
  void *p = __libc_realloc(q, n);
  if (armed) {
    if (!q && p) live++;
    else if (q && n == 0) live--; /* glibc frees and returns NULL */
  }
  return p;
}
INTERPOSE void free(void *p) {
  if (armed && p) live--;
  __libc_free(p);
}
#endif

/* ---- the workload ------------------------------------------------------- */

static const char TEXT[] =
    "RIVERTON, Ore. (Nov. 12) - The council voted 6-3 on Tuesday. Dr. Whitfield\n"
    "of the U.S. Army Corps said the levee rises 1.8 metres. \"No,\" said one.\n\n"
    "Work begins in March. Read more at www.riverton.example.gov/flood.\n";
static const char MARKDOWN[] =
    "# Drill\n\nBring *boots*. And a [phone](https://example.org).\n\n"
    "- One item. Two.\n- Another.\n\n> Quoted text here.\n\n```\ncode\n```\n";
static const char SCRIPT[] =
    "local doc, args = ...\n"
    "local t = {}\n"
    "for _, s in ipairs(doc.sentences) do\n"
    "  for _, w in ipairs(s.words) do t[#t + 1] = w.text:lower() end\n"
    "end\n"
    "doc.sentences[1].text = lede.host.up(doc.sentences[1].text)\n"
    "doc.sentences[2]:replace(1, 2, 'Mr')\n"
    "doc.paragraphs[2]:remove()\n"
    "local md = lede.load(args.md, {format = 'markdown'})\n"
    "md.sentences[1].text = 'Bring wellies.'\n"
    "lede.write(md:render('html'), md:render('markdown'))\n"
    "lede.write(lede.json({words = t, n = #t}), doc:render('json'))\n"
    "lede.write(table.concat(lede.sentences(doc.source), '|'))\n";

/* lede.host.up(s): s in upper case (ASCII). */
static int host_up(void *ud, int argc, const char *const *argv, const size_t *argl,
                   lede_result *res) {
  char buf[256];
  (void)ud;
  if (argc < 1 || !argv[0] || argl[0] >= sizeof buf) return 1;
  for (size_t i = 0; i <= argl[0]; i++)
    buf[i] = (char)(argv[0][i] >= 'a' && argv[0][i] <= 'z' ? argv[0][i] - 32 : argv[0][i]);
  lede_result_string(res, buf, argl[0]);
  return 0;
}

/* Runs everything once, scripts limited to max_memory bytes (0: none);
 * returns the first failure's status, and copies its message (the engine
 * dies before we could read it). */
static lede_status workload(size_t max_memory, char *msg, size_t msglen) {
  lede_engine *e = NULL;
  lede_doc *d = NULL, *md = NULL;
  char *out = NULL, *path = NULL;
  size_t n = 0;
  msg[0] = '\0';
  lede_options o;
  lede_options_init(&o);
  o.max_memory = max_memory;
  lede_status st = lede_engine_new(&o, &e);
  if (st != LEDE_OK) return st;
  lede_arg args[] = {{"md", MARKDOWN}};
  lede_run_options ro = {.args = args, .nargs = 1};
  lede_load_options mdo = {.format = LEDE_FORMAT_MARKDOWN, .paragraphs = LEDE_PARAS_AUTO};
  if ((st = lede_register(e, "up", host_up, NULL)) == LEDE_OK &&
      (st = lede_doc_load(e, TEXT, sizeof TEXT - 1, NULL, &d)) == LEDE_OK &&
      (st = lede_run_string(e, "oom.lua", SCRIPT, sizeof SCRIPT - 1, d, &ro, &out, &n)) == LEDE_OK) {
    lede_free(out);
    out = NULL;
    if ((st = lede_doc_render(e, d, LEDE_FORMAT_HTML, 0, &out, &n)) == LEDE_OK &&
        (st = lede_doc_load(e, MARKDOWN, sizeof MARKDOWN - 1, &mdo, &md)) == LEDE_OK &&
        (st = lede_doc_counts(e, md, NULL, &n)) == LEDE_OK) {
      lede_free(out);
      out = NULL;
      st = lede_doc_render(e, md, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE, &out, &n);
    }
  }
  if (st == LEDE_OK) st = lede_find_script(e, "no-such-script", &path) == LEDE_ENOTFOUND
                              ? LEDE_OK : LEDE_EINVAL;
  const char *m = lede_errmsg(e);
  if (st != LEDE_OK) snprintf(msg, msglen, "%s", m ? m : "(null message)");
  lede_free(path);
  lede_free(out);
  lede_doc_free(md);
  lede_doc_free(d);
  lede_engine_free(e);
  return st;
}

TestSuite(oom);

/* Fails allocation k of every run (or, sticky, k and all after it: the
 * memory is gone for good, so nothing can retry its way out), for every k. */
static void fail_each(int is_sticky) {
#if OOM_SKIP
  (void)is_sticky, (void)workload;
  cr_skip_test("needs glibc malloc interposition (not under a sanitizer)");
#else
  char msg[512];
  /* Count the allocations of a clean run (and check it is clean). */
  count = 0, live = 0, fail_at = -1, armed = 1;
  lede_status st = workload(0, msg, sizeof msg);
  armed = 0;
  cr_assert_eq(st, LEDE_OK, "clean run failed: %s", msg);
  cr_assert_eq(live, 0, "clean run leaked %ld allocations", live);
  long total = count;
  cr_assert_gt(total, 100);

  long ok = 0, nomem = 0, script = 0;
  for (long k = 0; k < total; k++) {
    count = 0, live = 0, fail_at = k, sticky = is_sticky, armed = 1;
    st = workload(0, msg, sizeof msg);
    armed = 0, sticky = 0;
    cr_assert_eq(live, 0, "allocation %ld of %ld failing: %ld allocations leaked (status %d: %s)",
                 k, total, live, st, msg);
    if (st == LEDE_OK) {
      /* Absorbed: Lua collects garbage and retries a failed allocation;
       * at the very end, lede_find_script() reports a failed probe as
       * "not found", which the workload expects anyway. */
      ok++;
    } else if (st == LEDE_ENOMEM) {
      nomem++;
    } else {
      /* A memory error raised inside a script's own call may surface as a
       * script error, but its message must say what happened. */
      cr_assert(st == LEDE_ESCRIPT || st == LEDE_EIO,
                "allocation %ld: unexpected status %d (%s): %s", k, st, lede_strerror(st), msg);
      cr_assert(strstr(msg, "memory") != NULL,
                "allocation %ld: status %d without a memory message: %s", k, st, msg);
      script++;
    }
  }
  cr_log_info("oom: %ld allocations; failing %s: %ld ENOMEM, %ld script errors naming memory, "
              "%ld absorbed", total, is_sticky ? "each and all after it" : "each alone", nomem,
              script, ok);
#endif
}

Test(oom, each_allocation_failing_alone) { fail_each(0); }

/* The same failure paths through the script memory limit instead of
 * malloc: every limit from 4 KiB up, 256 bytes apart, until the workload fits.
 * This one needs no interposition, so it runs under ASan and UBSan too,
 * which then watch every clean-up path for use-after-free. */
Test(oom, every_memory_limit) {
  char msg[512];
  long limited = 0;
  size_t max = 0;
  int fits = 0;
  for (size_t limit = 4096; limit < ((size_t)64 << 20) && fits < 3; limit += 256) {
    lede_status st = workload(limit, msg, sizeof msg);
    if (st == LEDE_OK) {
      fits++;
      continue;
    }
    fits = 0;
    max = limit;
    limited++;
    cr_assert(st == LEDE_ELIMIT || st == LEDE_ENOMEM ||
              (st == LEDE_ESCRIPT && strstr(msg, "memory") != NULL),
              "limit %zu: unexpected status %d (%s): %s", limit, st, lede_strerror(st), msg);
  }
  cr_assert_eq(fits, 3, "the workload never fit");
  cr_log_info("oom: %ld memory limits up to %zu bytes stopped the workload cleanly", limited, max);
}
Test(oom, each_allocation_failing_for_good) { fail_each(1); }
