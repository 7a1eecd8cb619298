#include "threads.h"

#include <pthread.h>
#include <stddef.h>

/* At most this many threads besides the calling one. */
#define MAX_EXTRA 64

typedef struct {
  void (*rows)(const void *job, int g0, int g1);
  const void *job;
  int i1, group;
  int next; /* the next group's first row, taken atomically */
} groups_t;

static void *take_groups(void *arg) {
  groups_t *g = arg;
  for (;;) {
    const int g0 = __atomic_fetch_add(&g->next, g->group, __ATOMIC_RELAXED);
    if (g0 >= g->i1) return NULL;
    g->rows(g->job, g0, g0 + g->group < g->i1 ? g0 + g->group : g->i1);
  }
}

void tl_parallel_rows(void (*rows)(const void *job, int g0, int g1), const void *job, int i0, int i1, int group, int threads) {
  groups_t g = {rows, job, i1, group, i0};
  pthread_t ids[MAX_EXTRA];
  int started = 0;
  /* Fewer threads when the system refuses more: the groups are still all taken. */
  while (started < threads - 1 && started < MAX_EXTRA && pthread_create(&ids[started], NULL, take_groups, &g) == 0) started++;
  take_groups(&g);
  for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
}
