/* test_redact.c -- the recognizers of core/redact_scan.c and the
 * validators and overlap policy of core/redact_check.c, called directly:
 * per type, the forms that must be found (with their exact span) and the
 * traps that must not be (versions, Luhn-invalid numbers, prices, file
 * names, masked values, GUID and hash parts, times, fractions, scores,
 * card expiry dates), overlaps, Unicode around entities, entities at
 * sentence and paragraph ends. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "budget.h"
#include "redact.h"

TestSuite(redact);

/* "TYPE:text|TYPE:text" of the resolved findings in s (static buffer). */
static const char *found(const char *s) {
  static char buf[4096];
  rx_list l = {0};
  cr_assert_eq(redact_scan(s, strlen(s), RX_ALL, &l), 0);
  cr_assert_eq(redact_resolve(&l), 0);
  buf[0] = '\0';
  for (size_t k = 0; k < l.n; k++) {
    size_t m = strlen(buf);
    snprintf(buf + m, sizeof buf - m, "%s%s:%.*s", k ? "|" : "", redact_type_name(l.v[k].type),
             (int)(l.v[k].end - l.v[k].start), s + l.v[k].start);
  }
  rx_list_free(&l);
  return buf;
}

#define FOUND(text, want) cr_expect_str_eq(found(text), want, "in: %s", text)
#define NONE(text) cr_expect_str_eq(found(text), "", "in: %s", text)

Test(redact, email) {
  FOUND("Mail john.doe@example.com today.", "EMAIL:john.doe@example.com");
  FOUND("<a.b+tag@sub.example.co.uk>", "EMAIL:a.b+tag@sub.example.co.uk");
  FOUND("Jürgen.Müller@firma.de schrieb", "EMAIL:Jürgen.Müller@firma.de");
  FOUND("«marie@exemple.fr»", "EMAIL:marie@exemple.fr");
  FOUND("mailto:ops@example.org.", "EMAIL:ops@example.org");
  FOUND("**bold@example.com**", "EMAIL:bold@example.com");
  FOUND("x_y@corp.internal, z@münchen.de", "EMAIL:x_y@corp.internal|EMAIL:z@münchen.de");
  NONE("icon@2x.png and logo@3x.jpg");
  NONE("@john said hi; user@localhost? no dot");
  NONE("j***n@example.com and ****@example.com");
  NONE("[EMAIL] was here");
  NONE("a..b@example.com");
  NONE("git clone git@github.com:acme/widgets.git");
}

