/*
 * A conv layer's kernel rule in native code (`stax/conv.ts`, `convRows`, and
 * `stax/spatial/block-ops.ts`, `convBlock`): every block of a pair of
 * examples averaged over the filter's offsets, one spatial axis at a time
 * (for a full block, on the pair of that axis's two position indices, the
 * same offset at both), then 𝒦' = σ_w² A(𝒦) + σ_b² and the NTK's sum. The
 * loops are the JavaScript's, in the same order, so every entry is summed in
 * the same order and the bits are the same (built with -ffp-contract=off).
 */
#include <stdlib.h>
#include <string.h>

#include "duals.h"
#include "threads.h"

/* Spatial axes handled (images have 2, volumes 3); a full block has twice as many dimensions. */
#define MAX_AXES 4

typedef struct {
  const double *nngp, *ntk;
  double *out_nngp, *out_ntk;
  int n2, symmetric, diagonal, axes;
  /* Per axis: input length, output length, taps; then each axis's index table (output x taps, -1: padding). */
  const int *shape;
  const int *index[MAX_AXES];
  /* Per axis and offset q: 1 when index column q is a shift (u = t + shift, -1 outside [lo, hi)), then shift, lo, hi. */
  const int *shifts[MAX_AXES];
  int in_block, out_block, scratch_size;
  double w2, b2, fan_in, bias;
  int ntk_param;
  /* Theta below is zero (KernelAffine.thetaZero): A(theta) = 0 is written first, never computed from ntk (nor its pages read). */
  int theta_zero;
  int failed; /* set (atomically) by a thread that could not get its scratch memory */
} job_t;

/*
 * to[t] += from[index(t, q)] for every output t (skipping padding): a
 * contiguous, vectorised loop when index column q is a shift (see job_t).
 */
INLINE void add_tap(double *restrict to, const double *restrict from, const int *index, const int *shift, int output, int f, int q) {
  if (shift[4 * q]) {
    const int c = shift[4 * q + 1], hi = shift[4 * q + 3];
    for (int t = shift[4 * q + 2]; t < hi; t++) to[t] += from[t + c];
    return;
  }
  for (int t = 0; t < output; t++) {
    const int u = index[t * f + q];
    if (u >= 0) to[t] += from[u];
  }
}

/*
 * out[..., t, ...] = (1/F) sum_f in[..., index(t, f), ...] along one axis of
 * a block of shape dims. Each output entry gets its terms in the order of f,
 * as in the JavaScript; along the last axis (inner 1) the loop over t is the
 * inner one, so that it runs along contiguous entries.
 */
INLINE void axis_pass(const double *restrict src, double *restrict dst, const int *dims, int ndims, int axis, int input, int output, int f,
                      const int *index, const int *shift) {
  size_t outer = 1, inner = 1;
  for (int i = 0; i < axis; i++) outer *= dims[i];
  for (int i = axis + 1; i < ndims; i++) inner *= dims[i];
  const double inv = 1.0 / f;
  if (inner == 1) {
    for (size_t o = 0; o < outer; o++) {
      double *to = dst + o * output;
      const double *from = src + o * input;
      for (int t = 0; t < output; t++) to[t] = 0;
      for (int q = 0; q < f; q++) add_tap(to, from, index, shift, output, f, q);
      for (int t = 0; t < output; t++) to[t] *= inv;
    }
    return;
  }
  for (size_t o = 0; o < outer; o++) {
    for (int t = 0; t < output; t++) {
      double *to = dst + (o * output + t) * inner;
      for (size_t r = 0; r < inner; r++) to[r] = 0;
      for (int q = 0; q < f; q++) {
        const int u = index[t * f + q];
        if (u < 0) continue;
        const double *from = src + (o * input + u) * inner;
        for (size_t r = 0; r < inner; r++) to[r] += from[r];
      }
      for (size_t r = 0; r < inner; r++) to[r] *= inv;
    }
  }
}

