/* embed.c -- the smallest complete lede host: load a document, run a
 * bundled script on it, print the output, free everything.
 *
 * Build against an installed lede:   cc embed.c $(pkg-config --cflags --libs lede)
 * Run it where article.txt is:       cd examples && ./embed
 *
 * Every pointer liblede hands out is either OWNED (freed here with the
 * function the header names) or BORROWED (lede_errmsg: read it before the
 * next call on the engine). */
#include <stdio.h>

#include <lede.h>

int main(void) {
  /* The header and the library must match: same ABI, library not older. */
  if (lede_abi_version() != LEDE_ABI_VERSION || lede_version() < LEDE_VERSION_NUM) {
    fprintf(stderr, "embed: built for lede %s, running with %s\n", LEDE_VERSION_STRING,
            lede_version_string());
    return 1;
  }

  lede_engine *e = NULL;
  lede_status st = lede_engine_new(NULL, &e); /* NULL: default options */
  if (st != LEDE_OK) {
    fprintf(stderr, "embed: %s\n", lede_strerror(st)); /* no engine, no message */
    return 1;
  }

  lede_doc *doc = NULL; /* OWNED: lede_doc_free() */
  char *script = NULL;  /* OWNED: lede_free() */
  char *out = NULL;     /* OWNED: lede_free() */
  size_t outlen = 0;
  int rc = 1;
  if ((st = lede_doc_load_file(e, "article.txt", NULL, &doc)) != LEDE_OK ||
      (st = lede_find_script(e, "sentences", &script)) != LEDE_OK ||
      (st = lede_run_file(e, script, doc, NULL, &out, &outlen)) != LEDE_OK) {
    /* lede_errmsg is BORROWED: valid until the next call on e. */
    fprintf(stderr, "embed: %s: %s\n", lede_strerror(st), lede_errmsg(e));
    goto done;
  }

  size_t paragraphs = 0, sentences = 0;
  if (lede_doc_counts(e, doc, &paragraphs, &sentences) != LEDE_OK) goto done;
  printf("%zu paragraphs, %zu sentences, one per line:\n", paragraphs, sentences);
  fwrite(out, 1, outlen, stdout);
  rc = 0;

done:
  lede_free(out);       /* all three are NULL-safe, so one exit path */
  lede_free(script);
  lede_doc_free(doc);
  lede_engine_free(e);  /* last: nothing above borrows from it any more */
  return rc;
}
