/* test_redact_cli.c -- `lede redact` and `lede unredact` run as the user
 * runs them: every style, the policy options, reports, the preview page,
 * Markdown kept around replacements (link destinations included),
 * unredact(redact(doc)) == doc on plain and Markdown documents, the
 * mapping file's mode, and the lede.redact Lua module (custom
 * recognizers, validators, the file rule of the sandbox). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"

static char dir[256];

static void setup(void) { make_tmpdir(dir, sizeof dir); }
static void teardown(void) { remove_tmpdir(dir); }
TestSuite(redact_cli, .init = setup, .fini = teardown);

static const char *tmp(const char *name) { return path_in(dir, name); }
static const char *file(const char *name, const char *content) {
  return file_in(dir, name, content);
}

static void expect_out(proc_result *r, int status, const char *out) {
  cr_assert_eq(r->status, status, "exit %d, wanted %d\nstdout: %s\nstderr: %s", r->status,
               status, r->out, r->err);
  if (out) cr_assert_str_eq(r->out, out, "stderr: %s", r->err);
}

static const char TEXT[] =
    "Hi Ann, mail me at ann.lee@example.com or call (555) 010-9999.\n"
    "\n"
    "Card 4111 1111 1111 1111 expires 03/27; ann.lee@example.com again.\n";

Test(redact_cli, tag_is_the_default) {
  proc_result r = run_lede(ARGV("redact"), TEXT);
  expect_out(&r, 0,
             "Hi Ann, mail me at [EMAIL] or call [PHONE].\n\n"
             "Card [CREDIT_CARD] expires 03/27; [EMAIL] again.\n");
  proc_free(&r);
}

Test(redact_cli, mask_keeps_separators_and_last_digits) {
  proc_result r = run_lede(ARGV("redact", "--style", "mask", "--keep-last", "4"), TEXT);
  expect_out(&r, 0,
             "Hi Ann, mail me at ***.***@******e.com or call (***) ***-9999.\n\n"
             "Card **** **** **** 1111 expires 03/27; ***.***@******e.com again.\n");
  proc_free(&r);
}

Test(redact_cli, per_type_styles_remove_and_keep) {
  proc_result r = run_lede(ARGV("redact", "--style", "tag,card=mask"), "Card 4111 1111 1111 1111.\n");
  expect_out(&r, 0, "Card **** **** **** ****.\n");
  proc_free(&r);
  r = run_lede(ARGV("redact", "--style", "remove,email=keep,phone=tag"), TEXT);
  expect_out(&r, 0,
             "Hi Ann, mail me at ann.lee@example.com or call [PHONE].\n\n"
             "Card  expires 03/27; ann.lee@example.com again.\n");
  proc_free(&r);
  r = run_lede(ARGV("redact", "--style", "shred"), TEXT);
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "unknown style 'shred'"), "%s", r.err);
  proc_free(&r);
  /* Bad options are usage errors: the message and a hint, no traceback. */
  r = run_lede(ARGV("redact", "--style", "mask", "--keep-last", "x"), TEXT);
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lede: --keep-last needs a whole number\nTry 'lede redact --help'.\n");
  proc_free(&r);
  r = run_lede(ARGV("unredact"), TEXT);
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lede: --mapping FILE is required\nTry 'lede unredact --help'.\n");
  proc_free(&r);
}

Test(redact_cli, pseudonyms_are_consistent_and_reversible) {
  const char *map = tmp("map.tsv");
  const char *in = file("a.txt", TEXT);
  const char *red = tmp("a.red.txt");
  proc_result r = run_lede(ARGV("redact", "--style", "pseudonym", "--mapping", map, in, "-o", red), NULL);
  expect_out(&r, 0, "");
  proc_free(&r);
  size_t n;
  char *got = slurp(red, &n);
  cr_assert_str_eq(got, "Hi Ann, mail me at <EMAIL_1> or call <PHONE_1>.\n\n"
                        "Card <CREDIT_CARD_1> expires 03/27; <EMAIL_1> again.\n");
  free(got);
  struct stat st;
  cr_assert_eq(stat(map, &st), 0);
  cr_expect_eq(st.st_mode & 0777, 0600, "mapping mode %o", st.st_mode & 0777);
  /* a second document continues the numbering and reuses known values */
  r = run_lede(ARGV("redact", "--style", "pseudonym", "--mapping", map),
               "From bob@example.net to ann.lee@example.com.\n");
  expect_out(&r, 0, "From <EMAIL_2> to <EMAIL_1>.\n");
  proc_free(&r);
  r = run_lede(ARGV("unredact", "--mapping", map, red), NULL);
  expect_out(&r, 0, TEXT);
  proc_free(&r);
}

