;; A row of Mehler sums (the dual of Lee et al. 2019, eq. (S1), of a smooth
;; activation from its Hermite expansions; see `special/mehler-series.ts`),
;; with WebAssembly SIMD (f64x2) over the terms of each block of four
;; coefficients: lane 0 sums the even positions of the block, lane 1 the odd
;; ones, and the two lanes are added at the end.
;;
;; The arithmetic is exactly that of `seriesRowJs` (`simd/series.ts`),
;; operation by operation: IEEE double arithmetic is the same in both, so the
;; JavaScript and this module give the same bits.
;;
;; Memory (laid out by `simd/series.ts`, byte addresses):
;; - an expansion's header h: i32 length (coefficients held) at h, i32 length
;;   below which the series must grow before a block is read (the length, or
;;   2^31 - 1 once the series has ended) at h+4, i32 address of its blocks at
;;   h+8, i32 1 when phi''s series follows from phi's by Stein's lemma (else
;;   the entry is summed in JavaScript) at h+12; f64 E[phi^2] at h+16,
;;   E[phi'^2] at h+24, 1/sqrt(q) at h+32; i32 the caller's index of the
;;   expansion at h+40, i32 the blocks it has room for at h+44 (the caller's);
;; - block b of an expansion, 80 bytes at blocks + 80 b: f64 the larger
;;   relative tail of its two series before coefficient 4b (see
;;   `Expansion.header`) at +0; x_{4b..4b+3} at +16; k x for the same four at
;;   +48 (zero past the length);
;; - the rows: q12, q22, t, tDot (f64) and the columns' headers (i32); an
;;   entry whose column is the row's own expansion, with q12 >= q11, is a
;;   diagonal entry;
;; - lists of entries (i32), and the deferred ones as pairs (i32 entry, i32
;;   need: grow both expansions to that many coefficients first, or -1: the
;;   caller sums it in JavaScript).
(module
  (memory (export "memory") 1)

  ;; For pairs k < n: t[k] = r = q12/sqrt(q11 q22) clamped to [-1, 1] (0 when
  ;; the root is 0) and tDot[k] = the root, for `seriesRow` (which overwrites
  ;; them as it sums the entries): one pass without dependencies between
  ;; entries, so the square roots and divisions of successive entries overlap.
  (func $correlations
    (param $q11 f64) (param $pq12 i32) (param $pq22 i32) (param $pt i32) (param $ptd i32) (param $n i32)
    (local $off i32) (local $end i32) (local $root v128)
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $root (f64x2.sqrt (f64x2.mul (f64x2.splat (local.get $q11))
          (v128.load (i32.add (local.get $pq22) (local.get $off))))))
        (v128.store (i32.add (local.get $pt) (local.get $off))
          (v128.bitselect
            (f64x2.min (f64x2.splat (f64.const 1)) (f64x2.max (f64x2.splat (f64.const -1))
              (f64x2.div (v128.load (i32.add (local.get $pq12) (local.get $off))) (local.get $root))))
            (f64x2.splat (f64.const 0))
            (f64x2.gt (local.get $root) (f64x2.splat (f64.const 0)))))
        (v128.store (i32.add (local.get $ptd) (local.get $off)) (local.get $root))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs))))

  ;; The entries listed at plist (count of them) of the row of e1 (header h1,
  ;; variance q11); an entry that cannot be summed yet is deferred to ppend
  ;; (see above), and the others go on. Returns how many were deferred.
  ;; mode: 1 odd phi (t = r sa), 2 even phi (tDot = r sb), 4 series in r^2
  ;; (odd or even), 8 tDot wanted, 16 a new row (its correlations first, for
  ;; entries 0 to count). phi' lags by one power of r unless phi is odd.
  (func (export "seriesRow")
    (param $h1 i32) (param $q11 f64) (param $pq12 i32) (param $pq22 i32) (param $pcols i32)
    (param $pt i32) (param $ptd i32) (param $plist i32) (param $count i32) (param $ppend i32)
    (param $limit f64) (param $mode i32) (param $split2 f64) (param $slope2 f64)
    (result i32)
    (local $i i32) (local $k i32) (local $need i32) (local $pending i32) (local $h2 i32) (local $len1 i32) (local $grow1 i32) (local $blocks1 i32)
    (local $len2 i32) (local $grow2 i32) (local $blocks2 i32) (local $m i32) (local $j i32)
    (local $a1 i32) (local $a2 i32) (local $growAt i32) (local $stein1 i32)
    (local $normA1 f64) (local $normB1 f64) (local $invRoot1 f64)
    (local $root f64) (local $r f64) (local $rs f64) (local $r2 f64) (local $r4 f64)
    (local $extra f64) (local $sa f64) (local $sb f64) (local $t f64) (local $td f64)
    (local $odd i32) (local $even i32) (local $lagged i32) (local $squared i32) (local $wantDot i32)
    (local $p01 v128) (local $p23 v128) (local $prev v128) (local $vr4 v128)
    (local $sav v128) (local $sbv v128) (local $y01 v128) (local $y23 v128)
    (if (i32.and (local.get $mode) (i32.const 16))
      (then (call $correlations (local.get $q11) (local.get $pq12) (local.get $pq22) (local.get $pt) (local.get $ptd) (local.get $count))))
    (local.set $odd (i32.and (local.get $mode) (i32.const 1)))
    (local.set $even (i32.and (local.get $mode) (i32.const 2)))
    (local.set $lagged (i32.eqz (local.get $odd)))
    (local.set $squared (i32.and (local.get $mode) (i32.const 4)))
    (local.set $wantDot (i32.and (local.get $mode) (i32.const 8)))
    (local.set $len1 (i32.load (local.get $h1)))
    (local.set $grow1 (i32.load offset=4 (local.get $h1)))
    (local.set $blocks1 (i32.load offset=8 (local.get $h1)))
    (local.set $normA1 (f64.load offset=16 (local.get $h1)))
    (local.set $normB1 (f64.load offset=24 (local.get $h1)))
    (local.set $invRoot1 (f64.load offset=32 (local.get $h1)))
    (local.set $stein1 (i32.load offset=12 (local.get $h1)))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $i) (local.get $count)))
        (local.set $k (i32.load (i32.add (local.get $plist) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $h2 (i32.load (i32.add (local.get $pcols) (i32.shl (local.get $k) (i32.const 2)))))
        (block $defer
          (block $computed
            (if (i32.eq (local.get $h2) (local.get $h1))
              (then
                (if (f64.ge (f64.load (i32.add (local.get $pq12) (i32.shl (local.get $k) (i32.const 3)))) (local.get $q11))
                  (then
                    ;; The diagonal: E[psi^2] and E[psi'^2], known to the expansion.
                    (local.set $t (f64.add (local.get $normA1)
                      (f64.add (local.get $split2) (f64.mul (local.get $slope2) (local.get $q11)))))
                    (local.set $td (f64.add (local.get $normB1) (local.get $slope2)))
                    (br $computed)))))
            ;; A tiny variance's own series of phi': summed in JavaScript.
            (if (i32.eqz (i32.and (local.get $stein1) (i32.load offset=12 (local.get $h2))))
              (then
                (local.set $need (i32.const -1))
                (br $defer)))
            ;; r and sqrt(q11 q22), from `correlations`.
            (local.set $r (f64.load (i32.add (local.get $pt) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $root (f64.load (i32.add (local.get $ptd) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $extra (f64.add (local.get $split2)
              (f64.mul (local.get $slope2) (f64.mul (local.get $r) (local.get $root)))))
            (local.set $rs (select (f64.mul (local.get $r) (local.get $r)) (local.get $r) (local.get $squared)))
            (local.set $r2 (f64.mul (local.get $rs) (local.get $rs)))
            (local.set $r4 (f64.mul (local.get $r2) (local.get $r2)))
            (local.set $vr4 (f64x2.splat (local.get $r4)))
            (local.set $p01 (f64x2.replace_lane 1 (f64x2.splat (f64.const 1)) (local.get $rs)))
            (local.set $p23 (f64x2.replace_lane 1 (f64x2.splat (local.get $r2)) (f64.mul (local.get $r2) (local.get $rs))))
            (local.set $prev (f64x2.splat (f64.const 0)))
            (local.set $sav (f64x2.splat (f64.const 0)))
            (local.set $sbv (f64x2.splat (f64.const 0)))
            (local.set $len2 (i32.load (local.get $h2)))
            (local.set $grow2 (i32.load offset=4 (local.get $h2)))
            (local.set $blocks2 (i32.load offset=8 (local.get $h2)))
            (local.set $m (select (local.get $len1) (local.get $len2) (i32.lt_s (local.get $len1) (local.get $len2))))
            (local.set $growAt (select (local.get $grow1) (local.get $grow2) (i32.lt_s (local.get $grow1) (local.get $grow2))))
            (local.set $a1 (local.get $blocks1))
            (local.set $a2 (local.get $blocks2))
            (local.set $j (i32.const 0))
            ;; The blocks, with or without the lag of phi' (a loop each, so that neither selects per block).
            (if (local.get $lagged)
              (then
            (block $lag
              (loop $lagBlocks
                (if (local.get $j)
                  (then
                    (br_if $lag (f64.le
                      (f64.mul (f64.mul (f64.mul (f64.load (local.get $a1)) (f64.load (local.get $a2))) (f64x2.extract_lane 1 (local.get $prev))) (f64x2.extract_lane 1 (local.get $prev)))
                      (local.get $limit)))))
                (if (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $m))
                  (then
                    ;; Past the coefficients held: grow first, unless a series has ended.
                    (if (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $growAt))
                      (then
                        (local.set $need (i32.add (local.get $j) (i32.const 4)))
                        (br $defer)))
                    (br_if $lag (i32.ge_s (local.get $j) (local.get $m)))))
                (local.set $y01 (v128.load offset=16 (local.get $a2)))
                (local.set $y23 (v128.load offset=32 (local.get $a2)))
                (local.set $sav (f64x2.add (local.get $sav)
                  (f64x2.mul (f64x2.mul (v128.load offset=16 (local.get $a1)) (local.get $y01)) (local.get $p01))))
                (local.set $sav (f64x2.add (local.get $sav)
                  (f64x2.mul (f64x2.mul (v128.load offset=32 (local.get $a1)) (local.get $y23)) (local.get $p23))))
                ;; phi' lags: powers (before, p0) and (p1, p2), before = the previous block's p3.
                (local.set $sbv (f64x2.add (local.get $sbv)
                  (f64x2.mul (f64x2.mul (v128.load offset=48 (local.get $a1)) (local.get $y01))
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $prev) (local.get $p01)))))
                (local.set $sbv (f64x2.add (local.get $sbv)
                  (f64x2.mul (f64x2.mul (v128.load offset=64 (local.get $a1)) (local.get $y23))
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $p01) (local.get $p23)))))
                (local.set $prev (local.get $p23))
                ;; A series that ended inside this block: the sums are complete.
                (br_if $lag (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $m)))
                (local.set $p01 (f64x2.mul (local.get $p01) (local.get $vr4)))
                (local.set $p23 (f64x2.mul (local.get $p23) (local.get $vr4)))
                (local.set $a1 (i32.add (local.get $a1) (i32.const 80)))
                (local.set $a2 (i32.add (local.get $a2) (i32.const 80)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $lagBlocks)))
              )
              (else
            (block $plain
              (loop $plainBlocks
                (if (local.get $j)
                  (then
                    (br_if $plain (f64.le
                      (f64.mul (f64.mul (f64.mul (f64.load (local.get $a1)) (f64.load (local.get $a2))) (f64x2.extract_lane 0 (local.get $p01))) (f64x2.extract_lane 0 (local.get $p01)))
                      (local.get $limit)))))
                (if (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $m))
                  (then
                    ;; Past the coefficients held: grow first, unless a series has ended.
                    (if (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $growAt))
                      (then
                        (local.set $need (i32.add (local.get $j) (i32.const 4)))
                        (br $defer)))
                    (br_if $plain (i32.ge_s (local.get $j) (local.get $m)))))
                (local.set $y01 (v128.load offset=16 (local.get $a2)))
                (local.set $y23 (v128.load offset=32 (local.get $a2)))
                (local.set $sav (f64x2.add (local.get $sav)
                  (f64x2.mul (f64x2.mul (v128.load offset=16 (local.get $a1)) (local.get $y01)) (local.get $p01))))
                (local.set $sav (f64x2.add (local.get $sav)
                  (f64x2.mul (f64x2.mul (v128.load offset=32 (local.get $a1)) (local.get $y23)) (local.get $p23))))
                (local.set $sbv (f64x2.add (local.get $sbv)
                  (f64x2.mul (f64x2.mul (v128.load offset=48 (local.get $a1)) (local.get $y01)) (local.get $p01))))
                (local.set $sbv (f64x2.add (local.get $sbv)
                  (f64x2.mul (f64x2.mul (v128.load offset=64 (local.get $a1)) (local.get $y23)) (local.get $p23))))
                ;; A series that ended inside this block: the sums are complete.
                (br_if $plain (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $m)))
                (local.set $p01 (f64x2.mul (local.get $p01) (local.get $vr4)))
                (local.set $p23 (f64x2.mul (local.get $p23) (local.get $vr4)))
                (local.set $a1 (i32.add (local.get $a1) (i32.const 80)))
                (local.set $a2 (i32.add (local.get $a2) (i32.const 80)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $plainBlocks)))
              ))
            (local.set $sa (f64.add (f64x2.extract_lane 0 (local.get $sav)) (f64x2.extract_lane 1 (local.get $sav))))
            (local.set $sb (f64.add (f64x2.extract_lane 0 (local.get $sbv)) (f64x2.extract_lane 1 (local.get $sbv))))
            (local.set $t (f64.add (select (f64.mul (local.get $r) (local.get $sa)) (local.get $sa) (local.get $odd)) (local.get $extra)))
            (local.set $td (f64.add
              (f64.mul
                (select (f64.mul (local.get $r) (local.get $sb)) (local.get $sb) (local.get $even))
                (f64.mul (local.get $invRoot1) (f64.load offset=32 (local.get $h2))))
              (local.get $slope2))))
          (f64.store (i32.add (local.get $pt) (i32.shl (local.get $k) (i32.const 3))) (local.get $t))
          (if (local.get $wantDot)
            (then (f64.store (i32.add (local.get $ptd) (i32.shl (local.get $k) (i32.const 3))) (local.get $td))))
          (br $entries))
        ;; Deferred: the entry and what the caller must do first.
        (i32.store (i32.add (local.get $ppend) (i32.shl (local.get $pending) (i32.const 3))) (local.get $k))
        (i32.store offset=4 (i32.add (local.get $ppend) (i32.shl (local.get $pending) (i32.const 3))) (local.get $need))
        (local.set $pending (i32.add (local.get $pending) (i32.const 1)))
        (br $entries)))
    (local.get $pending)))
