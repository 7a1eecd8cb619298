/* Work spread over threads: the calling one and up to threads - 1 more, kept in a pool between calls. */
#ifndef TANGENT_LAB_THREADS_H
#define TANGENT_LAB_THREADS_H

/*
 * Runs part(arg, index) once for each index < parts: index 0 on the calling
 * thread, the others on pooled threads where the system gives them (else
 * after index 0, on this one); returns when all have.
 */
void tl_run_parts(void (*part)(void *arg, int index), void *arg, int parts);

/* Runs rows(job, g0, g1) on consecutive groups of `group` rows covering [i0, i1), each group once, taken in turn by `threads` threads. */
void tl_parallel_rows(void (*rows)(const void *job, int g0, int g1), const void *job, int i0, int i1, int group, int threads);

#endif