/* unredact(redact(doc)) == doc, byte for byte, plain and Markdown. */
Test(redact_cli, round_trip_on_several_documents) {
  static const char *const docs[] = {
      TEXT,
      "# Notes for *Q3*\n\n- **Lead:** Jürgen (jurgen.k@example.de), +49 30 901820\n"
      "- Link: [write](mailto:jurgen.k@example.de) or <https://intra.example.com/u?id=7>\n\n"
      "> Server 10.0.0.12 rebooted on 2024-03-21.\n\n```\nssh admin@10.0.0.12\n```\n",
      "tabs\tand\r\nCRLF lines: 192.168.1.20\r\nIBAN DE89 3704 0044 0532 0130 00\r\n",
      "Nothing personal here: version 1.2.3.4, $12.50, report.pdf.\n",
      "Ünïcödé — «léa@exemple.fr» · 電話 +81 3-1234-5678。\n"};
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
    char name[32], red[32];
    snprintf(name, sizeof name, "doc%zu%s", i, i == 1 ? ".md" : ".txt");
    snprintf(red, sizeof red, "red%zu%s", i, i == 1 ? ".md" : ".txt");
    const char *in = file(name, docs[i]);
    const char *map = tmp("rt.tsv");
    const char *outp = tmp(red);
    proc_result r = run_lede(ARGV("redact", "--style", "pseudonym", "--mapping", map, in, "-o", outp), NULL);
    expect_out(&r, 0, "");
    proc_free(&r);
    r = run_lede(ARGV("unredact", "--mapping", map, outp), NULL);
    expect_out(&r, 0, docs[i]);
    proc_free(&r);
  }
}

Test(redact_cli, pseudonym_already_in_document_is_refused) {
  const char *map = tmp("m.tsv");
  proc_result r = run_lede(ARGV("redact", "--style", "pseudonym", "--mapping", map), "a@example.com\n");
  expect_out(&r, 0, "<EMAIL_1>\n");
  proc_free(&r);
  r = run_lede(ARGV("redact", "--style", "pseudonym", "--mapping", map), "b@example.com <EMAIL_1>\n");
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "already contains <EMAIL_1>"), "%s", r.err);
  proc_free(&r);
}

Test(redact_cli, hash_is_keyed) {
  proc_result r = run_lede(ARGV("redact", "--style", "hash"), "a@example.com\n");
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "--key-file"), "%s", r.err);
  proc_free(&r);
  const char *k1 = file("k1", "0123456789abcdef0123456789abcdef");
  const char *k2 = file("k2", "fedcba9876543210fedcba9876543210");
  const char *kshort = file("k3", "short");
  r = run_lede(ARGV("redact", "--style", "hash", "--key-file", k1), "a@example.com a@example.com\n");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_eq(strlen(r.out), strlen("[EMAIL:0123456789abcdef] [EMAIL:0123456789abcdef]\n"), "%s", r.out);
  cr_assert_eq(strncmp(r.out, r.out + 25, 24), 0, "same value, same hash: %s", r.out);
  char first[64];
  snprintf(first, sizeof first, "%s", r.out);
  proc_free(&r);
  r = run_lede(ARGV("redact", "--style", "hash", "--key-file", k2), "a@example.com a@example.com\n");
  cr_assert_eq(r.status, 0);
  cr_assert_str_neq(r.out, first);
  proc_free(&r);
  r = run_lede(ARGV("redact", "--style", "hash", "--key-file", kshort), "a@example.com\n");
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "at least 16 bytes"), "%s", r.err);
  proc_free(&r);
}

Test(redact_cli, types_allow_and_deny) {
  proc_result r = run_lede(ARGV("redact", "--types", "phone,card"), TEXT);
  expect_out(&r, 0,
             "Hi Ann, mail me at ann.lee@example.com or call [PHONE].\n\n"
             "Card [CREDIT_CARD] expires 03/27; ann.lee@example.com again.\n");
  proc_free(&r);
  const char *allow = file("allow.txt", "# public addresses\nANN.LEE@example.com\n");
  const char *deny = file("deny.txt", "ann\nProject Falcon\n");
  r = run_lede(ARGV("redact", "--allow", allow, "--deny", deny),
               "Ann (ann.lee@example.com) leads project falcon; Annabel does not.\n");
  expect_out(&r, 0, "[CUSTOM] (ann.lee@example.com) leads [CUSTOM]; Annabel does not.\n");
  proc_free(&r);
  r = run_lede(ARGV("redact", "--types", "emails"), TEXT);
  cr_assert_eq(r.status, 2);
  cr_assert(strstr(r.err, "unknown type 'emails'"), "%s", r.err);
  proc_free(&r);
}

