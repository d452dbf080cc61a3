/* cancel.c -- stopping a run from another thread.
 *
 * lede_interrupt(engine) is one atomic store: safe from any thread and
 * from a signal handler.  The run in progress on that engine fails with
 * LEDE_EINTERRUPT at its next check (every 1,000 Lua instructions and
 * inside every C helper), whatever it is doing: a pcall cannot swallow it.
 * Here a watchdog thread cancels a script that would never end; a SIGALRM
 * handler would do the same with lede_interrupt() as its only call. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include <lede.h>

static void *watchdog(void *arg) {
  struct timespec ts = {0, 100 * 1000000L}; /* 0.1 s */
  nanosleep(&ts, NULL);
  lede_interrupt(arg);
  return NULL;
}

int main(void) {
  lede_engine *e = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  static const char forever[] =
      "local n = 0\n"
      "while true do\n"
      "  pcall(function() n = n + #lede.words('one two three') end)\n"
      "end\n";
  pthread_t t;
  pthread_create(&t, NULL, watchdog, e);
  char *out = NULL;
  lede_status st = lede_run_string(e, "forever.lua", forever, sizeof forever - 1, NULL, NULL,
                                   &out, NULL);
  pthread_join(t, NULL);
  printf("status: %s (%s)\n", lede_strerror(st), st == LEDE_EINTERRUPT ? "LEDE_EINTERRUPT" : "?");
  printf("message: %s\n", lede_error_message(e));
  /* The engine is ready for the next run; an interrupt only ever stops
   * the run that is in progress when it is made. */
  st = lede_run_string(e, "next.lua", "return 'next run fine'", 22, NULL, NULL, &out, NULL);
  printf("%s\n", st == LEDE_OK ? out : lede_errmsg(e));
  lede_free(out);
  lede_engine_free(e);
  return 0;
}
