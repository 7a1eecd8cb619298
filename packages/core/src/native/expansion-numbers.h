/*
 * The numbers of an expansion that are not in its header (`ExpansionNumbers`
 * of `special/variance-expansions.ts`), STRIDE per expansion by index:
 * its variance, the variance looked up after it, the reach it has grown to
 * meet, the running sums of its squares, and the heat shift's state.
 */
#ifndef TL_EXPANSION_NUMBERS_H
#define TL_EXPANSION_NUMBERS_H

enum { STRIDE = 9, Q = 0, NEXT_Q = 1, REACHED = 2, SUM_A = 3, SUM_W = 4, DELTA = 5, STEP = 6, POWER = 7, SHIFT_K = 8 };

#endif