Test(redact_cli, report_and_detect_only) {
  const char *rep = tmp("r.json");
  const char *in = file("in.txt", "Mail a@example.com.\n\nOn 2024-03-21 it ended. Call 555-010-9999\n");
  proc_result r = run_lede(ARGV("redact", in, "--report", rep), NULL);
  expect_out(&r, 0, "Mail [EMAIL].\n\nOn [DATE] it ended. Call [PHONE]\n");
  proc_free(&r);
  size_t n;
  char *got = slurp(rep, &n);
  cr_assert_str_eq(got,
                   "[\n"
                   "{\"type\":\"EMAIL\",\"start\":5,\"end\":18,\"paragraph\":1,\"sentence\":1,\"operator\":\"tag\"},\n"
                   "{\"type\":\"DATE\",\"start\":24,\"end\":34,\"paragraph\":2,\"sentence\":2,\"operator\":\"tag\"},\n"
                   "{\"type\":\"PHONE\",\"start\":50,\"end\":62,\"paragraph\":2,\"sentence\":3,\"operator\":\"tag\"}\n"
                   "]\n");
  free(got);
  r = run_lede(ARGV("redact", in, "--detect-only", "--format", "json", "--report-values",
                    "--style", "mask"), NULL);
  expect_out(&r, 0,
             "[\n"
             "{\"type\":\"EMAIL\",\"start\":5,\"end\":18,\"paragraph\":1,\"sentence\":1,\"operator\":\"mask\",\"value\":\"a@example.com\"},\n"
             "{\"type\":\"DATE\",\"start\":24,\"end\":34,\"paragraph\":2,\"sentence\":2,\"operator\":\"mask\",\"value\":\"2024-03-21\"},\n"
             "{\"type\":\"PHONE\",\"start\":50,\"end\":62,\"paragraph\":2,\"sentence\":3,\"operator\":\"mask\",\"value\":\"555-010-9999\"}\n"
             "]\n");
  proc_free(&r);
  r = run_lede(ARGV("redact", "--detect-only", "--format", "text"), "x 192.168.0.1\n");
  expect_out(&r, 0, "IP_ADDRESS\t2\t13\n");
  proc_free(&r);
}

Test(redact_cli, markdown_keeps_markup_and_scans_destinations) {
  const char *in = file("n.md",
                        "## Team\n\n"
                        "* **Ann** — [mail](mailto:ann@example.com), <bob@example.net>\n"
                        "* `10.0.0.1` and _555-010-9999_\n");
  proc_result r = run_lede(ARGV("redact", in), NULL);
  expect_out(&r, 0,
             "## Team\n\n"
             "* **Ann** — [mail](mailto:[EMAIL]), <[EMAIL]>\n"
             "* `[IP_ADDRESS]` and _[PHONE]_\n");
  const char *red = file("n.red.md", r.out);
  proc_free(&r);
  r = run_lede(ARGV("render", "--to", "html", red), NULL);
  cr_assert_eq(r.status, 0);
  cr_assert(!strstr(r.out, "example.com") && !strstr(r.out, "example.net"), "%s", r.out);
  cr_assert(strstr(r.out, "<strong>Ann</strong>"), "%s", r.out);
  proc_free(&r);
  /* mask stars outside code are escaped, so they never become emphasis */
  r = run_lede(ARGV("redact", "--style", "mask", in), NULL);
  expect_out(&r, 0,
             "## Team\n\n"
             "* **Ann** — [mail](mailto:\\*\\*\\*@\\*\\*\\*\\*\\*\\*\\*.\\*\\*\\*), <***@*******.***>\n"
             "* `**.*.*.*` and _\\*\\*\\*-\\*\\*\\*-\\*\\*\\*\\*_\n");
  proc_free(&r);
  /* a pseudonym is not an HTML tag in CommonMark: it renders as text */
  r = run_lede(ARGV("redact", "--style", "pseudonym", in), NULL);
  const char *ps = file("n.ps.md", r.out);
  proc_free(&r);
  r = run_lede(ARGV("render", "--to", "html", ps), NULL);
  cr_assert(strstr(r.out, "&lt;IP_ADDRESS_1&gt;") && strstr(r.out, "&lt;PHONE_1&gt;"), "%s", r.out);
  proc_free(&r);
}

