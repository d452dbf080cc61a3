/* redact_check.c -- the validators behind the recognizers (checksums,
 * issuer ranges, country lengths, calendar, top-level domains), the type
 * names and the overlap policy.  Pure functions over bytes. */
#include <stdlib.h>
#include <string.h>

#include "redact.h"

static const char *const type_names[RX_NTYPES] = {
    "CUSTOM", "CREDIT_CARD", "IBAN", "US_SSN", "EMAIL", "URL", "IP_ADDRESS", "PHONE", "DATE"};

const char *redact_type_name(int type) {
  return type >= 0 && type < RX_NTYPES ? type_names[type] : NULL;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int eq_ci(const char *a, size_t n, const char *b) {
  size_t i = 0;
  for (; i < n && b[i]; i++)
    if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
  return i == n && b[i] == '\0';
}

int redact_type_from_name(const char *name, size_t len) {
  for (int t = 0; t < RX_NTYPES; t++)
    if (eq_ci(name, len, type_names[t])) return t;
  static const struct { const char *alias; int type; } aliases[] = {
      {"ssn", RX_US_SSN}, {"card", RX_CREDIT_CARD}, {"ip", RX_IP_ADDRESS},
      {"creditcard", RX_CREDIT_CARD}, {"ipaddress", RX_IP_ADDRESS}};
  for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
    if (eq_ci(name, len, aliases[i].alias)) return aliases[i].type;
  return -1;
}

int rx_push(rx_list *l, size_t start, size_t end, int type, int validated, int tag) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    rx_find *v = realloc(l->v, cap * sizeof *v);
    if (!v) return -1;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = (rx_find){start, end, type, validated, tag};
  return 0;
}

void rx_list_free(rx_list *l) {
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

/* ---- checksums and ranges ------------------------------------------- */

int redact_luhn(const char *s, size_t n) {
  int sum = 0, dbl = 0, any = 0;
  for (size_t i = n; i-- > 0;) {
    int c = (unsigned char)s[i];
    if (c < '0' || c > '9') continue;
    int d = c - '0';
    if (dbl && (d *= 2) > 9) d -= 9;
    sum += d;
    dbl = !dbl;
    any = 1;
  }
  return any && sum % 10 == 0;
}

static int prefix(const char *d, size_t k) {
  int v = 0;
  for (size_t i = 0; i < k; i++) v = v * 10 + (d[i] - '0');
  return v;
}

/* Issuer ranges as published by the schemes (IIN prefix -> lengths).
 * A prefix nobody issues is rejected even with a valid checksum: one
 * random 16-digit number in ten passes Luhn. */
int redact_card_digits(const char *d, size_t nd) {
  if (nd < 13 || nd > 19) return 0;
  int p2 = prefix(d, 2), p3 = prefix(d, 3), p4 = prefix(d, 4), p6 = prefix(d, 6);
  int ok = 0;
  switch (d[0]) {
  case '1': ok = nd == 15; break; /* UATP, JCB's old 1800 range */
  case '2':
    ok = (p4 >= 2200 && p4 <= 2204) /* Mir */ ? nd >= 16
         : (p6 >= 222100 && p6 <= 272099) /* Mastercard 2-series */ ? nd == 16
         : p4 == 2131 /* JCB's old range */ ? nd == 15
                                            : 0;
    break;
  case '3':
    if (p2 == 34 || p2 == 37) ok = nd == 15;                        /* Amex */
    else if ((p3 >= 300 && p3 <= 305) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
      ok = nd >= 14;                                                /* Diners */
    else if (p4 >= 3528 && p4 <= 3589) ok = nd >= 16;               /* JCB */
    else if (p3 == 353 || p3 == 356) ok = nd == 16;                 /* RuPay */
    break;
  case '4': ok = nd == 13 || nd == 16 || nd == 19; break;           /* Visa */
  case '5':
    ok = (p2 >= 51 && p2 <= 55) ? nd == 16 /* Mastercard */ : 1;   /* Maestro, Verve */
    break;
  case '6': ok = 1; break; /* Discover, UnionPay, Maestro, RuPay, InstaPayment */
  case '8': ok = (p2 == 81 || p2 == 82 || p4 == 8600) && nd == 16; break; /* RuPay, UzCard */
  case '9': ok = (p4 == 9792 || p4 == 9860) && nd == 16; break;    /* Troy, Humo */
  default: break;
  }
  return ok && redact_luhn(d, nd);
}

/* IBAN lengths by country (SWIFT registry, release 2024). */
static const char iban_lengths[] =
    "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24DE22DJ27DK18"
    "DO28EE20EG29ES24FI18FK18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23"
    "IS26IT27JO30KW30KZ20LB28LC32LI21LT20LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31"
    "MU30NI28NL18NO15OM23PK24PL28PS29PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27"
    "SO23ST25SV28TL23TN24TR26UA29VA22VG24XK20YE30HN28";

static int iban_length(char a, char b) {
  for (const char *p = iban_lengths; *p; p += 4)
    if (p[0] == a && p[1] == b) return (p[2] - '0') * 10 + (p[3] - '0');
  return 0;
}

int redact_iban(const char *s, size_t n) {
  char c[40];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (ch == ' ') continue;
    if (k == sizeof c) return 0;
    if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return 0;
    c[k++] = ch;
  }
  if (k < 15 || !(c[0] >= 'A' && c[0] <= 'Z') || !(c[1] >= 'A' && c[1] <= 'Z') ||
      !(c[2] >= '0' && c[2] <= '9') || !(c[3] >= '0' && c[3] <= '9'))
    return 0;
  if ((size_t)iban_length(c[0], c[1]) != k) return 0;
  /* mod 97 of the number formed by moving the first four characters to
   * the end, letters as 10..35, computed digit by digit. */
  unsigned r = 0;
  for (size_t j = 0; j < k; j++) {
    char ch = c[(j + 4) % k];
    if (ch >= 'A') r = (r * 100 + (unsigned)(ch - 'A' + 10)) % 97;
    else r = (r * 10 + (unsigned)(ch - '0')) % 97;
  }
  return r == 1;
}

int redact_ssn_parts(int area, int group, int serial) {
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return 0;
  /* Numbers printed on sample cards and in advertising (SSA). */
  if ((area == 78 && group == 5 && serial == 1120) || (area == 219 && group == 9 && serial == 9999) ||
      (area == 123 && group == 45 && serial == 6789))
    return 0;
  return 1;
}

int redact_date_ok(int y, int m, int d) {
  static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return 0;
  if (m == 2 && d == 29) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return 1;
}

/* Country codes (ISO 3166, as delegated in the root zone) and the
 * generic domains people write; file extensions such as "png" or "js"
 * are not here, so "icon@2x.png" is not an address. */
static const char cctlds[] =
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo "
    "br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm "
    "do dz ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr "
    "gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki "
    "km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo "
    "mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph "
    "pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr "
    "ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz "
    "va vc ve vg vi vn vu wf ws ye yt za zm zw ";
static const char gtlds[] =
    "com org net edu gov mil int info biz name pro aero coop museum mobi asia jobs tel travel "
    "cat post xxx app dev io ai page blog shop store online site tech website space cloud "
    "email company agency digital world today life live news media studio design global "
    "group solutions services support systems network center academy school university "
    "college health care clinic law legal finance bank insurance money capital ventures "
    "consulting partners club social team works zone xyz top vip one art city london berlin "
    "paris nyc tokyo amsterdam wien swiss bayern nrw scot wales eus gal quebec africa "
    "example test invalid localhost local internal corp lan home arpa onion mail inc llc ltd "
    "gmbh foundation charity ngo org family church love green eco energy solar farm "
    "photography photos video music film games game fun run fit fitness health yoga "
    "restaurant cafe bar pub pizza coffee wine beer hotel house homes properties realestate "
    "build construction engineering engineer tools software codes computer technology "
    "science bio lab labs research institute education training courses expert guru ninja "
    "rocks cool link click help how guide wiki review reviews report press marketing "
    "events party wedding dating chat community forum contact directory domains host "
    "hosting security secure systems google amazon apple microsoft ";

static int in_list(const char *list, const char *t, size_t n) {
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ' ');
    if (!e) break;
    if ((size_t)(e - p) == n) {
      size_t i = 0;
      while (i < n && lower((unsigned char)t[i]) == p[i]) i++;
      if (i == n) return 1;
    }
    p = e + 1;
  }
  return 0;
}

