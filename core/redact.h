/* redact.h -- PII recognizers for `lede redact`: one pass over the bytes
 * finds candidates (redact_scan.c), each checked by its validator
 * (redact_check.c); redact_resolve() then applies the overlap policy.
 * Internal: scripts reach this through the lede.redact Lua module
 * (lua_redact.c).  No state outside the caller's list. */
#ifndef LEDE_REDACT_H
#define LEDE_REDACT_H

#include <stddef.h>

/* The types, in the order of the overlap policy's fixed priority (the
 * first wins a tie); names as in every output are redact_type_name(). */
typedef enum {
  RX_CUSTOM,
  RX_CREDIT_CARD,
  RX_IBAN,
  RX_US_SSN,
  RX_EMAIL,
  RX_URL,
  RX_IP_ADDRESS,
  RX_PHONE,
  RX_DATE,
  RX_NTYPES
} rx_type;

#define RX_ALL ((1u << RX_NTYPES) - 1u)

/* One finding: bytes [start, end) of the scanned text.  validated: a
 * checksum or grammar confirmed it (everything built in except PHONE). */
typedef struct rx_find {
  size_t start, end;
  int type;      /* rx_type, or RX_CUSTOM */
  int validated;
  int tag;       /* caller's data (lede.redact: the custom recognizer) */
} rx_find;

/* A growable list; zero-initialise.  Freed with rx_list_free(). */
typedef struct rx_list {
  rx_find *v;
  size_t n, cap;
} rx_list;

/* STATIC upper-case type name ("EMAIL"), or NULL for a bad type. */
const char *redact_type_name(int type);
/* The type for a name, case-insensitive, also the short forms "ssn",
 * "card", "ip"; -1 when unknown. */
int redact_type_from_name(const char *name, size_t len);

/* Appends a finding; 0, or -1 when out of memory (the list is intact). */
int rx_push(rx_list *l, size_t start, size_t end, int type, int validated, int tag);
void rx_list_free(rx_list *l);

/* Appends every candidate of the types in mask (bits 1u << rx_type) found
 * in s[0..n), overlapping ones included.  Linear in n.  0, or -1 when out
 * of memory. */
int redact_scan(const char *s, size_t n, unsigned mask, rx_list *out);

struct run_budget;
/* RX_LIMIT: redact_scan_budget() stopped at a limit of the run. */
#define RX_LIMIT (-2)
/* redact_scan() that polls b (budget.h; NULL: never stops) every
 * RX_POLL_BYTES scanned, so a timeout or lede_interrupt() ends a long
 * scan within a fraction of a millisecond (issue 12).  The work itself
 * is charged by the caller, up front.  0, -1 when out of memory, or
 * RX_LIMIT with b->hit saying which limit (out holds what was found so
 * far). */
#define RX_POLL_BYTES ((size_t)64 << 10)
int redact_scan_budget(const char *s, size_t n, unsigned mask, rx_list *out,
                       struct run_budget *b);

/* The overlap policy: of overlapping findings the validated one wins,
 * then the longer, then the type earlier in rx_type, then the earlier
 * start.  Leaves non-overlapping findings sorted by start.  0, or -1 when
 * out of memory (the list is unchanged then). */
int redact_resolve(rx_list *l);

/* Full-string validators for scripts: 1 when all of s[0..n) is one
 * finding of the type (as the scanner would accept it in isolation). */
int redact_is(int type, const char *s, size_t n);

/* ---- redact_check.c: the validators --------------------------------- */

/* Luhn checksum over the digits of s (other bytes ignored); 0 without
 * digits. */
int redact_luhn(const char *s, size_t n);
/* Digits d[0..nd) form a card number of a current issuer range and
 * length, with a valid Luhn checksum. */
int redact_card_digits(const char *d, size_t nd);
/* s[0..n) (spaces ignored) is an IBAN: known country, its exact length,
 * mod-97 == 1. */
int redact_iban(const char *s, size_t n);
/* Area, group and serial of an SSN are issuable and not a known sample. */
int redact_ssn_parts(int area, int group, int serial);
/* A real calendar day (Gregorian leap years), year 1000..2999. */
int redact_date_ok(int y, int m, int d);
/* The top-level domain t[0..n) (any case) exists (or is reserved for
 * documentation, such as "example", "test"). */
int redact_tld_ok(const char *t, size_t n);

#endif
