;; Elementwise passes of finite networks on WebAssembly SIMD (f64x2), on
;; arrays that live in the imported memory (a Workspace arena, see
;; `workspace.ts`): nothing is copied in or out. The arithmetic is exactly
;; that of the JavaScript loops they replace, operation by operation
;; (`stax/activations/ab-relu.ts`: a select and one multiplication per entry;
;; `stax/dense.ts`: a dense layer's Gram added to the empirical NTK), so the
;; bits are the same.
;;
;; Offsets are in bytes (the arena starts each array on a cache line); counts
;; are entries, taken two at a time, and an odd count's last entry is done on
;; its own.
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = (x[i] > 0 ? b : a) * x[i]: ABRelu (ReLU is a = 0, b = 1).
  (func (export "abRelu") (param $px i32) (param $pout i32) (param $n i32) (param $a f64) (param $b f64)
    (local $off i32) (local $end i32) (local $x v128) (local $va v128) (local $vb v128) (local $s f64)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $x (v128.load (i32.add (local.get $px) (local.get $off))))
        (v128.store (i32.add (local.get $pout) (local.get $off))
          (f64x2.mul
            (v128.bitselect (local.get $vb) (local.get $va) (f64x2.gt (local.get $x) (f64x2.splat (f64.const 0))))
            (local.get $x)))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $s (f64.load (i32.add (local.get $px) (local.get $end))))
        (f64.store (i32.add (local.get $pout) (local.get $end))
          (f64.mul (select (local.get $b) (local.get $a) (f64.gt (local.get $s) (f64.const 0))) (local.get $s))))))

  ;; out[i] = g[i] * (x[i] > 0 ? b : a): a backward signal through ABRelu.
  (func (export "abReluGradTimes") (param $pg i32) (param $px i32) (param $pout i32) (param $n i32) (param $a f64) (param $b f64)
    (local $off i32) (local $end i32) (local $va v128) (local $vb v128)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store (i32.add (local.get $pout) (local.get $off))
          (f64x2.mul
            (v128.load (i32.add (local.get $pg) (local.get $off)))
            (v128.bitselect (local.get $vb) (local.get $va)
              (f64x2.gt (v128.load (i32.add (local.get $px) (local.get $off))) (f64x2.splat (f64.const 0))))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (f64.store (i32.add (local.get $pout) (local.get $end))
          (f64.mul
            (f64.load (i32.add (local.get $pg) (local.get $end)))
            (select (local.get $b) (local.get $a) (f64.gt (f64.load (i32.add (local.get $px) (local.get $end))) (f64.const 0))))))))

  ;; into[k] += (s2 inputs[k] + b2) signals[k] over n x m matrices, all entries
  ;; or (upper = 1, square ones) the upper triangle j >= i: a dense layer's Gram
  ;; s^2 (X1 X2^T) . (D1 D2^T) + s_b^2 D1 D2^T added to the empirical NTK (Lee
  ;; et al. 2019, eq. (5)). Rows of the triangle start at any entry: v128 loads
  ;; and stores need no alignment.
  (func (export "gramAdd") (param $pinto i32) (param $pin i32) (param $psig i32) (param $n i32) (param $m i32) (param $s2 f64) (param $b2 f64) (param $upper i32)
    (local $i i32) (local $start i32) (local $end i32) (local $off i32) (local $pairEnd i32) (local $vs2 v128) (local $vb2 v128)
    (local.set $vs2 (f64x2.splat (local.get $s2)))
    (local.set $vb2 (f64x2.splat (local.get $b2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
        ;; Entries [start, end) of row i, in bytes from the matrices' starts.
        (local.set $end (i32.shl (i32.mul (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (i32.const 3)))
        (local.set $start (i32.shl
          (i32.add (i32.mul (local.get $i) (local.get $m)) (select (local.get $i) (i32.const 0) (local.get $upper)))
          (i32.const 3)))
        (local.set $pairEnd (i32.sub (local.get $end) (i32.and (i32.sub (local.get $end) (local.get $start)) (i32.const 8))))
        (local.set $off (local.get $start))
        (block $done
          (loop $pairs
            (br_if $done (i32.ge_u (local.get $off) (local.get $pairEnd)))
            (v128.store (i32.add (local.get $pinto) (local.get $off))
              (f64x2.add
                (v128.load (i32.add (local.get $pinto) (local.get $off)))
                (f64x2.mul
                  (f64x2.add (f64x2.mul (local.get $vs2) (v128.load (i32.add (local.get $pin) (local.get $off)))) (local.get $vb2))
                  (v128.load (i32.add (local.get $psig) (local.get $off))))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $pairEnd) (local.get $end))
          (then
            (f64.store (i32.add (local.get $pinto) (local.get $pairEnd))
              (f64.add
                (f64.load (i32.add (local.get $pinto) (local.get $pairEnd)))
                (f64.mul
                  (f64.add (f64.mul (local.get $s2) (f64.load (i32.add (local.get $pin) (local.get $pairEnd)))) (local.get $b2))
                  (f64.load (i32.add (local.get $psig) (local.get $pairEnd))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
)
