/* cli_batch.c -- one script over many documents on N worker threads, the
 * results in input order.  See cli_batch.h.
 *
 * Records move through a ring of slots.  The main thread reads records
 * into free slots (a file name, or a JSON line), workers take them in
 * order and fill in the result, and the main thread writes results out
 * from the head of the ring as soon as the head is done.  The ring has a
 * fixed number of slots, so memory is bounded by the records in flight,
 * never by the length of the stream; a slow record holds back only the
 * output after it, while the other workers fill the rest of the ring.
 *
 * Each worker owns one lede_engine for the whole batch: engines share
 * nothing, so workers take no lock except to pick a slot.  Every run gets
 * a fresh environment (lede.h), so no record sees another's globals, and the
 * limits (--max-memory, --timeout, ...) apply to each record on its own. */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_batch.h"
#include "cli_files.h"
#include "cli_jsonl.h"
#include "cli_progress.h"

/* Slots per worker: enough that a worker finding its next record ready
 * rarely waits for the reader, few enough that a stream of big records
 * stays a few records' worth of memory. */
#define SLOTS_PER_WORKER 4
/* A line buffer grown past this by one big record is released after it,
 * so one 10 MB record does not keep 10 MB in every slot it passes. */
#define KEEP_LINE_BUFFER (1u << 20)
/* JSON Lines are read in blocks of this size: through stdio's 4 KB buffer
 * a stream of 4 KB records cost a read(2) per record. */
#define READ_BLOCK (1u << 20)
/* Outputs are gathered up to this size before a write: one write(2) per
 * record cost as much as a tenth of a small record's whole run. */
#define WRITE_BLOCK (256u << 10)
/* Gathered output waits at most this long for more while the head record
 * is still running (-j N), so a consumer downstream is never kept waiting
 * long. */
#define WRITE_DELAY_NS 20000000L

typedef struct slot {
  /* input, written by the reader before the slot is handed out */
  size_t file;          /* files mode: index into the file list */
  char *line;           /* JSON Lines mode: the record, newline removed */
  size_t linecap, linelen, lineno;
  /* result, written by the worker before it sets done */
  char *out;            /* what goes to stdout (or to the -O file) */
  size_t outlen;
  int out_is_lede;      /* out came from liblede: lede_free(), not free() */
  char *msg;            /* for stderr, newline included; OWNED */
  fail_kind fail;
  long long bytes;      /* input size, for throughput */
  int done;
} slot;

typedef struct batch {
  const batch_config *cfg;
  file_list files;
  size_t next_file;
  FILE *in;             /* JSON Lines source */
  size_t lineno;
  char *rbuf;           /* READ_BLOCK bytes read from in's descriptor */
  size_t rpos, rend;    /* the bytes not taken yet */
  int reof, rerr;       /* end of input; errno of a failed read */
  char *obuf;           /* output gathered for one write; NULL: write */
  size_t on;            /* at once (a terminal, or no memory for it) */
  FILE *out;            /* stdout, or -o's temporary file */
  slot *slots;
  size_t nslots;
  /* Sequence numbers, never wrapped: head <= taken <= filled, and slot
   * seq % nslots holds record seq.  Guarded by mu. */
  size_t head, taken, filled;
  int eof, stop;
  pthread_mutex_t mu;
  pthread_cond_t work; /* a slot was filled, or the batch ends */
  pthread_cond_t done; /* a slot was done */
  pthread_mutex_t json_mu; /* see jsonl_parse */
  int fatal;            /* stdout or -o failed: the batch cannot go on */
  progress prog;
  lede_script *script;  /* compiled once; every worker's engine runs it */
} batch;

typedef struct worker {
  batch *b;
  lede_engine *e;
  pthread_t tid;
  int started;
} worker;

/* printf into a new string; NULL when out of memory (the caller then
 * reports the failure without its message). */
static char *fmt_msg(const char *fmt, const char *a, const char *b) {
  int n = snprintf(NULL, 0, fmt, a, b);
  char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (p) snprintf(p, (size_t)n + 1, fmt, a, b);
  return p;
}

/* Loading fails on the document (bad UTF-8, unreadable file) except for
 * limits; a run fails on the script except for limits and memory. */
