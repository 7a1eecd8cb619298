;; Rows of analytic kernels, two entries at a time with WebAssembly SIMD
;; (f64x2): the arc-cosine (ReLU) and erf duals (Lee et al. 2019, eqs.
;; (S14)-(S17); every entry of these kernels is an angle, and the angle is
;; where the time goes), and the dense layer's map on a row of both kernels
;; (eqs. (S4), (S6)).
;;
;; The arithmetic is exactly that of the JavaScript it replaces
;; (`special/atan.ts`, the activations' `dual`, `stax/deferred-duals.ts`),
;; operation by operation, with selects where the JavaScript has
;; conditionals: IEEE double arithmetic is the same in both, so a row computed
;; here equals, bit for bit, the entries computed one at a time in JavaScript.
;;
;; Memory: the caller lays out rows of float64 in this module's memory and
;; passes their byte offsets; rows are processed in pairs, so each has room
;; for an even count.
(module
  (memory (export "memory") 1)

  ;; a[k] = the angle of (x[k], y[k]) for y, x >= 0, in [0, pi/2], for
  ;; pairs k < n: from u = smaller / larger coordinate (pi/2 - atan(u) when
  ;; y > x), with u > tan(pi/8) reduced by atan(u) = pi/4 + atan((u - 1)/(u + 1))
  ;; so that one division serves both; then atan(w) = w + w z P(z), z = w^2,
  ;; P the degree-10 fit of atan.ts. (0, 0) gives NaN; the callers choose its
  ;; value.
  ;;
  ;; Four pairs per iteration, each step written for the four in turn: one
  ;; pair alone is a chain of dependent operations (a division, then the
  ;; polynomial's eleven multiply-adds) that leaves the processor waiting;
  ;; four independent chains side by side keep it busy (measured: the row
  ;; runs 1.5-1.9x faster than one pair per iteration). The same operations on every
  ;; entry, so the same bits. No calls: the engine does not inline them.
  (func $quadrantRow (param $py i32) (param $px i32) (param $pa i32) (param $n i32)
    (local $off i32) (local $end i32) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $swap0 v128) (local $swap1 v128) (local $swap2 v128) (local $swap3 v128) (local $mn0 v128) (local $mn1 v128) (local $mn2 v128) (local $mn3 v128) (local $mx0 v128) (local $mx1 v128) (local $mx2 v128) (local $mx3 v128) (local $big0 v128) (local $big1 v128) (local $big2 v128) (local $big3 v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $z0 v128) (local $z1 v128) (local $z2 v128) (local $z3 v128) (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $tan8 v128) (local $quarter v128) (local $half v128)
    (local.set $tan8 (v128.const f64x2 0.41421356237309503 0.41421356237309503))
    (local.set $quarter (v128.const f64x2 0.7853981633974483 0.7853981633974483))
    (local.set $half (v128.const f64x2 1.5707963267948966 1.5707963267948966))
    ;; Pairs (two entries), rounded up; then whole groups of four pairs.
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $groups
      (loop $group
        (br_if $groups (i32.gt_u (i32.add (local.get $off) (i32.const 64)) (local.get $end)))
        (local.set $y0 (v128.load (i32.add (local.get $py) (local.get $off))))
        (local.set $y1 (v128.load (i32.add (local.get $py) (i32.add (local.get $off) (i32.const 16)))))
        (local.set $y2 (v128.load (i32.add (local.get $py) (i32.add (local.get $off) (i32.const 32)))))
        (local.set $y3 (v128.load (i32.add (local.get $py) (i32.add (local.get $off) (i32.const 48)))))
        (local.set $x0 (v128.load (i32.add (local.get $px) (local.get $off))))
        (local.set $x1 (v128.load (i32.add (local.get $px) (i32.add (local.get $off) (i32.const 16)))))
        (local.set $x2 (v128.load (i32.add (local.get $px) (i32.add (local.get $off) (i32.const 32)))))
        (local.set $x3 (v128.load (i32.add (local.get $px) (i32.add (local.get $off) (i32.const 48)))))
        (local.set $swap0 (f64x2.gt (local.get $y0) (local.get $x0)))
        (local.set $swap1 (f64x2.gt (local.get $y1) (local.get $x1)))
        (local.set $swap2 (f64x2.gt (local.get $y2) (local.get $x2)))
        (local.set $swap3 (f64x2.gt (local.get $y3) (local.get $x3)))
        (local.set $mn0 (f64x2.pmin (local.get $y0) (local.get $x0)))
        (local.set $mn1 (f64x2.pmin (local.get $y1) (local.get $x1)))
        (local.set $mn2 (f64x2.pmin (local.get $y2) (local.get $x2)))
        (local.set $mn3 (f64x2.pmin (local.get $y3) (local.get $x3)))
        (local.set $mx0 (f64x2.pmax (local.get $y0) (local.get $x0)))
        (local.set $mx1 (f64x2.pmax (local.get $y1) (local.get $x1)))
        (local.set $mx2 (f64x2.pmax (local.get $y2) (local.get $x2)))
        (local.set $mx3 (f64x2.pmax (local.get $y3) (local.get $x3)))
        (local.set $big0 (f64x2.gt (local.get $mn0) (f64x2.mul (local.get $tan8) (local.get $mx0))))
        (local.set $big1 (f64x2.gt (local.get $mn1) (f64x2.mul (local.get $tan8) (local.get $mx1))))
        (local.set $big2 (f64x2.gt (local.get $mn2) (f64x2.mul (local.get $tan8) (local.get $mx2))))
        (local.set $big3 (f64x2.gt (local.get $mn3) (f64x2.mul (local.get $tan8) (local.get $mx3))))
        (local.set $w0 (f64x2.div
          (v128.bitselect (f64x2.sub (local.get $mn0) (local.get $mx0)) (local.get $mn0) (local.get $big0))
          (v128.bitselect (f64x2.add (local.get $mn0) (local.get $mx0)) (local.get $mx0) (local.get $big0))))
        (local.set $w1 (f64x2.div
          (v128.bitselect (f64x2.sub (local.get $mn1) (local.get $mx1)) (local.get $mn1) (local.get $big1))
          (v128.bitselect (f64x2.add (local.get $mn1) (local.get $mx1)) (local.get $mx1) (local.get $big1))))
        (local.set $w2 (f64x2.div
          (v128.bitselect (f64x2.sub (local.get $mn2) (local.get $mx2)) (local.get $mn2) (local.get $big2))
          (v128.bitselect (f64x2.add (local.get $mn2) (local.get $mx2)) (local.get $mx2) (local.get $big2))))
        (local.set $w3 (f64x2.div
          (v128.bitselect (f64x2.sub (local.get $mn3) (local.get $mx3)) (local.get $mn3) (local.get $big3))
          (v128.bitselect (f64x2.add (local.get $mn3) (local.get $mx3)) (local.get $mx3) (local.get $big3))))
        (local.set $z0 (f64x2.mul (local.get $w0) (local.get $w0)))
        (local.set $z1 (f64x2.mul (local.get $w1) (local.get $w1)))
        (local.set $z2 (f64x2.mul (local.get $w2) (local.get $w2)))
        (local.set $z3 (f64x2.mul (local.get $w3) (local.get $w3)))
        (local.set $p0 (v128.const f64x2 -0.01920252926841228 -0.01920252926841228))
        (local.set $p1 (v128.const f64x2 -0.01920252926841228 -0.01920252926841228))
        (local.set $p2 (v128.const f64x2 -0.01920252926841228 -0.01920252926841228))
        (local.set $p3 (v128.const f64x2 -0.01920252926841228 -0.01920252926841228))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.039253696320618564 0.039253696320618564)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 0.039253696320618564 0.039253696320618564)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 0.039253696320618564 0.039253696320618564)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 0.039253696320618564 0.039253696320618564)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.05086254885823143 -0.05086254885823143)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 -0.05086254885823143 -0.05086254885823143)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 -0.05086254885823143 -0.05086254885823143)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 -0.05086254885823143 -0.05086254885823143)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.05858311810501153 0.05858311810501153)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 0.05858311810501153 0.05858311810501153)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 0.05858311810501153 0.05858311810501153)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 0.05858311810501153 0.05858311810501153)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.06664531369805009 -0.06664531369805009)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 -0.06664531369805009 -0.06664531369805009)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 -0.06664531369805009 -0.06664531369805009)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 -0.06664531369805009 -0.06664531369805009)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.07692184699371778 0.07692184699371778)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 0.07692184699371778 0.07692184699371778)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 0.07692184699371778 0.07692184699371778)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 0.07692184699371778 0.07692184699371778)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.0909090464769568 -0.0909090464769568)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 -0.0909090464769568 -0.0909090464769568)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 -0.0909090464769568 -0.0909090464769568)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 -0.0909090464769568 -0.0909090464769568)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.11111111017100327 0.11111111017100327)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 0.11111111017100327 0.11111111017100327)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 0.11111111017100327 0.11111111017100327)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 0.11111111017100327 0.11111111017100327)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.1428571428469138 -0.1428571428469138)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 -0.1428571428469138 -0.1428571428469138)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 -0.1428571428469138 -0.1428571428469138)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 -0.1428571428469138 -0.1428571428469138)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.19999999999995652 0.19999999999995652)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 0.19999999999995652 0.19999999999995652)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 0.19999999999995652 0.19999999999995652)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 0.19999999999995652 0.19999999999995652)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.3333333333333333 -0.3333333333333333)))
        (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $z1)) (v128.const f64x2 -0.3333333333333333 -0.3333333333333333)))
        (local.set $p2 (f64x2.add (f64x2.mul (local.get $p2) (local.get $z2)) (v128.const f64x2 -0.3333333333333333 -0.3333333333333333)))
        (local.set $p3 (f64x2.add (f64x2.mul (local.get $p3) (local.get $z3)) (v128.const f64x2 -0.3333333333333333 -0.3333333333333333)))
        (local.set $p0 (f64x2.add
          (f64x2.add (local.get $w0) (f64x2.mul (f64x2.mul (local.get $w0) (local.get $z0)) (local.get $p0)))
          (v128.and (local.get $big0) (local.get $quarter))))
        (local.set $p1 (f64x2.add
          (f64x2.add (local.get $w1) (f64x2.mul (f64x2.mul (local.get $w1) (local.get $z1)) (local.get $p1)))
          (v128.and (local.get $big1) (local.get $quarter))))
        (local.set $p2 (f64x2.add
          (f64x2.add (local.get $w2) (f64x2.mul (f64x2.mul (local.get $w2) (local.get $z2)) (local.get $p2)))
          (v128.and (local.get $big2) (local.get $quarter))))
        (local.set $p3 (f64x2.add
          (f64x2.add (local.get $w3) (f64x2.mul (f64x2.mul (local.get $w3) (local.get $z3)) (local.get $p3)))
          (v128.and (local.get $big3) (local.get $quarter))))
        (v128.store (i32.add (local.get $pa) (local.get $off))
          (v128.bitselect (f64x2.sub (local.get $half) (local.get $p0)) (local.get $p0) (local.get $swap0)))
        (v128.store (i32.add (local.get $pa) (i32.add (local.get $off) (i32.const 16)))
          (v128.bitselect (f64x2.sub (local.get $half) (local.get $p1)) (local.get $p1) (local.get $swap1)))
        (v128.store (i32.add (local.get $pa) (i32.add (local.get $off) (i32.const 32)))
          (v128.bitselect (f64x2.sub (local.get $half) (local.get $p2)) (local.get $p2) (local.get $swap2)))
        (v128.store (i32.add (local.get $pa) (i32.add (local.get $off) (i32.const 48)))
          (v128.bitselect (f64x2.sub (local.get $half) (local.get $p3)) (local.get $p3) (local.get $swap3)))
        (local.set $off (i32.add (local.get $off) (i32.const 64)))
        (br $group)))
    ;; The pairs left over, one at a time.
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $y0 (v128.load (i32.add (local.get $py) (local.get $off))))
        (local.set $x0 (v128.load (i32.add (local.get $px) (local.get $off))))
        (local.set $swap0 (f64x2.gt (local.get $y0) (local.get $x0)))
        (local.set $mn0 (f64x2.pmin (local.get $y0) (local.get $x0)))
        (local.set $mx0 (f64x2.pmax (local.get $y0) (local.get $x0)))
        (local.set $big0 (f64x2.gt (local.get $mn0) (f64x2.mul (local.get $tan8) (local.get $mx0))))
        (local.set $w0 (f64x2.div
          (v128.bitselect (f64x2.sub (local.get $mn0) (local.get $mx0)) (local.get $mn0) (local.get $big0))
          (v128.bitselect (f64x2.add (local.get $mn0) (local.get $mx0)) (local.get $mx0) (local.get $big0))))
        (local.set $z0 (f64x2.mul (local.get $w0) (local.get $w0)))
        (local.set $p0 (v128.const f64x2 -0.01920252926841228 -0.01920252926841228))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.039253696320618564 0.039253696320618564)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.05086254885823143 -0.05086254885823143)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.05858311810501153 0.05858311810501153)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.06664531369805009 -0.06664531369805009)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.07692184699371778 0.07692184699371778)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.0909090464769568 -0.0909090464769568)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.11111111017100327 0.11111111017100327)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.1428571428469138 -0.1428571428469138)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 0.19999999999995652 0.19999999999995652)))
        (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $z0)) (v128.const f64x2 -0.3333333333333333 -0.3333333333333333)))
        (local.set $p0 (f64x2.add
          (f64x2.add (local.get $w0) (f64x2.mul (f64x2.mul (local.get $w0) (local.get $z0)) (local.get $p0)))
          (v128.and (local.get $big0) (local.get $quarter))))
        (v128.store (i32.add (local.get $pa) (local.get $off))
          (v128.bitselect (f64x2.sub (local.get $half) (local.get $p0)) (local.get $p0) (local.get $swap0)))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs))))

  ;; ABRelu's dual (ab-relu.ts) over pairs k < n:
  ;;   root = sqrt(q11 q22 - q12^2, or 0 unless positive), theta = atan2(root, q12) (pi/2 at (0, 0)),
  ;;   dot = half - factor theta, t = factor root + dot q12, tDot = dot (when wantDot is not 0).
  ;; y and x are scratch rows (root and |q12|) for the angle.
  (func (export "abReluRow")
    (param $q11 f64) (param $pq12 i32) (param $pq22 i32) (param $pt i32) (param $ptd i32) (param $py i32) (param $px i32)
    (param $n i32) (param $factor f64) (param $half f64) (param $wantDot i32)
    (local $off i32) (local $end i32) (local $vq11 v128) (local $vf v128) (local $vh v128)
    (local $c v128) (local $gap v128) (local $root v128) (local $a v128) (local $dot v128)
    (local.set $vq11 (f64x2.splat (local.get $q11)))
    (local.set $vf (f64x2.splat (local.get $factor)))
    (local.set $vh (f64x2.splat (local.get $half)))
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $c (v128.load (i32.add (local.get $pq12) (local.get $off))))
        (local.set $gap (f64x2.sub
          (f64x2.mul (local.get $vq11) (v128.load (i32.add (local.get $pq22) (local.get $off))))
          (f64x2.mul (local.get $c) (local.get $c))))
        (v128.store (i32.add (local.get $py) (local.get $off))
          (f64x2.sqrt (v128.and (local.get $gap) (f64x2.gt (local.get $gap) (v128.const f64x2 0 0)))))
        (v128.store (i32.add (local.get $px) (local.get $off)) (f64x2.abs (local.get $c)))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs)))
    (call $quadrantRow (local.get $py) (local.get $px) (local.get $pt) (local.get $n))
    (local.set $off (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $c (v128.load (i32.add (local.get $pq12) (local.get $off))))
        (local.set $root (v128.load (i32.add (local.get $py) (local.get $off))))
        (local.set $a (v128.load (i32.add (local.get $pt) (local.get $off))))
        (local.set $a (v128.bitselect
          (f64x2.sub (v128.const f64x2 3.141592653589793 3.141592653589793) (local.get $a))
          (local.get $a)
          (f64x2.lt (local.get $c) (v128.const f64x2 0 0))))
        (local.set $a (v128.bitselect (v128.const f64x2 1.5707963267948966 1.5707963267948966) (local.get $a)
          (v128.and (f64x2.eq (local.get $c) (v128.const f64x2 0 0)) (f64x2.eq (local.get $root) (v128.const f64x2 0 0)))))
        (local.set $dot (f64x2.sub (local.get $vh) (f64x2.mul (local.get $vf) (local.get $a))))
        (v128.store (i32.add (local.get $pt) (local.get $off))
          (f64x2.add (f64x2.mul (local.get $vf) (local.get $root)) (f64x2.mul (local.get $dot) (local.get $c))))
        (if (local.get $wantDot)
          (then (v128.store (i32.add (local.get $ptd) (local.get $off)) (local.get $dot))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs))))

  ;; Erf's dual (erf.ts) over pairs k < n, with s11 = 1 + 2b^2 q11:
  ;;   s22 = 1 + twoB2 q22, s12 = twoB2 q12, root = sqrt(s11 s22 - s12^2, or 0 unless positive),
  ;;   t = scale atan2(s12, root) + shift (0 at (0, 0)), tDot = dotScale / root.
  ;; y and x are scratch rows (s12 and root) for the angle.
  (func (export "erfRow")
    (param $s11 f64) (param $pq12 i32) (param $pq22 i32) (param $pt i32) (param $ptd i32) (param $py i32) (param $px i32)
    (param $n i32) (param $twoB2 f64) (param $scale f64) (param $shift f64) (param $dotScale f64) (param $wantDot i32)
    (local $off i32) (local $end i32) (local $vs11 v128) (local $v2b2 v128)
    (local $s12 v128) (local $gap v128) (local $root v128) (local $a v128)
    (local.set $vs11 (f64x2.splat (local.get $s11)))
    (local.set $v2b2 (f64x2.splat (local.get $twoB2)))
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $s12 (f64x2.mul (local.get $v2b2) (v128.load (i32.add (local.get $pq12) (local.get $off)))))
        (v128.store (i32.add (local.get $py) (local.get $off)) (local.get $s12))
        (local.set $gap (f64x2.sub
          (f64x2.mul (local.get $vs11)
            (f64x2.add (v128.const f64x2 1 1)
              (f64x2.mul (local.get $v2b2) (v128.load (i32.add (local.get $pq22) (local.get $off))))))
          (f64x2.mul (local.get $s12) (local.get $s12))))
        (v128.store (i32.add (local.get $px) (local.get $off))
          (f64x2.sqrt (v128.and (local.get $gap) (f64x2.gt (local.get $gap) (v128.const f64x2 0 0)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs)))
    ;; The angle of (root, |s12|), its sign restored below.
    (local.set $off (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store (i32.add (local.get $pt) (local.get $off)) (f64x2.abs (v128.load (i32.add (local.get $py) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs)))
    (call $quadrantRow (local.get $pt) (local.get $px) (local.get $pt) (local.get $n))
    (local.set $off (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $s12 (v128.load (i32.add (local.get $py) (local.get $off))))
        (local.set $root (v128.load (i32.add (local.get $px) (local.get $off))))
        (local.set $a (v128.load (i32.add (local.get $pt) (local.get $off))))
        (local.set $a (v128.bitselect (f64x2.neg (local.get $a)) (local.get $a)
          (f64x2.lt (local.get $s12) (v128.const f64x2 0 0))))
        (local.set $a (v128.bitselect (v128.const f64x2 0 0) (local.get $a)
          (v128.and (f64x2.eq (local.get $root) (v128.const f64x2 0 0)) (f64x2.eq (local.get $s12) (v128.const f64x2 0 0)))))
        (v128.store (i32.add (local.get $pt) (local.get $off))
          (f64x2.add (f64x2.mul (f64x2.splat (local.get $scale)) (local.get $a)) (f64x2.splat (local.get $shift))))
        (if (local.get $wantDot)
          (then (v128.store (i32.add (local.get $ptd) (local.get $off))
            (f64x2.div (f64x2.splat (local.get $dotScale)) (local.get $root)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs))))
;; The dense map on a row of both kernels (deferred-duals.ts, `affineRow`):
  ;;   theta = c theta + d k + e (when hasTheta is not 0), then k = a k + b.
  (func (export "affineRow")
    (param $pk i32) (param $ptheta i32) (param $n i32)
    (param $a f64) (param $b f64) (param $c f64) (param $d f64) (param $e f64) (param $hasTheta i32)
    (local $off i32) (local $end i32) (local $k v128) (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128) (local $ve v128)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $vd (f64x2.splat (local.get $d)))
    (local.set $ve (f64x2.splat (local.get $e)))
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $k (v128.load (i32.add (local.get $pk) (local.get $off))))
        (if (local.get $hasTheta)
          (then (v128.store (i32.add (local.get $ptheta) (local.get $off))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $vc) (v128.load (i32.add (local.get $ptheta) (local.get $off))))
                (f64x2.mul (local.get $vd) (local.get $k)))
              (local.get $ve)))))
        (v128.store (i32.add (local.get $pk) (local.get $off))
          (f64x2.add (f64x2.mul (local.get $va) (local.get $k)) (local.get $vb)))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs))))

  ;; theta = theta * dot over a row (the NTK's factor T-dot, eq. (S6)).
  (func (export "scaleRow") (param $ptheta i32) (param $pdot i32) (param $n i32)
    (local $off i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store (i32.add (local.get $ptheta) (local.get $off))
          (f64x2.mul
            (v128.load (i32.add (local.get $ptheta) (local.get $off)))
            (v128.load (i32.add (local.get $pdot) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs))))
)
