/*
 * WIDEST: a function compiled once per x86-64 level, so that its loops are
 * vectorised for the widest instructions the CPU has, picked when the
 * library loads.
 */
#ifndef TANGENT_LAB_WIDEST_H
#define TANGENT_LAB_WIDEST_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDEST __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WIDEST
#endif

#endif