static fail_kind load_failure(lede_status st) {
  return st == LEDE_ELIMIT || st == LEDE_ENOMEM ? FAIL_LIMIT : FAIL_INPUT;
}
static fail_kind run_failure(lede_status st) {
  return st == LEDE_ELIMIT || st == LEDE_ENOMEM ? FAIL_LIMIT : FAIL_SCRIPT;
}

static void process_file(worker *w, slot *s) {
  const batch_config *cfg = w->b->cfg;
  const batch_file *f = &w->b->files.v[s->file];
  s->bytes = f->size;
  lede_doc *doc = NULL;
  lede_status st = lede_doc_load_file(w->e, f->path, &cfg->load, &doc);
  if (st != LEDE_OK) {
    /* The loader's message already names the file. */
    s->fail = load_failure(st);
    s->msg = fmt_msg("lede: %s%s\n", lede_errmsg(w->e), "");
    return;
  }
  st = lede_script_run(w->e, w->b->script, doc, &cfg->run, &s->out, &s->outlen);
  lede_doc_free(doc);
  if (st != LEDE_OK) {
    /* A script's message names the script, not the document it ran on:
     * with many documents, say which. */
    s->fail = run_failure(st);
    const char *m = lede_errmsg(w->e), *tb = strstr(m, "\nstack traceback:");
    /* One line per failed document: with thousands, tracebacks would
     * bury the messages (running the file alone shows it). */
    int n = (int)(tb ? (size_t)(tb - m) : strlen(m));
    size_t cap = strlen(f->path) + (size_t)n + 16;
    if ((s->msg = malloc(cap))) snprintf(s->msg, cap, "lede: %s: %.*s\n", f->path, n, m);
    return;
  }
  s->out_is_lede = 1;
}

static void record_error(slot *s, const cJSON *id, fail_kind fail, const char *msg) {
  static const char *const status[FAIL_KINDS] = {"", "script", "input", "limit", "output"};
  s->fail = fail;
  s->out = jsonl_error_line(id, msg, status[fail], &s->outlen);
}

static void process_record(worker *w, slot *s) {
  batch *b = w->b;
  const batch_config *cfg = b->cfg;
  s->bytes = (long long)s->linelen;
  jsonl_record r;
  char *err;
  if (jsonl_parse(s->line, s->linelen, s->lineno, (cfg->load.flags & LEDE_LOAD_REPLACE_INVALID) != 0,
                  &cfg->run, &b->json_mu, &r, &err) != 0) {
    record_error(s, r.id, FAIL_INPUT, err ? err : "out of memory");
    free(err);
    jsonl_free(&r);
    return;
  }
  /* The command line's --from is the default; a record's "format" wins. */
  lede_load_options lo = cfg->load;
  if (r.format != LEDE_FORMAT_AUTO) lo.format = r.format;
  lede_doc *doc = NULL;
  lede_status st = lede_doc_load(w->e, r.text, r.len, &lo, &doc);
  if (st != LEDE_OK) {
    record_error(s, r.id, load_failure(st), lede_errmsg(w->e));
    jsonl_free(&r);
    return;
  }
  lede_run_options ro = cfg->run;
  ro.args = r.args;
  ro.nargs = r.nargs;
  char *out = NULL;
  size_t outlen = 0;
  st = lede_script_run(w->e, b->script, doc, &ro, &out, &outlen);
  lede_doc_free(doc);
  if (st != LEDE_OK) record_error(s, r.id, run_failure(st), lede_errmsg(w->e));
  else if (jsonl_utf8_prefix(out, outlen) < outlen)
    /* A JSON string must be text; a script may return any bytes. */
    record_error(s, r.id, FAIL_SCRIPT, "the script's output is not valid UTF-8");
  else
    s->out = jsonl_output_line(r.id, out, outlen, &s->outlen);
  lede_free(out);
  jsonl_free(&r);
  if (!s->out) s->fail = FAIL_LIMIT; /* not even the error line: emit() says so */
}

