/* cli_files.c -- where a batch's documents come from and where their
 * outputs go.  See cli_files.h. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_files.h"

/* What -r takes when no --include is given: the formats lede reads. */
static const char *const default_include[] = {"*.txt", "*.md", "*.markdown"};

/* strdup is POSIX 2008 but not C11: -std=c11 hides it without feature
 * macros in some libcs, and this is three lines. */
static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  return p ? memcpy(p, s, n) : NULL;
}

static int add_file(file_list *l, const char *path, const char *rel, long long size) {
  if (l->n == l->cap) { /* doubling: a million files cost 20 reallocs */
    size_t cap = l->cap ? l->cap * 2 : 64;
    batch_file *v = realloc(l->v, cap * sizeof *v);
    if (!v) return -1;
    l->v = v;
    l->cap = cap;
  }
  batch_file *f = &l->v[l->n];
  f->path = dup_str(path);
  f->rel = dup_str(rel);
  if (!f->path || !f->rel) {
    free(f->path);
    free(f->rel);
    return -1;
  }
  f->size = size;
  if (size > 0) l->bytes += size; /* the bar's ETA: bytes, not file counts */
  l->n++;
  return 0;
}

/* A glob with a '/' is matched against the path below the -r directory
 * (so "api/[a-z]*.md" works), one without against the base name (so "*.md"
 * matches at any depth, as find -name does). */
static int included(const batch_config *cfg, const char *rel, const char *base) {
  const char *const *g = cfg->ninclude ? cfg->include : default_include;
  size_t n = cfg->ninclude ? cfg->ninclude : sizeof default_include / sizeof *default_include;
  for (size_t i = 0; i < n; i++) {
    int slash = strchr(g[i], '/') != NULL;
    if (fnmatch(g[i], slash ? rel : base, slash ? FNM_PATHNAME : 0) == 0) return 1;
  }
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks dir (path on disk; rel its name below the -r root, "" at the
 * root).  Hidden entries are skipped (.git and editor files are never
 * documents), and so are symbolic links to directories, so a link cycle
 * cannot make the walk endless.  Returns 0, or -1 after a message. */
static int walk(const batch_config *cfg, file_list *l, const char *dir, const char *rel) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "lede: cannot read directory '%s': %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *ent;
  /* Names first, recursion after: a directory stays open only while it
   * is read, so a deep tree does not run out of file descriptors. */
  while ((ent = readdir(d))) {
    if (ent->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **v = realloc(names, cap * sizeof *v);
      if (!v) { rc = -1; break; }
      names = v;
    }
    if (!(names[n] = dup_str(ent->d_name))) { rc = -1; break; }
    n++;
  }
  closedir(d);
  if (rc) fprintf(stderr, "lede: out of memory listing '%s'\n", dir);
  /* readdir's order is the file system's: sort so that outputs and
   * messages come out the same on every machine. */
  if (!rc && n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n && !rc; i++) {
    size_t pl = strlen(dir) + strlen(names[i]) + 2, rl = strlen(rel) + strlen(names[i]) + 2;
    char *path = malloc(pl), *sub = malloc(rl);
    if (!path || !sub) {
      fprintf(stderr, "lede: out of memory listing '%s'\n", dir);
      rc = -1;
    } else {
      /* "-r ." names its files "a.txt", not "./a.txt". */
      if (strcmp(dir, ".") == 0) snprintf(path, pl, "%s", names[i]);
      else snprintf(path, pl, "%s/%s", dir, names[i]);
      snprintf(sub, rl, "%s%s%s", rel, *rel ? "/" : "", names[i]);
      /* lstat says whether it is a link, stat what it points to: a
       * linked file is a document, a linked directory is not walked. */
      struct stat lst, st;
      if (lstat(path, &lst) == 0 && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
          /* -O inside the tree ("-r docs -O docs/html"): its outputs are
           * not inputs, or a second run would process them too. */
          struct stat od;
          int is_outdir = cfg->outdir && stat(cfg->outdir, &od) == 0 &&
                          od.st_dev == st.st_dev && od.st_ino == st.st_ino;
          if (!S_ISLNK(lst.st_mode) && !is_outdir) rc = walk(cfg, l, path, sub);
        } else if (S_ISREG(st.st_mode) && included(cfg, sub, names[i])) {
          if (add_file(l, path, sub, (long long)st.st_size)) {
            fprintf(stderr, "lede: out of memory listing '%s'\n", dir);
            rc = -1;
          }
        }
      } /* else a dangling link or a file removed meanwhile: not a document */
    }
    free(path);
    free(sub);
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return rc;
}