Test(redact, phone) {
  FOUND("Call (555) 010-9999.", "PHONE:(555) 010-9999");
  FOUND("555.010.9999 or 555-010-9999", "PHONE:555.010.9999|PHONE:555-010-9999");
  FOUND("+44 20 7946 0958", "PHONE:+44 20 7946 0958");
  FOUND("ring 020 7946 0958 now", "PHONE:020 7946 0958");
  FOUND("Berlin: +49 30 901820.", "PHONE:+49 30 901820");
  FOUND("+1 (555) 010-9999 ext", "PHONE:+1 (555) 010-9999");
  FOUND("+44 (0)20 7946 0958", "PHONE:+44 (0)20 7946 0958");
  FOUND("1-800-555-0199", "PHONE:1-800-555-0199");
  FOUND("Tel: 01 23 45 67 89", "PHONE:01 23 45 67 89");
  FOUND("(030) 901820", "PHONE:(030) 901820");
  FOUND("call me on 5550109999", "PHONE:5550109999");
  FOUND("(+44) 20 7946 0958", "PHONE:(+44) 20 7946 0958");
  FOUND("555-010-9999x123 or (555)010-9999 ext. 42",
        "PHONE:555-010-9999x123|PHONE:(555)010-9999 ext. 42");
  FOUND("001-555-010-9999, 123-456-7890", "PHONE:001-555-010-9999|PHONE:123-456-7890");
  FOUND("+44(0)1632 960123", "PHONE:+44(0)1632 960123");
  FOUND("電話：+81 3-1234-5678。", "PHONE:+81 3-1234-5678");
  NONE("GUID 123e4567-e89b-12d3-a456-426614174000");
  NONE("id 550e8400-e29b-41d4-a716-446655440000 done");
  NONE("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  NONE("order 5550109999 shipped");
  NONE("+1 555");
  NONE("the score was 3-1 and 2-2");
  NONE("12345-678-9012-345");
}

Test(redact, credit_card) {
  FOUND("Visa 4111 1111 1111 1111.", "CREDIT_CARD:4111 1111 1111 1111");
  FOUND("mc 5555-5555-5555-4444", "CREDIT_CARD:5555-5555-5555-4444");
  FOUND("2-series 2221000000000009", "CREDIT_CARD:2221000000000009");
  FOUND("amex 3782 822463 10005", "CREDIT_CARD:3782 822463 10005");
  FOUND("amex 378282246310005", "CREDIT_CARD:378282246310005");
  FOUND("19 digits 4000 0000 0000 0000 006", "CREDIT_CARD:4000 0000 0000 0000 006");
  FOUND("discover 6011111111111117", "CREDIT_CARD:6011111111111117");
  FOUND("jcb 3530111333300000", "CREDIT_CARD:3530111333300000");
  FOUND("diners 3056 9309 0259 04", "CREDIT_CARD:3056 9309 0259 04");
  FOUND("unionpay 6200000000000005", "CREDIT_CARD:6200000000000005");
  NONE("Luhn-invalid 4111 1111 1111 1112");
  NONE("mixed 4111-1111 1111-1111");
  NONE("glued 94111111111111111 and 4111111111111111234");
  NONE("dash-joined 4111-1111-1111-1111-22");
  NONE("masked ****-****-****-1111 and ****1111");
  NONE("no issuer 7111111111111114");
  NONE("EAN 4012888888881881, IMEI: 4111111111111111");
}

Test(redact, iban) {
  FOUND("IBAN DE89 3704 0044 0532 0130 00.", "IBAN:DE89 3704 0044 0532 0130 00");
  FOUND("GB82WEST12345698765432", "IBAN:GB82WEST12345698765432");
  FOUND("FR14 2004 1010 0505 0001 3M02 606", "IBAN:FR14 2004 1010 0505 0001 3M02 606");
  FOUND("NO9386011117947", "IBAN:NO9386011117947");
  NONE("bad check DE89 3704 0044 0532 0130 01");
  NONE("too long DE893704004405320130001");
  NONE("unknown country QQ89370400440532013000");
}

Test(redact, ip_address) {
  FOUND("from 192.168.1.1.", "IP_ADDRESS:192.168.1.1");
  FOUND("[::1]:8080", "IP_ADDRESS:::1");
  FOUND("::ffff:1.2.3.4", "IP_ADDRESS:::ffff:1.2.3.4");
  FOUND("2001:db8::8a2e:370:7334", "IP_ADDRESS:2001:db8::8a2e:370:7334");
  FOUND("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "IP_ADDRESS:2001:0db8:85a3:0000:0000:8a2e:0370:7334");
  FOUND("fe80::1%eth0 up", "IP_ADDRESS:fe80::1%eth0");
  FOUND("net 10.0.0.0/8", "IP_ADDRESS:10.0.0.0");
  FOUND("FE80::ABCD:1", "IP_ADDRESS:FE80::ABCD:1");
  FOUND("listen [::]:8080", "IP_ADDRESS:::");
  FOUND("10.0.0.1-10.0.0.254", "IP_ADDRESS:10.0.0.1|IP_ADDRESS:10.0.0.254");
  NONE("version 1.2.3.4");
  NONE("upgraded to v1.2.3.4");
  NONE("256.1.1.1 and 1.2.3 and 1.2.3.4.5");
  NONE("at 10:30:00 and MAC 00:1a:2b:3c:4d:5e");
  NONE("std::vector and Foo::Bar and :: and dead::beef");
  FOUND("a7c3:ba::d4e1", "IP_ADDRESS:a7c3:ba::d4e1");
  NONE("section 4.2.1.3 says");
  NONE("netmask 255.255.255.0 and a bare :: in prose");
}

Test(redact, url) {
  FOUND("See https://example.com/a_(b).", "URL:https://example.com/a_(b)");
  FOUND("(see www.example.org/path)", "URL:www.example.org/path");
  FOUND("http://x.example/foo).", "URL:http://x.example/foo");
  FOUND("<https://example.com/q?a=1&b=2>", "URL:https://example.com/q?a=1&b=2");
  FOUND("[t](https://example.com/x \"T\")", "URL:https://example.com/x");
  FOUND("ftp://files.example.net/a.txt, then", "URL:ftp://files.example.net/a.txt");
  FOUND("https://de.wikipedia.org/wiki/Köln!", "URL:https://de.wikipedia.org/wiki/Köln");
  NONE("open report.pdf or example.com");
  NONE("www. is a prefix; http:// alone");
}

Test(redact, us_ssn) {
  FOUND("SSN 536-22-1234.", "US_SSN:536-22-1234");
  FOUND("SSN 536 22 1234", "US_SSN:536 22 1234");
  NONE("000-12-1234 666-12-1234 900-12-1234 536-00-1234 536-22-0000");
  NONE("samples 078-05-1120 219-09-9999 123-45-6789");
  NONE("part 536-22-1234-5 and 1536-22-1234");
}

Test(redact, date) {
  FOUND("on 2024-03-21.", "DATE:2024-03-21");
  FOUND("03/21/2024 and 21.03.2024", "DATE:03/21/2024|DATE:21.03.2024");
  FOUND("21-Mar-2024", "DATE:21-Mar-2024");
  FOUND("March 3, 2021", "DATE:March 3, 2021");
  FOUND("the 3rd of June 2021", "DATE:3rd of June 2021");
  FOUND("21 March 2024", "DATE:21 March 2024");
  FOUND("Sept. 9th, 2019", "DATE:Sept. 9th, 2019");
  FOUND("2024-03-21T10:15:00Z", "DATE:2024-03-21");
  FOUND("29/02/2024", "DATE:29/02/2024");
  FOUND("3/21/24", "DATE:3/21/24");
  NONE("2023-02-29 and 31/04/2024 and 2024-13-01");
  NONE("in 2021, at 10:30, 1/2 cup, won 3-1, exp 03/25, 12/2027");
  NONE("version 2.1.2024 and May 2021");
}

Test(redact, traps) {
  NONE("Price: $1,299.99, €4.111,11 or 4111.11 USD");
  NONE("files report.pdf, notes_2024.txt, IMG_4111.jpg");
  NONE("already masked: [EMAIL], [PHONE], ****1234, XXX-XX-1234");
  NONE("numbers 1234567 and 12,345,678 and 3.14159");
}

Test(redact, overlaps) {
  /* a URL holding an address, a date, an IP: the longer validated span */
  FOUND("https://example.com/u/a@b.com/2024-03-21",
        "URL:https://example.com/u/a@b.com/2024-03-21");
  FOUND("http://10.0.0.1/admin", "URL:http://10.0.0.1/admin");
  /* a validated card beats an unvalidated phone reading */
  FOUND("+4111111111111111", "CREDIT_CARD:4111111111111111");
  /* never two overlapping findings, each with its own exact text */
  FOUND("555-010-9999@example.com", "EMAIL:555-010-9999@example.com");
}

Test(redact, policy_order) {
  rx_list l = {0};
  rx_push(&l, 0, 10, RX_PHONE, 0, 0);
  rx_push(&l, 2, 8, RX_CREDIT_CARD, 1, 0);  /* validated beats longer */
  rx_push(&l, 8, 12, RX_DATE, 1, 0);
  rx_push(&l, 8, 12, RX_IBAN, 1, 0);        /* same length: type order */
  rx_push(&l, 12, 20, RX_EMAIL, 1, 0);
  rx_push(&l, 11, 20, RX_URL, 1, 0);        /* longer beats shorter */
  cr_assert_eq(redact_resolve(&l), 0);
  cr_assert_eq(l.n, 2);
  cr_expect_eq(l.v[0].type, RX_CREDIT_CARD);
  cr_expect_eq(l.v[1].type, RX_URL);
  cr_expect_eq(l.v[1].start, 11);
  rx_list_free(&l);
}

Test(redact, offsets_and_boundaries) {
  const char *s = "Écrivez à léa@exemple.fr.\n\nAppel: 020 7946 0958\n";
  rx_list l = {0};
  cr_assert_eq(redact_scan(s, strlen(s), RX_ALL, &l), 0);
  cr_assert_eq(redact_resolve(&l), 0);
  cr_assert_eq(l.n, 2);
  cr_expect_eq(l.v[0].start, 12); /* byte offsets: "É", "à", "é" are two bytes */
  cr_expect_eq(l.v[0].end, 27);   /* the sentence's full stop stays out */
  cr_expect_eq(l.v[1].start, 37);
  cr_expect_eq(l.v[1].end, 50);   /* the paragraph's end */
  rx_list_free(&l);
  FOUND("x", "");
  FOUND("a@b.io", "EMAIL:a@b.io");
  FOUND("192.168.0.1", "IP_ADDRESS:192.168.0.1");
}

Test(redact, validators) {
  cr_expect(redact_luhn("4111 1111 1111 1111", 19));
  cr_expect(!redact_luhn("4111 1111 1111 1112", 19));
  cr_expect(redact_iban("DE89 3704 0044 0532 0130 00", 27));
  cr_expect(!redact_iban("DE89 3704 0044 0532 0130 0", 26));
  cr_expect(redact_ssn_parts(536, 22, 1234));
  cr_expect(!redact_ssn_parts(666, 22, 1234));
  cr_expect(redact_date_ok(2000, 2, 29));
  cr_expect(!redact_date_ok(1900, 2, 29));
  cr_expect(redact_is(RX_EMAIL, "a@example.com", 13));
  cr_expect(!redact_is(RX_EMAIL, "x a@example.com", 15));
  cr_expect_eq(redact_type_from_name("ssn", 3), RX_US_SSN);
  cr_expect_eq(redact_type_from_name("Ip_Address", 10), RX_IP_ADDRESS);
  cr_expect_eq(redact_type_from_name("nope", 4), -1);
}

/* Random text made of the bytes the recognizers care about, each buffer
 * allocated to its exact size: under AddressSanitizer (make asan) any
 * read past either end fails the test.  Findings must lie inside the
 * text, be non-empty and, once resolved, sorted and disjoint. */
Test(redact, random_bytes_stay_in_bounds) {
  static const char alphabet[] = "0123456789 -./:@+()[]*_#,'abcdefxyzABCDEFMOTW\n\xc3\xa9\xe4\xb8\xad";
  unsigned long seed = 12345;
  for (int round = 0; round < 3000; round++) {
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    size_t n = (size_t)(seed >> 33) % 64 + 1;
    char *buf = malloc(n);
    cr_assert_not_null(buf);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005UL + 1442695040888963407UL;
      buf[i] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
    }
    rx_list l = {0};
    cr_assert_eq(redact_scan(buf, n, RX_ALL, &l), 0);
    for (size_t k = 0; k < l.n; k++)
      cr_assert(l.v[k].start < l.v[k].end && l.v[k].end <= n);
    cr_assert_eq(redact_resolve(&l), 0);
    for (size_t k = 1; k < l.n; k++) cr_assert_leq(l.v[k - 1].end, l.v[k].start);
    rx_list_free(&l);
    free(buf);
  }
}

/* Inputs built to make a matcher re-read what it read before: each must
 * still be one linear pass.  The timeout is a hang guard, not a speed
 * target (those are in make bench): linear takes well under a second,
 * the quadratic scans this caught (a URL ending in ')' after ')', IPv6
 * groups without end) took minutes. */
Test(redact, adversarial_runs_stay_linear, .timeout = 60) {
  static const char *const units[] = {")", "1:", "a@", "0 ", "4111 ", "+1 ", "(0", "March ",
                                      "::", "1.", "12/", "DE89 "};
  for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
    size_t ul = strlen(units[u]), reps = 300000 / ul * 2;
    char *buf = malloc(reps * ul + 20);
    cr_assert_not_null(buf);
    memcpy(buf, "http://x.com/", 13);
    for (size_t r = 0; r < reps; r++) memcpy(buf + 13 + r * ul, units[u], ul);
    size_t n = 13 + reps * ul;
    rx_list l = {0};
    cr_assert_eq(redact_scan(buf, n, RX_ALL, &l), 0);
    cr_assert_eq(redact_resolve(&l), 0);
    rx_list_free(&l);
    free(buf);
  }
}

