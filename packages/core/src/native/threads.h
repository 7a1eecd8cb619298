/* Rows of a kernel spread over threads: the calling one and up to threads - 1 more. */
#ifndef TANGENT_LAB_THREADS_H
#define TANGENT_LAB_THREADS_H

/* Runs rows(job, g0, g1) on consecutive groups of `group` rows covering [i0, i1), each group once, taken in turn by `threads` threads. */
void tl_parallel_rows(void (*rows)(const void *job, int g0, int g1), const void *job, int i0, int i1, int group, int threads);

#endif
