/* seg_lang.c -- the languages the sentence segmenter knows: their
 * abbreviation lists, the words that usually open a sentence, and their
 * typographic rules.  Data only, all of it static and read-only.
 *
 * The lists follow what pySBD's and pragmatic_segmenter's language rules
 * found to matter, written anew for lede.  Abbreviation classes are those of
 * abbrev.h: W ends a sentence only before one of the language's starters, N
 * only keeps a number close ("Nr. 5"), I never ends one before a capital,
 * F is a company form.  Starters are compared byte for byte, capitalised as
 * they open a sentence. */
#include "seg_lang.h"

#include <string.h>

#include "abbrev.h"
#include "lede.h"

#define W SEG_ABBR_WORD
#define N SEG_ABBR_NUM
#define I SEG_ABBR_INNER
#define F SEG_ABBR_FIRM

/* English abbreviations are abbrev.c's built-in set; these are the words
 * after which "Mr." or "U.S." also ended the sentence. */
static const char *const en_starters[] = {
  "A", "About", "According", "After", "Again", "All", "Also", "Although", "An",
  "And", "Another", "Any", "Are", "As", "At", "Because", "Before", "Being",
  "Both", "But", "By", "Can", "Could", "Did", "Do", "Does", "During", "Each",
  "Even", "Every", "For", "From", "Had", "Has", "Have", "He", "Her", "Here",
  "His", "How", "However", "I", "If", "In", "Instead", "Is", "It", "Its",
  "Just", "Many", "Meanwhile", "Millions", "More", "Most", "Much", "My",
  "Neither", "Never", "No", "None", "Nor", "Not", "Now", "On", "Once", "Only",
  "Or", "Our", "Perhaps", "Several", "She", "Should", "Since", "So", "Some",
  "Still", "Such", "That", "The", "Their", "Then", "There", "These", "They",
  "This", "Those", "Though", "Thus", "To", "Today", "Under", "Unlike", "Until",
  "Was", "We", "Were", "What", "When", "Where", "Whether", "Which", "While",
  "Who", "Why", "With", "Would", "Yesterday", "Yet", "You", "Your",
};

static const seg_word de_abbrevs[] = {
  {"abs", N}, {"abschn", N}, {"abt", W}, {"allg", W}, {"anm", W}, {"apr", W}, {"art", N},
  {"aufl", W}, {"aug", W}, {"bd", N}, {"bsp", W}, {"bspw", I}, {"bzgl", I}, {"bzw", I},
  {"ca", I}, {"chr", W}, {"co", F}, {"corp", F}, {"d", I}, {"d.h", I}, {"dez", W},
  {"di", W}, {"dipl", W}, {"do", W}, {"dr", W}, {"dt", W}, {"ebd", W}, {"evtl", I},
  {"feb", W}, {"fr", W}, {"geb", I}, {"gebr", F}, {"gem", I}, {"ges", W}, {"gest", I},
  {"ggf", I}, {"gmbh", F}, {"h", I}, {"hbf", W}, {"hr", W}, {"hrn", W}, {"hrsg", W},
  {"i", I}, {"i.a", I}, {"i.d.r", I}, {"inc", F}, {"inkl", I}, {"insb", I}, {"jan", W},
  {"jh", W}, {"jhd", W}, {"jr", W}, {"jul", W}, {"jun", W}, {"kap", N}, {"kfm", W},
  {"lt", I}, {"ltd", F}, {"max", W}, {"mi", W}, {"min", W}, {"mio", W}, {"mo", W},
  {"mrd", W}, {"mrz", W}, {"n.chr", W}, {"nov", W}, {"nr", N}, {"o", I},
  {"o.\303\244", I}, {"okt", W}, {"prof", W}, {"rd", I}, {"s", N}, {"s.o", W},
  {"s.u", W}, {"sa", W}, {"sep", W}, {"sept", W}, {"sog", I}, {"st", W}, {"std", W},
  {"str", N}, {"tel", N}, {"tsd", W}, {"u", I}, {"u.a", I}, {"u.u", I}, {"usw", W},
  {"v", I}, {"v.a", I}, {"v.chr", W}, {"vgl", I}, {"vs", I}, {"z", I}, {"z.b", I},
  {"z.t", I}, {"ziff", N}, {"zzgl", I},
};
static const char *const de_starters[] = {
  "Ab", "Aber", "Alle", "Allerdings", "Als", "Also", "Am", "Auch", "Auf", "Aus",
  "Au\303\237erdem", "Bei", "Bereits", "Bis", "Da", "Dabei", "Daf\303\274r", "Daher",
  "Damals", "Damit", "Danach", "Dann", "Darauf", "Das", "Dass", "Dazu", "Dem", "Den",
  "Denn", "Der", "Des", "Deshalb", "Dessen", "Die", "Dies", "Diese", "Diesem", "Diesen",
  "Dieser", "Dieses", "Doch", "Dort", "Du", "Durch", "Ein", "Eine", "Einem", "Einen",
  "Einer", "Eines", "Er", "Es", "Etwa", "F\303\274r", "Gestern", "Heute", "Hier", "Ich",
  "Ihr", "Im", "In", "Inzwischen", "Ja", "Jedoch", "Jetzt", "Kein", "Keine", "Laut",
  "Man", "Mit", "Morgen", "Nach", "Nein", "Nicht", "Noch", "Nun", "Nur", "Ob", "Obwohl",
  "Oder", "Sein", "Seine", "Seit", "Sie", "So", "Sogar", "Sp\303\244ter", "Trotzdem",
  "Um", "Und", "Unter", "Viele", "Vom", "Von", "Vor", "Was", "Weil", "Wenn", "Wer",
  "Wie", "Wir", "Wo", "W\303\244hrend", "Zudem", "Zum", "Zur", "Zwar", "\303\234ber",
};