/* out[..., t1, ..., t2, ...] = (1/F) sum_f in[..., index(t1, f), ..., index(t2, f), ...] along the pair of axes a1 < a2. */
INLINE void pair_pass(const double *restrict src, double *restrict dst, const int *dims, int ndims, int a1, int a2, int input, int output, int f,
                      const int *index, const int *shift) {
  size_t outer = 1, mid = 1, inner = 1;
  for (int i = 0; i < a1; i++) outer *= dims[i];
  for (int i = a1 + 1; i < a2; i++) mid *= dims[i];
  for (int i = a2 + 1; i < ndims; i++) inner *= dims[i];
  const size_t size = outer * output * mid * output * inner;
  memset(dst, 0, size * sizeof(double));
  for (size_t o = 0; o < outer; o++) {
    for (int t1 = 0; t1 < output; t1++) {
      for (int q = 0; q < f; q++) {
        const int u1 = index[t1 * f + q];
        if (u1 < 0) continue;
        for (size_t m = 0; m < mid; m++) {
          double *to_row = dst + ((o * output + t1) * mid + m) * output * inner;
          const double *from_row = src + ((o * input + u1) * mid + m) * input * inner;
          if (inner == 1) {
            add_tap(to_row, from_row, index, shift, output, f, q);
            continue;
          }
          for (int t2 = 0; t2 < output; t2++) {
            const int u2 = index[t2 * f + q];
            if (u2 < 0) continue;
            double *to = to_row + t2 * inner;
            const double *from = from_row + u2 * inner;
            for (size_t r = 0; r < inner; r++) to[r] += from[r];
          }
        }
      }
    }
  }
  const double inv = 1.0 / f;
  for (size_t e = 0; e < size; e++) dst[e] *= inv;
}

/* One block through the filter's mean, the last axis first (as convBlock); scratch holds the intermediate blocks. */
INLINE void conv_block(const job_t *job, const double *src, double *dst, double *scratch[]) {
  const int k = job->axes;
  int dims[2 * MAX_AXES];
  for (int d = 0; d < k; d++) {
    dims[d] = job->shape[3 * d];
    if (!job->diagonal) dims[k + d] = job->shape[3 * d];
  }
  const double *from = src;
  for (int d = k - 1; d >= 0; d--) {
    double *to = d == 0 ? dst : scratch[d];
    const int input = job->shape[3 * d], output = job->shape[3 * d + 1], f = job->shape[3 * d + 2];
    if (job->diagonal) {
      axis_pass(from, to, dims, k, d, input, output, f, job->index[d], job->shifts[d]);
    } else {
      pair_pass(from, to, dims, 2 * k, d, k + d, input, output, f, job->index[d], job->shifts[d]);
      dims[k + d] = output;
    }
    dims[d] = output;
    from = to;
  }
}

/* Whether index column q is a shift: u = t + c for t in [lo, hi), -1 elsewhere; out = {1, c, lo, hi}, or {0, ...}. */
static void find_shift(const int *index, int input, int output, int f, int q, int *out) {
  int lo = -1, c = 0;
  for (int t = 0; t < output && lo < 0; t++) {
    if (index[t * f + q] >= 0) {
      lo = t;
      c = index[t * f + q] - t;
    }
  }
  int hi = lo < 0 ? 0 : lo;
  while (hi < output && index[hi * f + q] == hi + c && hi + c < input) hi++;
  int ok = 1;
  for (int t = 0; t < output; t++) {
    const int expected = t >= lo && t < hi && lo >= 0 ? t + c : -1;
    if (index[t * f + q] != expected) ok = 0;
  }
  out[0] = ok;
  out[1] = c;
  out[2] = lo < 0 ? 0 : lo;
  out[3] = hi;
}

