/* sandbox.h -- allocator, hook and environment of a script run.  Internal. */
#ifndef LEDE_SANDBOX_H
#define LEDE_SANDBOX_H

#include <lua.h>
#include <stddef.h>

/* lua_Alloc charging the engine's budget; ud is the lede_engine. */
void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Count and call hook enforcing instruction, time and memory limits;
 * sticky once a limit is hit. */
void sandbox_hook(lua_State *L, lua_Debug *ar);
/* Installs sandbox_hook on a new run's state (inherited by coroutines). */
void sandbox_arm(lua_State *L);
/* Charges n steps of work done in C to the instruction budget and checks
 * the time; raises the limit error (sticky) when a limit is reached. */
void sandbox_charge(lua_State *L, unsigned long n);
/* Replaces string.find/match/gmatch/gsub/rep and table.move, in the
 * tables at the given indices, with versions whose C loops are charged
 * through sandbox_charge (sandbox_lib.c). */
void sandbox_guard_libs(lua_State *L, int string_idx, int table_idx);
struct lede_engine;
/* Re-arms the instruction and time limits of e for a run (or one input
 * of a session): the full instruction budget, the deadline from now. */
void sandbox_start_limits(struct lede_engine *e);
/* print()'s arguments as one line, tab-separated, tostring'd, with a
 * newline: [args.. line].  For print functions that write elsewhere. */
int sandbox_print_line(lua_State *L);
/* budget interrupt callback: non-zero once the engine's deadline passed. */
int sandbox_time_up(void *ud);
/* Opens the libraries and pushes the script environment: the allow-list
 * when sandboxed, else the full global table.  [.. env] */
int sandbox_env(lua_State *L, int sandboxed);
/* Message handler for lua_pcall: message plus traceback. */
int sandbox_msghandler(lua_State *L);

#endif