static const seg_word fr_abbrevs[] = {
  {"apr", W}, {"av", W}, {"avr", W}, {"bd", W}, {"boul", W}, {"c.-\303\240-d", I},
  {"cf", I}, {"ch", N}, {"chap", N}, {"corp", F}, {"dr", W}, {"d\303\251c", W},
  {"env", I}, {"etc", W}, {"ex", I}, {"fig", N}, {"f\303\251vr", W}, {"hab", W},
  {"inc", F}, {"j.-c", W}, {"janv", W}, {"juil", W}, {"ltd", F}, {"me", W}, {"mgr", W},
  {"mlle", W}, {"mm", W}, {"mme", W}, {"n", N}, {"no", N}, {"nov", W}, {"oct", W},
  {"p", N}, {"pp", N}, {"s.a", F}, {"sept", W}, {"st", W}, {"ste", W}, {"st\303\251", F},
  {"t", N}, {"vol", N}, {"\303\251d", W},
};
static const char *const fr_starters[] = {
  "Ainsi", "Alors", "Apr\303\250s", "Au", "Aucun", "Aujourd", "Aussi", "Autrement",
  "Aux", "Avant", "Avec", "C", "Ce", "Cela", "Celle", "Celui", "Cependant", "Ces", "Cet",
  "Cette", "Comme", "D", "Dans", "De", "Depuis", "Des", "Donc", "Du",
  "D\303\251j\303\240", "Elle", "Elles", "En", "Enfin", "Ensuite", "Et", "Hier", "Ici",
  "Il", "Ils", "J", "Je", "L", "La", "Le", "Les", "Leur", "Lui", "L\303\240", "Ma",
  "Mais", "Malgr\303\251", "Mes", "Mon", "N", "Ne", "Non", "Nos", "Notre", "Nous", "On",
  "Or", "Oui", "O\303\271", "Par", "Parce", "Pendant", "Plusieurs", "Pour", "Pourtant",
  "Puis", "Quand", "Que", "Quel", "Quelle", "Qui", "S", "Sa", "Sans", "Se", "Selon",
  "Ses", "Si", "Son", "Sur", "Tous", "Tout", "Toute", "Toutefois", "Un", "Une", "Vous",
};