/* Issue 12: a scan polls the run's budget as it goes, so a timeout (or
 * lede_interrupt()) ends it within RX_POLL_BYTES, not after the whole
 * text.  A deadline already past stands for one reached mid-scan. */
Test(redact, scan_stops_at_a_limit_within_a_poll_interval) {
  static const char unit[] = "Mail ann@example.com now. ";
  size_t ul = sizeof unit - 1, reps = 100000, n = reps * ul;
  char *buf = malloc(n);
  cr_assert_not_null(buf);
  for (size_t k = 0; k < reps; k++) memcpy(buf + k * ul, unit, ul);
  run_budget b;
  budget_start(&b, 0, 0, 1e-9, NULL);
  struct timespec pause = {0, 1000000};
  nanosleep(&pause, NULL);
  rx_list l = {0};
  cr_assert_eq(redact_scan_budget(buf, n, RX_ALL, &l, &b), RX_LIMIT);
  cr_assert_eq(b.hit, LIMIT_TIME);
  /* Stopped at the first poll: the findings of the first 64 KiB only. */
  size_t want = RX_POLL_BYTES / ul + 1;
  cr_assert(l.n >= want - 1 && l.n <= want, "%zu findings before stopping, want about %zu", l.n,
            want);
  rx_list_free(&l);
  /* No budget, or one with room: the whole text, every e-mail. */
  cr_assert_eq(redact_scan_budget(buf, n, RX_ALL, &l, NULL), 0);
  cr_assert_eq(l.n, reps);
  rx_list_free(&l);
  budget_start(&b, 0, 0, 60, NULL);
  cr_assert_eq(redact_scan_budget(buf, n, RX_ALL, &l, &b), 0);
  cr_assert_eq(l.n, reps);
  rx_list_free(&l);
  free(buf);
}
