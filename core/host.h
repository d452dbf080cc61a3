/* host.h -- the lede.host table of a run (host.c).  Internal. */
#ifndef LEDE_HOST_H
#define LEDE_HOST_H

#include <lua.h>

struct lede_engine;

/* Pushes a table with a function per host function registered on e
 * (empty for e NULL): [.. host]. */
void host_push_table(lua_State *L, struct lede_engine *e);

#endif