static const seg_word es_abbrevs[] = {
  {"a.c", W}, {"abr", W}, {"adm\303\263n", W}, {"ago", W}, {"apdo", N}, {"aprox", I},
  {"art", N}, {"arts", N}, {"atte", W}, {"av", W}, {"avda", W}, {"bco", W}, {"c", N},
  {"cap", N}, {"col", W}, {"corp", F}, {"c\303\255a", W}, {"d.c", W}, {"da", W},
  {"dcha", W}, {"dic", W}, {"dr", W}, {"dra", W}, {"dto", W}, {"d\303\261a", W},
  {"ee.uu", W}, {"ej", I}, {"ene", W}, {"etc", W}, {"feb", W}, {"inc", F}, {"ing", W},
  {"izq", W}, {"jul", W}, {"jun", W}, {"lic", W}, {"ltd", F}, {"nov", W},
  {"n\303\272m", N}, {"oct", W}, {"p", I}, {"prof", W}, {"profa", W}, {"pr\303\263l", W},
  {"p\303\241g", N}, {"p\303\241gs", N}, {"s.a", F}, {"s.l", F}, {"sept", W}, {"sr", W},
  {"sra", W}, {"sras", W}, {"sres", W}, {"srta", W}, {"sta", W}, {"sto", W}, {"tel", N},
  {"ud", W}, {"uds", W}, {"vd", W}, {"vds", W}, {"vol", N},
};
static const char *const es_starters[] = {
  "Adem\303\241s", "Ahora", "Al", "All\303\255", "Antes", "Aqu\303\255", "Aunque",
  "Ayer", "Como", "Con", "Cuando", "C\303\263mo", "De", "Del", "Desde", "Despu\303\251s",
  "Donde", "Durante", "D\303\263nde", "El", "Ella", "Ellas", "Ellos", "En", "Entonces",
  "Esa", "Ese", "Eso", "Esta", "Estas", "Este", "Esto", "Estos", "Hay", "Hoy", "La",
  "Las", "Le", "Les", "Lo", "Los", "Luego", "Ma\303\261ana", "Mi", "Muchos", "Nadie",
  "No", "Nosotros", "Nuestro", "Para", "Pero", "Por", "Porque", "Qui\303\251n",
  "Qu\303\251", "Se", "Seg\303\272n", "Si", "Sin", "Sobre", "Su", "Sus", "S\303\255",
  "Tambi\303\251n", "Todo", "Todos", "Tras", "Un", "Una", "Unas", "Uno", "Unos", "Usted",
  "Varios", "Y", "Ya", "Yo", "\303\211l",
};

static const seg_word it_abbrevs[] = {
  {"a.c", W}, {"ago", W}, {"apr", W}, {"arch", W}, {"art", N}, {"artt", N}, {"avv", W},
  {"c.a", W}, {"ca", I}, {"cap", N}, {"cfr", I}, {"corp", F}, {"d.c", W}, {"dic", W},
  {"dott", W}, {"dott.ssa", W}, {"ecc", W}, {"es", I}, {"feb", W}, {"fig", N},
  {"gen", W}, {"geom", W}, {"giu", W}, {"inc", F}, {"ing", W}, {"ltd", F}, {"lug", W},
  {"mons", W}, {"n", N}, {"nn", N}, {"nov", W}, {"on", W}, {"ott", W}, {"p", N},
  {"pag", N}, {"pagg", N}, {"prof", W}, {"prof.ssa", W}, {"rag", W}, {"s.p.a", F},
  {"s.r.l", F}, {"sett", W}, {"sig", W}, {"sig.na", W}, {"sig.ra", W}, {"sigg", W},
  {"spett", W}, {"tel", N}, {"vol", N}, {"vs", I},
};
static const char *const it_starters[] = {
  "Al", "Alla", "Allora", "Anche", "Che", "Chi", "Ci", "Come", "Con", "Cosa",
  "Cos\303\254", "Da", "Dal", "Dalla", "Del", "Della", "Dopo", "Dove", "E", "Egli",
  "Era", "Gi\303\240", "Gli", "I", "Ieri", "Il", "In", "Infatti", "Inoltre", "Intanto",
  "Invece", "Io", "L", "La", "Le", "Lei", "Lo", "Loro", "Lui", "L\303\254", "Ma",
  "Mentre", "Molti", "Nei", "Nel", "Nella", "Noi", "Non", "Oggi", "Ora", "Per",
  "Perch\303\251", "Per\303\262", "Poi", "Prima", "Quando", "Quella", "Quello", "Queste",
  "Questi", "Questo", "Qui", "Quindi", "Se", "Secondo", "Senza", "Si", "Su", "Sul",
  "S\303\254", "Tra", "Tutti", "Tutto", "Un", "Una", "Uno", "Voi", "\303\210",
};

