/* textlib.h -- language helpers of the `lede` Lua module for summaries and
 * scoring: word tokens, Snowball stems, stop words, and sentence-graph
 * centrality with bounded all-pairs work.  Internal. */
#ifndef LEDE_TEXTLIB_H
#define LEDE_TEXTLIB_H

#include <lua.h>

/* lede.tokens(text) -> array of lower-cased word tokens. */
int textlib_tokens(lua_State *L);
/* lede.stem(word | array [, language]) -> stem, or an array of stems. */
int textlib_stem(lua_State *L);
/* lede.stemmers() -> sorted array of the Snowball algorithm names. */
int textlib_stemmers(lua_State *L);
/* lede.stopwords([language]) -> set {word = true}, or nil and a message. */
int textlib_stopwords(lua_State *L);
/* lede.terms(texts [, {language =, stopwords =}]) -> sets, vocabulary, words. */
int textlib_terms(lua_State *L);
/* lede.centrality(sets, method [, options]) -> array of scores. */
int textlib_centrality(lua_State *L);

/* NULL-terminated, STATIC. */
extern const char *const textlib_stopwords_en[];

#endif
