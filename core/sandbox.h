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
/* Makes the hook fire at the very next instruction or call of every
 * coroutine, for good: called once a limit stopped the run. */
void sandbox_stop(lua_State *L);
/* print()'s arguments as one line, tab-separated, tostring'd, with a
 * newline: [args.. line].  For print functions that write elsewhere. */
int sandbox_print_line(lua_State *L);
/* Opens the libraries and pushes the script environment: the allow-list
 * when sandboxed, else the full global table.  [.. env]
 * Sandboxed, it may be called again on the same state once the last
 * environment is dropped: the libraries are opened once, and each new
 * environment is made of fresh tables (and makes the string metatable
 * index its own string table), so no earlier run's changes reach it. */
int sandbox_env(lua_State *L, int sandboxed);
/* Message handler for lua_pcall: message plus traceback. */
int sandbox_msghandler(lua_State *L);

#endif