static const seg_word nl_abbrevs[] = {
  {"a.s", W}, {"aug", W}, {"b.v", F}, {"bijv", I}, {"blz", N}, {"bv", I}, {"ca", I},
  {"corp", F}, {"d.w.z", I}, {"dec", W}, {"dhr", I}, {"dr", W}, {"drs", W}, {"e.a", W},
  {"e.d", W}, {"enz", W}, {"etc", W}, {"fa", W}, {"feb", W}, {"i.p.v", I}, {"inc", F},
  {"ing", W}, {"ir", W}, {"jan", W}, {"jl", W}, {"jr", W}, {"ltd", F}, {"m.b.t", I},
  {"mevr", I}, {"mr", W}, {"mrt", W}, {"mw", I}, {"n.a.v", I}, {"n.v", F}, {"nr", N},
  {"o.a", I}, {"okt", W}, {"p", N}, {"prof", W}, {"sept", W}, {"st", W}, {"t.a.v", I},
  {"vgl", I}, {"z.g.a.n", W}, {"zgn", I},
};
static const char *const nl_starters[] = {
  "Al", "Alle", "Als", "Bij", "Daar", "Daarna", "Dan", "Dat", "De", "Deze", "Die", "Dit",
  "Door", "En", "Er", "Geen", "Gisteren", "Haar", "Het", "Hier", "Hij", "Hoe", "Hoewel",
  "Ik", "In", "Je", "Jij", "Maar", "Met", "Mijn", "Morgen", "Na", "Naar", "Niet", "Nog",
  "Nu", "Of", "Om", "Omdat", "Ons", "Onze", "Ook", "Op", "Over", "Sinds", "Tijdens",
  "Toch", "Toen", "Tot", "U", "Uit", "Van", "Vandaag", "Veel", "Volgens", "Voor", "Waar",
  "Waarom", "Wanneer", "Wat", "We", "Wel", "Wie", "Wij", "Ze", "Zij", "Zijn", "Zo",
  "Zonder",
};

#undef W
#undef N
#undef I
#undef F

#define LIST(a) a, sizeof a / sizeof *a
static const seg_lang langs[SEG_LANG_COUNT] = {
  [SEG_LANG_EN] = {"en", NULL, 0, LIST(en_starters), 0},
  [SEG_LANG_DE] = {"de", LIST(de_abbrevs), LIST(de_starters),
                   SEG_LANG_ORDINALS | SEG_LANG_LOW_QUOTES},
  [SEG_LANG_FR] = {"fr", LIST(fr_abbrevs), LIST(fr_starters), SEG_LANG_SPACED_CLOSERS},
  [SEG_LANG_ES] = {"es", LIST(es_abbrevs), LIST(es_starters), 0},
  [SEG_LANG_IT] = {"it", LIST(it_abbrevs), LIST(it_starters), 0},
  [SEG_LANG_NL] = {"nl", LIST(nl_abbrevs), LIST(nl_starters), SEG_LANG_CLITICS},
};
#undef LIST

static const char *const names[SEG_LANG_COUNT] = {
  "english", "german", "french", "spanish", "italian", "dutch",
};

const seg_lang *seg_lang_get(int language) {
  return language >= 0 && language < SEG_LANG_COUNT ? &langs[language] : &langs[0];
}

static int same_ci(const char *a, size_t len, const char *b) {
  size_t i = 0;
  for (; i < len && b[i]; i++) {
    unsigned char x = (unsigned char)a[i];
    if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
    if (x != (unsigned char)b[i]) return 0;
  }
  return i == len && b[i] == '\0';
}

int seg_lang_find(const char *name, size_t len) {
  for (int i = 0; i < SEG_LANG_COUNT; i++)
    if (same_ci(name, len, langs[i].code) || same_ci(name, len, names[i])) return i;
  return -1;
}

const char *seg_lang_codes(void) { return "en, de, fr, es, it, nl"; }

const char *lede_language(const char *name) {
  if (!name) return seg_lang_codes();
  int l = seg_lang_find(name, strlen(name));
  return l < 0 ? NULL : langs[l].code;
}

int seg_lang_class(const seg_lang *l, const char *word, size_t len) {
  return abbrevs_find(l->abbrevs, l->nabbrevs, word, len);
}