static void *worker_main(void *arg) {
  worker *w = arg;
  batch *b = w->b;
  pthread_mutex_lock(&b->mu);
  for (;;) {
    while (!b->stop && b->taken == b->filled && !b->eof) pthread_cond_wait(&b->work, &b->mu);
    if (b->stop || b->taken == b->filled) break;
    /* Records are taken in order, so the oldest is always being worked
     * on and the head of the ring is never the last to start. */
    slot *s = &b->slots[b->taken++ % b->nslots];
    pthread_mutex_unlock(&b->mu);
    if (b->cfg->jsonl) process_record(w, s);
    else process_file(w, s);
    pthread_mutex_lock(&b->mu);
    s->done = 1;
    /* Only the head's completion lets the main thread write anything:
     * waking it for others would cost a context switch per record. */
    if (s == &b->slots[b->head % b->nslots]) pthread_cond_signal(&b->done);
  }
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* Writes the gathered output.  Called before anything that may block
 * (reading input, waiting for a worker) and before any message on
 * stderr, so output comes as early and in the same order as unbuffered. */
static void out_flush(batch *b) {
  if (b->on && !b->fatal &&
      (fwrite(b->obuf, 1, b->on, b->out) != b->on || fflush(b->out) != 0)) {
    fprintf(stderr, "lede: cannot write the output: %s\n", strerror(errno));
    b->fatal = 1;
  }
  b->on = 0;
}

static void out_put(batch *b, const char *p, size_t n) {
  if (b->fatal) return;
  if (b->obuf && n < WRITE_BLOCK) {
    if (n > WRITE_BLOCK - b->on) out_flush(b);
    memcpy(b->obuf + b->on, p, n);
    b->on += n;
    return;
  }
  out_flush(b);
  if (!b->fatal && fwrite(p, 1, n, b->out) != n) {
    fprintf(stderr, "lede: cannot write the output: %s\n", strerror(errno));
    b->fatal = 1;
  }
}

/* getline() on the JSON Lines input, from READ_BLOCK-sized reads: the
 * line (newline included) in *line, NUL-terminated; its length, or -1 at
 * the end of the input or after a read error (rerr). */
static ssize_t read_line(batch *b, char **line, size_t *cap) {
  size_t n = 0;
  for (;;) {
    if (b->rpos == b->rend) {
      if (b->reof) return n ? (ssize_t)n : -1;
      /* The read may block on a slow pipe: what is done goes out first. */
      out_flush(b);
      ssize_t got = read(fileno(b->in), b->rbuf, READ_BLOCK);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        if (got < 0) b->rerr = errno;
        b->reof = 1;
        continue;
      }
      b->rpos = 0;
      b->rend = (size_t)got;
    }
    const char *from = b->rbuf + b->rpos;
    const char *nl = memchr(from, '\n', b->rend - b->rpos);
    size_t take = nl ? (size_t)(nl - from) + 1 : b->rend - b->rpos;
    if (n + take + 1 > *cap) {
      size_t want = *cap ? *cap : 256;
      while (want < n + take + 1) want *= 2;
      char *p = realloc(*line, want);
      if (!p) {
        b->rerr = ENOMEM;
        b->reof = 1;
        b->rpos = b->rend;
        return -1;
      }
      *line = p;
      *cap = want;
    }
    memcpy(*line + n, from, take);
    n += take;
    b->rpos += take;
    (*line)[n] = '\0';
    if (nl) return (ssize_t)n;
  }
}

/* Fills s with the next record.  Returns 1, or 0 at the end of the input
 * (or after a read error, which is fatal). */
static int read_record(batch *b, slot *s) {
  if (!b->cfg->jsonl) {
    if (b->next_file == b->files.n) return 0;
    s->file = b->next_file++;
    return 1;
  }
  for (;;) {
    ssize_t n = read_line(b, &s->line, &s->linecap);
    if (n < 0) {
      if (b->rerr) {
        out_flush(b);
        fprintf(stderr, "lede: cannot read standard input: %s\n", strerror(b->rerr));
        b->fatal = 1;
      }
      return 0;
    }
    b->lineno++;
    size_t len = (size_t)n;
    while (len && (s->line[len - 1] == '\n' || s->line[len - 1] == '\r')) len--;
    /* Blank lines are not records (a stream often ends with one); their
     * line numbers still count, so messages match an editor's. */
    size_t i = 0;
    while (i < len && (s->line[i] == ' ' || s->line[i] == '\t')) i++;
    if (i == len) continue;
    s->linelen = len;
    s->lineno = b->lineno;
    return 1;
  }
}

