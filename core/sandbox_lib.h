/* sandbox_lib.h -- budgeted replacements for library functions whose C
 * loops no hook can reach (sandbox_lib.c).  Internal. */
#ifndef LEDE_SANDBOX_LIB_H
#define LEDE_SANDBOX_LIB_H

#include <lua.h>

/* Replaces string.find/match/gmatch/gsub/rep and table.move, in the
 * tables at the given indices, with versions whose C loops are charged
 * through luactx_charge(). */
void sandbox_guard_libs(lua_State *L, int string_idx, int table_idx);

#endif
