#include "threads.h"

#include <pthread.h>
#include <stddef.h>
#include <time.h>

/* At most this many threads besides the calling one. */
#define MAX_EXTRA 64
/* Polls of a pooled thread's state (some tens of microseconds) before its caller sleeps on it: its part usually ends about when the caller's does. */
#define SPIN 2000
/* Seconds a pooled thread polls for its next part before it sleeps. */
#define IDLE_POLL 1e-3
#if defined(__x86_64__)
#define PAUSE() __builtin_ia32_pause()
#else
#define PAUSE() ((void)0)
#endif

/*
 * Threads kept from one call to the next. Creating a thread cost 35–250 us
 * on the 2-vCPU machines measured, and its first row started 50–90 us after
 * the call, against a kernel layer's rows of 0.2–0.5 ms per thread; a pooled
 * thread is woken instead. One caller at a time uses the pool: the kernels
 * ask for more than one thread only from JavaScript's main thread (worker
 * threads ask for one), and any other caller meanwhile runs its parts itself.
 */
enum { IDLE, GIVEN, DONE, STOP };

typedef struct {
  pthread_t id;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  void (*part)(void *arg, int index);
  void *arg;
  int index;
  int state;
} pooled_t;

static pthread_mutex_t pool_in_use = PTHREAD_MUTEX_INITIALIZER;
static pooled_t pool[MAX_EXTRA];
static int pooled;

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void *serve(void *arg) {
  pooled_t *w = arg;
  for (;;) {
    // Polls a while before sleeping: a kernel's parallel parts come a fraction of a millisecond apart, and a sleeping thread woke 40-50 us late.
    const double until = seconds() + IDLE_POLL;
    for (int k = 1;; k++) {
      const int state = __atomic_load_n(&w->state, __ATOMIC_ACQUIRE);
      if (state == GIVEN || state == STOP) break;
      PAUSE();
      if ((k & 255) == 0 && seconds() > until) break;
    }
    pthread_mutex_lock(&w->lock);
    while (w->state != GIVEN && w->state != STOP) pthread_cond_wait(&w->changed, &w->lock);
    const int stop = w->state == STOP;
    pthread_mutex_unlock(&w->lock);
    if (stop) return NULL;
    w->part(w->arg, w->index);
    pthread_mutex_lock(&w->lock);
    __atomic_store_n(&w->state, DONE, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
  }
  return NULL;
}

/* Pooled thread t, started on first use; NULL where the system refuses one. */
static pooled_t *pooled_thread(int t) {
  if (t < pooled) return &pool[t];
  pooled_t *w = &pool[t];
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->changed, NULL);
  __atomic_store_n(&w->state, IDLE, __ATOMIC_RELAXED);
  if (pthread_create(&w->id, NULL, serve, w) != 0) {
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    return NULL;
  }
  pooled = t + 1;
  return w;
}

static void give(pooled_t *w, void (*part)(void *, int), void *arg, int index) {
  pthread_mutex_lock(&w->lock);
  w->part = part;
  w->arg = arg;
  w->index = index;
  __atomic_store_n(&w->state, GIVEN, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&w->changed);
  pthread_mutex_unlock(&w->lock);
}

static void await_done(pooled_t *w) {
  for (int k = 0; k < SPIN && __atomic_load_n(&w->state, __ATOMIC_ACQUIRE) != DONE; k++) PAUSE();
  pthread_mutex_lock(&w->lock);
  while (w->state != DONE) pthread_cond_wait(&w->changed, &w->lock);
  __atomic_store_n(&w->state, IDLE, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&w->lock);
}

void tl_run_parts(void (*part)(void *arg, int index), void *arg, int parts) {
  if (parts <= 1) {
    if (parts == 1) part(arg, 0);
    return;
  }
  if (pthread_mutex_trylock(&pool_in_use) != 0) {
    for (int index = 0; index < parts; index++) part(arg, index);
    return;
  }
  int given = 0;
  while (given < parts - 1 && given < MAX_EXTRA) {
    pooled_t *w = pooled_thread(given);
    if (w == NULL) break;
    give(w, part, arg, given + 1);
    given++;
  }
  part(arg, 0);
  for (int index = given + 1; index < parts; index++) part(arg, index);
  for (int t = 0; t < given; t++) await_done(&pool[t]);
  pthread_mutex_unlock(&pool_in_use);
}

/*
 * Stops the pooled threads and waits for them to end, before the library is
 * unloaded (Node unloads it as it exits): a thread still polling in the
 * library's code would run on in memory unmapped under it (measured: about
 * one process in twenty ended by SIGSEGV, after its last kernel on two threads).
 */
__attribute__((destructor)) static void stop_pool(void) {
  pthread_mutex_lock(&pool_in_use);
  for (int t = 0; t < pooled; t++) {
    pooled_t *w = &pool[t];
    pthread_mutex_lock(&w->lock);
    __atomic_store_n(&w->state, STOP, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->id, NULL);
  }
  pooled = 0;
  pthread_mutex_unlock(&pool_in_use);
}

typedef struct {
  void (*rows)(const void *job, int g0, int g1);
  const void *job;
  int i1, group;
  int next; /* the next group's first row, taken atomically */
} groups_t;

static void take_groups(void *arg, int index) {
  (void)index;
  groups_t *g = arg;
  for (;;) {
    const int g0 = __atomic_fetch_add(&g->next, g->group, __ATOMIC_RELAXED);
    if (g0 >= g->i1) return;
    g->rows(g->job, g0, g0 + g->group < g->i1 ? g0 + g->group : g->i1);
  }
}

void tl_parallel_rows(void (*rows)(const void *job, int g0, int g1), const void *job, int i0, int i1, int group, int threads) {
  groups_t g = {rows, job, i1, group, i0};
  tl_run_parts(take_groups, &g, threads);
}