/* Writes a files-mode output under -O.  Returns 0, or sets the slot's
 * failure and message. */
static int write_output_file(batch *b, slot *s) {
  const batch_file *f = &b->files.v[s->file];
  char *path = files_output_path(b->cfg->outdir, f->rel, b->cfg->ext);
  if (!path) {
    s->msg = fmt_msg("lede: %s: out of memory%s\n", f->path, "");
    s->fail = FAIL_OUTPUT;
    return -1;
  }
  /* With the same directory and extension, the output would replace the
   * input it was made from. */
  struct stat si, so;
  if (stat(f->path, &si) == 0 && stat(path, &so) == 0 && si.st_dev == so.st_dev &&
      si.st_ino == so.st_ino) {
    s->msg = fmt_msg("lede: %s: the output '%s' would overwrite the input\n", f->path, path);
    s->fail = FAIL_OUTPUT;
    free(path);
    return -1;
  }
  char *tmp;
  FILE *o = atomic_open(path, 1, &tmp);
  int ok = o != NULL;
  if (o) {
    ok = fwrite(s->out, 1, s->outlen, o) == s->outlen && fflush(o) == 0;
    if (atomic_close(o, tmp, path, ok) != 0) ok = 0;
  }
  if (!ok) {
    s->msg = fmt_msg("lede: cannot write '%s': %s\n", path, strerror(errno));
    s->fail = FAIL_OUTPUT;
  }
  free(path);
  return ok ? 0 : -1;
}

/* Writes the head record's result and frees it, keeping its line buffer
 * for the next record unless one big record grew it. */
static void emit(batch *b, slot *s) {
  if (s->out && !s->fail && b->cfg->outdir) {
    write_output_file(b, s);
  } else if (s->out && s->outlen && !b->fatal) {
    /* On a terminal, stdout and the bar share the screen: clear the bar
     * so the output starts on a clean line (it is redrawn after). */
    if (b->out == stdout && b->prog.bar && b->prog.width) {
      fprintf(stderr, "\r%*s\r", b->prog.width, "");
      b->prog.width = 0;
    }
    out_put(b, s->out, s->outlen);
  }
  if (s->msg || (s->fail && !s->out)) {
    out_flush(b); /* the outputs before it come first */
    /* The message replaces the bar's line; the bar is redrawn later. */
    if (b->prog.bar && b->prog.width) {
      fprintf(stderr, "\r%*s\r", b->prog.width, "");
      b->prog.width = 0;
    }
    /* No message and no error record: making either ran out of memory. */
    fputs(s->msg ? s->msg : "lede: out of memory\n", stderr);
  }
  progress_step(&b->prog, s->fail, s->bytes);
  if (s->out_is_lede) lede_free(s->out);
  else free(s->out);
  free(s->msg);
  if (s->linecap > KEEP_LINE_BUFFER) {
    free(s->line);
    s->line = NULL;
    s->linecap = 0;
  }
  s->out = s->msg = NULL;
  s->outlen = 0;
  s->out_is_lede = 0;
  s->done = 0;
  s->fail = FAIL_NONE;
}

/* The main thread's loop: write what is done at the head, read while
 * there is room, wait when there is nothing else to do.  Reading may
 * block on a slow pipe; results done meanwhile are written first, so a
 * consumer downstream sees every record as early as order allows. */