/* The blocks of rows [i0, i1) (only j >= i when symmetric). */
WIDEST static void run_rows(const void *arg, int i0, int i1) {
  job_t *job = (job_t *)arg;
  double *scratch[MAX_AXES] = {NULL};
  int missing = 0;
  for (int d = 1; d < job->axes; d++) {
    scratch[d] = malloc((size_t)job->scratch_size * sizeof(double));
    missing |= scratch[d] == NULL;
  }
  if (missing) {
    __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED);
    for (int d = 1; d < job->axes; d++) free(scratch[d]);
    return;
  }
  for (int i = i0; i < i1; i++) {
    for (int j = job->symmetric ? i : 0; j < job->n2; j++) {
      const size_t b = (size_t)i * job->n2 + j;
      double *nngp = job->out_nngp + b * job->out_block;
      conv_block(job, job->nngp + b * job->in_block, nngp, scratch);
      const double w2 = job->w2, b2 = job->b2;
      if (job->ntk != NULL && job->out_ntk != NULL) {
        double *ntk = job->out_ntk + b * job->out_block;
        if (job->theta_zero) memset(ntk, 0, (size_t)job->out_block * sizeof(double));
        else conv_block(job, job->ntk + b * job->in_block, ntk, scratch);
        const double fan_in = job->fan_in, bias = job->bias;
        if (job->ntk_param) {
          for (int e = 0; e < job->out_block; e++) {
            const double next = w2 * nngp[e] + b2;
            nngp[e] = next;
            ntk[e] = w2 * ntk[e] + next;
          }
        } else {
          for (int e = 0; e < job->out_block; e++) {
            const double a = nngp[e];
            nngp[e] = w2 * a + b2;
            ntk[e] = fan_in * a + w2 * ntk[e] + bias;
          }
        }
      } else {
        for (int e = 0; e < job->out_block; e++) nngp[e] = w2 * nngp[e] + b2;
      }
    }
  }
  for (int d = 1; d < job->axes; d++) free(scratch[d]);
}

/*
 * The conv's kernel rule on every block of an n1 x n2 kernel (out_ntk and
 * ntk NULL for the NNGP alone), on `threads` threads (the calling one
 * included). shape: input, output and taps of each of `axes` axes; index:
 * their index tables one after the other (output x taps each). numbers: w2,
 * b2, fanIn, bias (0 or 1), 1 for the NTK parameterization (else standard),
 * 1 when theta below is zero.
 * Returns 0, or -1 when there are more axes than MAX_AXES or scratch memory
 * could not be had (then some blocks are missing: the caller computes them
 * all again, from the inputs, which this never writes).
 */
int tl_conv_rows(const double *nngp, const double *ntk, double *out_nngp, double *out_ntk, int n1, int n2, int symmetric, int diagonal, int axes,
                 const int *shape, const int *index, const double *numbers, int threads) {
  if (axes < 1 || axes > MAX_AXES) return -1;
  job_t job = {nngp, ntk, out_nngp, out_ntk, n2, symmetric, diagonal, axes, shape, {NULL}, {NULL}, 0, 0, 0, numbers[0], numbers[1], numbers[2], numbers[3], numbers[4] != 0, numbers[5] != 0, 0};
  int taps = 0;
  for (int d = 0; d < axes; d++) taps += shape[3 * d + 2];
  int *shifts = malloc((size_t)taps * 4 * sizeof(int));
  if (shifts == NULL) return -1;
  int *next_shift = shifts;
  size_t in_positions = 1, out_positions = 1, largest = 1;
  const int *at = index;
  for (int d = 0; d < axes; d++) {
    const int input = shape[3 * d], output = shape[3 * d + 1];
    job.index[d] = at;
    job.shifts[d] = next_shift;
    for (int q = 0; q < shape[3 * d + 2]; q++, next_shift += 4) find_shift(at, input, output, shape[3 * d + 2], q, next_shift);
    at += (size_t)output * shape[3 * d + 2];
    in_positions *= input;
    out_positions *= output;
    largest *= input > output ? input : output;
  }
  job.in_block = (int)(diagonal ? in_positions : in_positions * in_positions);
  job.out_block = (int)(diagonal ? out_positions : out_positions * out_positions);
  job.scratch_size = (int)(diagonal ? largest : largest * largest);
  tl_parallel_rows(run_rows, &job, 0, n1, 1, threads);
  free(shifts);
  return job.failed ? -1 : 0;
}