Test(redact_cli, preview_page_is_escaped) {
  const char *pv = tmp("p.html");
  proc_result r = run_lede(ARGV("redact", "--preview", pv),
                           "<script>alert(1)</script> mail \"x\"@ a@example.com & 10.0.0.1\n");
  cr_assert_eq(r.status, 0, "%s", r.err);
  proc_free(&r);
  size_t n;
  char *page = slurp(pv, &n);
  cr_assert(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", page);
  cr_assert(!strstr(page, "<script>"), "%s", page);
  cr_assert(strstr(page, "<mark class=\"pii\" data-type=\"EMAIL\" title=\"EMAIL -&gt; tag\">"
                         "<span class=\"type\">EMAIL</span>a@example.com</mark> &amp; "
                         "<mark class=\"pii\" data-type=\"IP_ADDRESS\""), "%s", page);
  free(page);
}

Test(redact_cli, custom_recognizers_in_lua) {
  const char *rec = file("rec.lua",
                         "lede.redact.add{type = 'EMPLOYEE_ID', pattern = 'EMP%-%d%d%d%d%d'}\n"
                         "lede.redact.add{type = 'CARD_REF', pattern = '%d%d%d%d+', validator = 'luhn'}\n"
                         "lede.redact.add{type = 'CASE', pattern = function(text, init)\n"
                         "  return text:find('CASE#%d+', init) end,\n"
                         "  validator = function(v) return v ~= 'CASE#0' end}\n");
  proc_result r = run_lede(ARGV("redact", "--recognizers", rec),
                           "EMP-01234 filed CASE#77 (not CASE#0) ref 79927398713 and 79927398710.\n");
  expect_out(&r, 0, "[EMPLOYEE_ID] filed [CASE] (not CASE#0) ref [CARD_REF] and 79927398710.\n");
  proc_free(&r);
}

Test(redact_cli, lua_module_validators_and_file_rule) {
  const char *script = file("v.lua",
                            "local R = lede.redact\n"
                            "local ok, err = pcall(R.read, '/etc/passwd')\n"
                            "return table.concat({tostring(R.luhn('4111 1111 1111 1111')),\n"
                            "  tostring(R.luhn('4111 1111 1111 1112')), tostring(R.iban('GB82WEST12345698765432')),\n"
                            "  tostring(R.ssn('078-05-1120')), tostring(R.validators.date('29.02.2024')),\n"
                            "  tostring(R.email('x@example.org')), tostring(R.ip('::1')), #R.scan('a@b.com 10.0.0.1'),\n"
                            "  tostring(ok), err:match('not given on the command line') or err}, ' ') .. '\\n'\n");
  proc_result r = run_lede(ARGV("run", script), "");
  expect_out(&r, 0, "true false true false true true true 2 false not given on the command line\n");
  proc_free(&r);
}

/* An LPeg pattern is any object with :match(subject, init) returning the
 * position after a match; this stand-in matches "ID-" and four digits. */
Test(redact_cli, lpeg_style_pattern_objects) {
  const char *script = file("lp.lua",
                            "local P = setmetatable({}, {__index = {match = function(self, s, i)\n"
                            "  local a, b = s:find('^ID%-%d%d%d%d', i)\n"
                            "  return a and b + 1 end}})\n"
                            "lede.redact.add{type = 'INTERNAL', pattern = P}\n"
                            "local out = {}\n"
                            "for _, f in ipairs(lede.redact.scan('see ID-1234, xID-9999 and ID-5678.')) do\n"
                            "  out[#out + 1] = f.type .. ' ' .. f.start .. '-' .. f.stop .. ' ' .. f.text end\n"
                            "return table.concat(out, '|') .. '\\n'\n");
  proc_result r = run_lede(ARGV("run", script), "");
  expect_out(&r, 0, "INTERNAL 5-11 ID-1234|INTERNAL 27-33 ID-5678\n");
  proc_free(&r);
}

/* A tag must not open a link or a link reference definition. */
Test(redact_cli, markdown_tags_never_become_links) {
  const char *in = file("l.md", "a@b.com: x\n\nsee a@b.com: y and a@b.com(z) or a@b.com[1]\n\n[1]: /u\n");
  proc_result r = run_lede(ARGV("redact", in), NULL);
  expect_out(&r, 0, "\\[EMAIL]: x\n\nsee [EMAIL]: y and \\[EMAIL](z) or \\[EMAIL][1]\n\n[1]: /u\n");
  const char *red = file("l.red.md", r.out);
  proc_free(&r);
  r = run_lede(ARGV("render", "--to", "html", red), NULL);
  expect_out(&r, 0, "<p>[EMAIL]: x</p>\n<p>see [EMAIL]: y and [EMAIL](z) or [EMAIL]<a href=\"/u\">1</a></p>\n");
  proc_free(&r);
}