static void pump(batch *b) {
  pthread_mutex_lock(&b->mu);
  for (;;) {
    while (!b->stop && b->head < b->filled && b->slots[b->head % b->nslots].done) {
      slot *s = &b->slots[b->head % b->nslots];
      pthread_mutex_unlock(&b->mu);
      emit(b, s);
      pthread_mutex_lock(&b->mu);
      b->head++;
      if (b->fatal || (b->cfg->fail_fast && progress_failures(&b->prog))) {
        b->stop = 1;
        pthread_cond_broadcast(&b->work);
      }
    }
    if (b->stop) break;
    if (!b->eof && b->filled - b->head < b->nslots) {
      /* The slot after the last filled one is free and no worker looks
       * at it until filled moves past it. */
      slot *s = &b->slots[b->filled % b->nslots];
      pthread_mutex_unlock(&b->mu);
      int got = read_record(b, s);
      pthread_mutex_lock(&b->mu);
      if (got) {
        b->filled++;
        pthread_cond_signal(&b->work);
      } else {
        b->eof = 1;
        if (b->fatal) b->stop = 1;
        pthread_cond_broadcast(&b->work);
      }
      continue;
    }
    if (b->eof && b->head == b->filled) break;
    if (b->on) {
      /* Gathered output waits a little for the head record's, no more. */
      struct timespec t;
      clock_gettime(CLOCK_REALTIME, &t);
      t.tv_nsec += WRITE_DELAY_NS;
      if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
      }
      if (pthread_cond_timedwait(&b->done, &b->mu, &t) == ETIMEDOUT) {
        pthread_mutex_unlock(&b->mu);
        out_flush(b);
        pthread_mutex_lock(&b->mu);
        if (b->fatal) {
          b->stop = 1;
          pthread_cond_broadcast(&b->work);
        }
      }
      continue;
    }
    pthread_cond_wait(&b->done, &b->mu);
  }
  pthread_mutex_unlock(&b->mu);
}

/* -j 1: the records run on the main thread, one after the other, with
 * no hand-off between threads (the mode GNU parallel and Spark use, one
 * lede per core, so it is worth having no per-record thread switches). */
static void run_inline(batch *b, worker *w) {
  slot *s = &b->slots[0];
  while (!b->fatal && read_record(b, s)) {
    if (b->cfg->jsonl) process_record(w, s);
    else process_file(w, s);
    emit(b, s);
    if (b->cfg->fail_fast && progress_failures(&b->prog)) break;
  }
}

int batch_default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int exit_status(const batch *b) {
  const progress *p = &b->prog;
  if (b->fatal) return EXIT_SCRIPT;
  if (p->failed[FAIL_SCRIPT] || p->failed[FAIL_INPUT] || p->failed[FAIL_OUTPUT]) return EXIT_SCRIPT;
  return p->failed[FAIL_LIMIT] ? EXIT_LIMIT : 0;
}

static int start(batch *b, const batch_config *cfg) {
  memset(b, 0, sizeof *b);
  b->cfg = cfg;
  b->out = stdout;
  if (cfg->jsonl) {
    b->in = stdin;
    if (isatty(0))
      fprintf(stderr, "lede: reading JSON Lines from standard input (end with Ctrl-D)\n");
    /* A regular file on stdin has a known size: the bar can show an ETA. */
    struct stat st;
    long long total = fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    progress_init(&b->prog, cfg->progress, "records", 0, total);
  } else {
    int rc = files_collect(cfg, &b->files);
    if (rc) return rc;
    size_t dashes = 0;
    for (size_t i = 0; i < b->files.n; i++) dashes += strcmp(b->files.v[i].path, "-") == 0;
    if (dashes > 1 || (dashes && cfg->outdir)) {
      fprintf(stderr, "lede: %s\nTry 'lede --help' for more information.\n",
              dashes > 1 ? "standard input ('-') can be read only once"
                         : "-O needs named files: standard input has no name to write under");
      return EXIT_USAGE;
    }
    progress_init(&b->prog, cfg->progress, "files", b->files.n, b->files.bytes);
  }
  return 0;
}