/* The -O name of a file named on the command line: its path when that is
 * relative and never climbs out ("a/b.md" -> OUT/a/b.EXT), else its base
 * name ("/x/y.md" and "../y.md" -> OUT/y.EXT). */
static const char *explicit_rel(const char *path) {
  while (path[0] == '.' && path[1] == '/') path += 2;
  int climbs = strncmp(path, "../", 3) == 0 || strstr(path, "/../") != NULL;
  if (path[0] != '/' && !climbs) return path;
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int files_collect(const batch_config *cfg, file_list *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const char *in = cfg->inputs[i];
    struct stat st;
    /* A path that cannot be stat'ed is kept as a file: it fails as its
     * own record with the loader's message, and the rest still run. */
    int is_dir = strcmp(in, "-") != 0 && stat(in, &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir && !cfg->recursive) {
      fprintf(stderr, "lede: '%s' is a directory (use -r to process the documents in it)\n"
                      "Try 'lede --help' for more information.\n", in);
      files_free(out);
      return EXIT_USAGE;
    }
    if (is_dir) {
      /* Strip trailing slashes so "docs/" names its files "docs/x.md". */
      size_t n = strlen(in);
      char *root = dup_str(in);
      if (!root) { files_free(out); return EXIT_SCRIPT; }
      while (n > 1 && root[n - 1] == '/') root[--n] = '\0';
      int rc = walk(cfg, out, root, "");
      free(root);
      if (rc) { files_free(out); return EXIT_SCRIPT; }
      continue;
    }
    long long size = strcmp(in, "-") != 0 && stat(in, &st) == 0 ? (long long)st.st_size : -1;
    if (add_file(out, in, explicit_rel(in), size)) {
      fprintf(stderr, "lede: out of memory\n");
      files_free(out);
      return EXIT_SCRIPT;
    }
  }
  return 0;
}

void files_free(file_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].path);
    free(l->v[i].rel);
  }
  free(l->v);
  memset(l, 0, sizeof *l);
}

char *files_output_path(const char *dir, const char *rel, const char *ext) {
  const char *base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  const char *dot = strrchr(base, '.');
  /* "README" has no extension and ".profile" is a name, not one. */
  /* The dot must be in the base name: "v1.2/README" has no extension. */
  size_t stem = ext && dot && dot != base ? (size_t)(dot - rel) : strlen(rel);
  size_t n = strlen(dir) + 1 + stem + (ext ? strlen(ext) + 1 : 0) + 1;
  char *p = malloc(n);
  if (!p) return NULL;
  if (ext) snprintf(p, n, "%s/%.*s.%s", dir, (int)stem, rel, ext);
  else snprintf(p, n, "%s/%s", dir, rel);
  return p;
}

/* mkdir -p of path's parent directories.  EEXIST is success: another
 * output may have created the same directory first. */
static int make_parents(const char *path) {
  char *p = dup_str(path);
  if (!p) return -1;
  /* Each prefix ending before a '/' is a directory to make; starting at
   * p + 1 skips the root of an absolute path. */
  for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      int err = errno;
      free(p);
      errno = err;
      return -1;
    }
    *s = '/';
  }
  free(p);
  return 0;
}

/* Writes go to PATH.XXXXXX in the same directory, so the final rename
 * stays on one file system and is atomic: a reader sees the old file or
 * the complete new one, never a partial output. */
FILE *atomic_open(const char *path, int mkdirs, char **tmp) {
  *tmp = NULL;
  if (mkdirs && make_parents(path) != 0) return NULL;
  size_t n = strlen(path) + 8;
  char *t = malloc(n);
  if (!t) return NULL;
  snprintf(t, n, "%s.XXXXXX", path);
  int fd = mkstemp(t);
  if (fd < 0) {
    free(t);
    return NULL;
  }
  /* mkstemp makes the file 0600; an output is an ordinary file. */
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0) { /* harmless: the file stays 0600 */ }
  FILE *f = fdopen(fd, "wb");
  if (!f) {
    int err = errno;
    close(fd);
    unlink(t);
    free(t);
    errno = err;
    return NULL;
  }
  *tmp = t;
  return f;
}

int atomic_close(FILE *f, char *tmp, const char *path, int keep) {
  int rc = 0;
  /* fclose flushes: a full disk shows here, and must not be renamed
   * into place as if the output were complete. */
  if (fclose(f) != 0) rc = -1;
  if (rc == 0 && keep && rename(tmp, path) != 0) rc = -1;
  if (rc != 0 || !keep) {
    int err = errno;
    unlink(tmp);
    errno = err;
  }
  free(tmp);
  return rc;
}