int redact_tld_ok(const char *t, size_t n) {
  if (n >= 4 && eq_ci(t, 4, "xn--")) return 1; /* an IDN, in punycode */
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)t[i] >= 0x80) return 1; /* an IDN, as written */
  if (n == 2) return in_list(cctlds, t, n);
  return n > 2 && in_list(gtlds, t, n);
}

/* ---- the overlap policy --------------------------------------------- */

/* Best first: validated, longer, earlier type, earlier start. */
static int by_rank(const void *pa, const void *pb) {
  const rx_find *a = pa, *b = pb;
  if (a->validated != b->validated) return b->validated - a->validated;
  size_t la = a->end - a->start, lb = b->end - b->start;
  if (la != lb) return la > lb ? -1 : 1;
  if (a->type != b->type) return a->type - b->type;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return a->tag - b->tag;
}

static int by_start(const void *pa, const void *pb) {
  const rx_find *a = pa, *b = pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* Findings only compete with those they overlap: sorted by start, the
 * list falls into clusters of overlapping findings, and each cluster is
 * settled on its own, best first, which keeps the policy's cost linear
 * in the number of clusters. */
int redact_resolve(rx_list *l) {
  if (l->n < 2) return 0;
  qsort(l->v, l->n, sizeof *l->v, by_start);
  size_t k = 0, i = 0;
  while (i < l->n) {
    size_t j = i + 1, maxend = l->v[i].end;
    while (j < l->n && l->v[j].start < maxend) {
      if (l->v[j].end > maxend) maxend = l->v[j].end;
      j++;
    }
    if (j - i == 1) {
      if (l->v[i].end > l->v[i].start) l->v[k++] = l->v[i];
      i = j;
      continue;
    }
    /* The cluster v[i..j): best first, each taken unless it overlaps one
     * taken before; the taken ones go to v[k..), which never passes i. */
    qsort(l->v + i, j - i, sizeof *l->v, by_rank);
    size_t first = k;
    for (size_t c = i; c < j; c++) {
      rx_find f = l->v[c];
      int clash = f.end <= f.start;
      for (size_t t = first; t < k && !clash; t++)
        clash = l->v[t].start < f.end && f.start < l->v[t].end;
      if (!clash) l->v[k++] = f;
    }
    qsort(l->v + first, k - first, sizeof *l->v, by_start);
    i = j;
  }
  l->n = k;
  return 0;
}