int batch_main(const batch_config *cfg) {
  batch b;
  int rc = start(&b, cfg); /* zeroes b first */
  if (rc) {
    files_free(&b.files);
    return rc;
  }
  int jobs = cfg->jobs < 1 ? 1 : cfg->jobs;
  /* No more workers than files: each would only make an engine. */
  if (!cfg->jsonl && b.files.n < (size_t)jobs) jobs = b.files.n ? (int)b.files.n : 1;
  b.nslots = (size_t)jobs * SLOTS_PER_WORKER;
  b.slots = calloc(b.nslots, sizeof *b.slots);
  worker *w = calloc((size_t)jobs, sizeof *w);
  char *tmp = NULL;
  if (cfg->jsonl) b.rbuf = malloc(READ_BLOCK);
  if (!b.slots || !w || (cfg->jsonl && !b.rbuf)) {
    fprintf(stderr, "lede: out of memory\n");
    rc = EXIT_SCRIPT;
    goto done;
  }
  if (cfg->output && !(b.out = atomic_open(cfg->output, 0, &tmp))) {
    fprintf(stderr, "lede: cannot write '%s': %s\n", cfg->output, strerror(errno));
    b.out = stdout;
    rc = EXIT_SCRIPT;
    goto done;
  }
  /* A terminal shows each output as it comes; elsewhere outputs are
   * gathered into big writes (without the memory, written one by one). */
  if (!isatty(fileno(b.out))) b.obuf = malloc(WRITE_BLOCK);
  /* Engines are made before any thread starts, so a bad option fails
   * the batch at once instead of record by record. */
  for (int i = 0; i < jobs; i++) {
    w[i].b = &b;
    lede_status st = lede_engine_new(&cfg->opt, &w[i].e);
    if (st != LEDE_OK) {
      fprintf(stderr, "lede: cannot create engine: %s\n", lede_strerror(st));
      rc = EXIT_SCRIPT;
      goto done;
    }
  }
  /* One compile for the whole batch: a prepared script is immutable and
   * any number of engines may run it at once (lede.h), and a script that
   * does not compile fails the batch here instead of once per record. */
  lede_status cst = lede_script_compile_file(w[0].e, cfg->script, &b.script);
  if (cst != LEDE_OK) {
    const char *m = lede_errmsg(w[0].e);
    fprintf(stderr, "%s%s\n", cst == LEDE_ESCRIPT ? "" : "lede: ", *m ? m : lede_strerror(cst));
    rc = cst == LEDE_ESCRIPT ? EXIT_SCRIPT : EXIT_LIMIT;
    goto done;
  }
  pthread_mutex_init(&b.json_mu, NULL);
  if (jobs == 1) {
    run_inline(&b, &w[0]);
    goto finish;
  }
  pthread_mutex_init(&b.mu, NULL);
  pthread_cond_init(&b.work, NULL);
  pthread_cond_init(&b.done, NULL);
  for (int i = 0; i < jobs; i++) {
    if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
      fprintf(stderr, "lede: cannot start worker %d: %s\n", i + 1, strerror(errno));
      b.fatal = 1;
      break;
    }
    w[i].started = 1;
  }
  if (!b.fatal) pump(&b);
  pthread_mutex_lock(&b.mu);
  b.stop = 1;
  pthread_cond_broadcast(&b.work);
  pthread_mutex_unlock(&b.mu);
  for (int i = 0; i < jobs; i++)
    if (w[i].started) pthread_join(w[i].tid, NULL);
  pthread_cond_destroy(&b.work);
  pthread_cond_destroy(&b.done);
  pthread_mutex_destroy(&b.mu);
finish:
  pthread_mutex_destroy(&b.json_mu);
  out_flush(&b);
  if (fflush(b.out) != 0 || ferror(b.out)) {
    if (!b.fatal) fprintf(stderr, "lede: cannot write the output: %s\n", strerror(errno));
    b.fatal = 1;
  }
  if (cfg->fail_fast && progress_failures(&b.prog) && !b.fatal)
    fprintf(stderr, "lede: stopped at the first failure (--fail-fast)\n");
  progress_finish(&b.prog, jobs);
  rc = exit_status(&b);
done:
  if (tmp) {
    /* -o: with JSON Lines every record, failed or not, has its line, so
     * the file is complete unless writing failed; with files, a failed
     * document leaves a gap, and -o keeps its all-or-nothing promise. */
    int keep = !b.fatal && rc != EXIT_USAGE && (cfg->jsonl ? 1 : rc == 0);
    if (atomic_close(b.out, tmp, cfg->output, keep) != 0 && keep) {
      fprintf(stderr, "lede: cannot write '%s': %s\n", cfg->output, strerror(errno));
      rc = EXIT_SCRIPT;
    }
  }
  if (b.slots) {
    for (size_t i = 0; i < b.nslots; i++) {
      slot *s = &b.slots[i];
      if (s->out_is_lede) lede_free(s->out);
      else free(s->out);
      free(s->msg);
      free(s->line);
    }
  }
  free(b.slots);
  free(b.rbuf);
  free(b.obuf);
  lede_script_free(b.script);
  if (w)
    for (int i = 0; i < jobs; i++) lede_engine_free(w[i].e);
  free(w);
  files_free(&b.files);
  return rc;
}
